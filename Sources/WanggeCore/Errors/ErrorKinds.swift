// The kinds of the core's errors (see ``WanggeError``), each beside the others so the
// taxonomy reads in one place.

extension CSVReader.Error: WanggeError {
    /// A quote never closed, text after a closing quote: the CSV cannot be read at all.
    public var kind: ErrorKind { .badInput }
    public var code: String { "bad-csv" }
    public var title: String { "Unreadable CSV" }
    public var rows: [RejectedRow] { [RejectedRow(row: line, reason: message)] }
}

extension TextDecodingError: WanggeError {
    public var kind: ErrorKind { .badInput }
    public var code: String { "bad-encoding" }
    public var title: String { "Text not in its encoding" }
    public var rows: [RejectedRow] { [RejectedRow(row: line, reason: description, byteOffset: byteOffset)] }
}

extension JSONParseError: WanggeError {
    public var kind: ErrorKind { .badInput }
    public var code: String { "bad-json" }
    public var title: String { "Unreadable JSON" }
}

extension GeoJSONError: WanggeError {
    public var kind: ErrorKind { .badInput }
    public var code: String { "bad-geojson" }
    public var title: String { "Unreadable GeoJSON" }
}

extension WKB.Error: WanggeError {
    /// Geometry bytes that do not decode: a damaged or foreign blob.
    public var kind: ErrorKind { .badInput }
    public var code: String { "bad-geometry" }
}

extension CoordinateError: WanggeError {
    /// A position that cannot be read or converted. An unknown CRS, or one PROJ cannot apply,
    /// is the `crs` parameter's fault.
    public var kind: ErrorKind { .badInput }
    public var parameter: String? {
        switch self {
        case .unknownCRS, .transformFailed: "crs"
        case .notANumber, .nonFinite, .outOfRange: nil
        }
    }
    public var expected: String? { parameter == nil ? nil : "wgs84, cgcs2000, gcj02, bd09 or EPSG:nnnn" }
}

extension LayerRejected: WanggeError {
    public var kind: ErrorKind { .invalidRows }
    public var code: String { "layer-rejected" }
    public var title: String { "Layer rejected" }
    private var shownIssues: [ValidationIssue] { strict ? report.issues : report.errors }
    /// The issues (errors, and warnings under `--strict`), the first hundred.
    public var rows: [RejectedRow] { shownIssues.prefix(100).map { RejectedRow(row: nil, reason: $0.description) } }
    public var rowsTotal: Int { shownIssues.count }
}

extension GEOSConversionError: WanggeError {
    /// GEOS refused a geometry the checks passed: a bug or an exhausted GEOS.
    var kind: ErrorKind { .internal }
}

extension WorkCancelled: WanggeError {
    /// The deadline passed or the service is stopping: retrying (narrower) may succeed.
    public var kind: ErrorKind { .unavailable }
}

extension TileAddress.OutOfRange: WanggeError {
    /// A z/x/y outside the tile pyramid: the client's request, naming the parameter.
    public var kind: ErrorKind { .badInput }
}
