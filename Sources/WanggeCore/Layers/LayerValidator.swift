/// Checks whole layers before they are stored: geometric validity (OGC, via GEOS), and the
/// grid's topology measured in EPSG:4549 square metres — overlaps between cells or between
/// zones of one kind, and gaps between the cells of a street.
///
/// Validity problems and broken references are errors; overlaps and gaps larger than
/// ``minimumArea`` (1 m²) are warnings, because real grids carry digitising slivers. Gaps are
/// found on a 1 cm precision grid, so vertices that differ only by rounding still meet.
public struct LayerValidator {
    /// Overlaps and gaps at or below this many square metres are ignored.
    public var minimumArea = 1.0
    private let checker = GeometryChecker()
    private let projection: MetricProjection

    public init() throws {
        projection = try MetricProjection()
    }

    private func metric(_ g: Geometry) -> Geometry {
        g.mapCoordinates { projection.project($0) }
    }

    private func lonLat(_ c: Coordinate) -> String {
        let p = projection.unproject(c)
        return "(\(rounded(p.x)) \(rounded(p.y)))"
    }

    private func rounded(_ v: Double) -> Double { (v * 1e7).rounded() / 1e7 }

    private func squareMetres(_ a: Double) -> String { AssignmentRow.millimetres(a).dropLast(1) + " m²" }

    /// Validity of each cell, overlaps between cells, gaps between the cells of each street.
    public func check(cells: [Cell]) -> ValidationReport {
        var report = ValidationReport()
        var valid: [Cell] = []
        for c in cells {
            if let problem = checker.validityProblem(of: c.geometry) {
                report.append(.error("cell \(c.code): invalid polygon: \(problem)"))
            } else {
                valid.append(c)
            }
        }
        let projected = valid.map { metric($0.geometry) }
        for o in checker.overlaps(among: projected, minimumArea: minimumArea) {
            report.append(
                .warning("cells \(valid[o.first].code) and \(valid[o.second].code) overlap by \(squareMetres(o.area)) near \(lonLat(o.location))"))
        }
        var byStreet: [String: [Int]] = [:]
        for (i, c) in valid.enumerated() { byStreet[c.streetCode, default: []].append(i) }
        for street in byStreet.keys.sorted() {
            for gap in checker.gaps(in: byStreet[street]!.map { projected[$0] }, minimumArea: minimumArea, gridSize: 0.01) {
                report.append(.warning("street \(street): a hole of \(squareMetres(gap.area)) between its cells near \(lonLat(gap.location))"))
            }
        }
        return report
    }

    /// Validity of each zone, unit references, overlaps between zones of one kind.
    public func check(zones: [Zone], knownUnits: Set<String>) -> ValidationReport {
        var report = ValidationReport()
        var valid: [Zone] = []
        for z in zones {
            var ok = true
            if let problem = checker.validityProblem(of: z.geometry) {
                report.append(.error("zone \(z.id): invalid polygon: \(problem)")); ok = false
            }
            if !knownUnits.contains(z.unit) {
                report.append(.error("zone \(z.id): unknown unit \"\(z.unit)\" (import the units layer first, or add the unit)")); ok = false
            }
            if ok { valid.append(z) }
        }
        var byKind: [String: [Zone]] = [:]
        for z in valid { byKind[z.kind, default: []].append(z) }
        for kind in byKind.keys.sorted() {
            let group = byKind[kind]!
            for o in checker.overlaps(among: group.map { metric($0.geometry) }, minimumArea: minimumArea) {
                report.append(
                    .warning(
                        "\(kind) zones \(group[o.first].id) and \(group[o.second].id) overlap by \(squareMetres(o.area)) near \(lonLat(o.location))"))
            }
        }
        return report
    }

    /// Validity of each inspection point's geometry.
    public func check(points: [InspectionPoint]) -> ValidationReport {
        var report = ValidationReport()
        for p in points {
            if let problem = checker.validityProblem(of: p.geometry) {
                report.append(.error("point \(p.id): invalid geometry: \(problem)"))
            }
        }
        return report
    }
}
