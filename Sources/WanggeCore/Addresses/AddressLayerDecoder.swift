import Foundation

/// Reads the standard address layer (`addresses`) from CSV or GeoJSON points into
/// ``StandardAddress`` values, checked like the other layers. Errors name the row (`line 7`)
/// or feature (`feature 12 (id D-0012)`):
/// an empty or duplicate id; a kind other than `door`, `place`, `shop`; a door without a road
/// or a number; a place or shop without a name; a number ``AddressNumber`` cannot read; a
/// street that is not 9 digits; coordinates that are not numbers or not valid after
/// conversion from `crs`; a geometry that is not a Point. Two doors with the same road and
/// number are a warning. Points outside every cell are the caller's check (a warning).
public enum AddressLayerDecoder {
    /// The CSV columns: `id,kind,name,road,number,street,lon,lat` (`name`, `road`, `number`,
    /// `street` may be empty; other columns are ignored).
    public static let csvColumns = ["id", "kind", "name", "road", "number", "street", "lon", "lat"]

    /// Reads the CSV form. Throws only for a structurally broken file (no header, a missing
    /// column, a row with the wrong number of fields); row problems go into the report.
    public static func decode(csv bytes: [UInt8], crs: CoordinateReferenceSystem = .wgs84) throws -> ([StandardAddress], ValidationReport) {
        let rows = try LayerDecoder.table(bytes, required: ["id", "kind", "lon", "lat"], layer: "addresses")
        let converter = CoordinateConverter()
        var checker = Checker()
        for (line, v) in rows {
            let label = "line \(line)"
            let lonText = v["lon"] ?? "", latText = v["lat"] ?? ""
            guard let lon = Double(lonText), let lat = Double(latText) else {
                checker.report.append(.error("\(label): coordinates \"\(lonText)\", \"\(latText)\" are not numbers")); continue
            }
            checker.add(
                label: label, id: v["id"] ?? "", kind: v["kind"] ?? "", name: v["name"] ?? "", road: v["road"] ?? "",
                number: v["number"] ?? "", street: v["street"] ?? "", coordinate: Coordinate(lon, lat),
                crs: crs, converter: converter)
        }
        return (checker.addresses, checker.report)
    }

    /// Reads the GeoJSON form: Point features with properties `id` (or the feature id), `kind`,
    /// `name`, `road`, `number`, `street`.
    public static func decode(features: [GeoJSONFeature], crs: CoordinateReferenceSystem = .wgs84) -> ([StandardAddress], ValidationReport) {
        let converter = CoordinateConverter()
        var checker = Checker()
        for f in features {
            let label = f.label(key: "id")
            guard case .point(let c) = f.geometry else {
                checker.report.append(.error("\(label): a standard address must be a Point, not \(f.geometry.typeName)")); continue
            }
            func text(_ key: String) -> String { (f.properties[key]?.text ?? "").trimmingCharacters(in: .whitespaces) }
            checker.add(
                label: label, id: f.properties["id"]?.text.map { $0.trimmingCharacters(in: .whitespaces) } ?? f.id ?? "",
                kind: text("kind"), name: text("name"), road: text("road"), number: text("number"),
                street: text("street"), coordinate: c, crs: crs, converter: converter)
        }
        return (checker.addresses, checker.report)
    }

    /// The checks shared by both forms.
    private struct Checker {
        var addresses: [StandardAddress] = []
        var report = ValidationReport()
        var seen: [String: String] = [:]
        var doors: [String: String] = [:]

        mutating func add(
            label: String, id: String, kind kindText: String, name: String, road roadText: String,
            number numberText: String, street: String, coordinate: Coordinate,
            crs: CoordinateReferenceSystem, converter: CoordinateConverter
        ) {
            guard !id.isEmpty else { report.append(.error("\(label): the id is empty")); return }
            if let first = seen[id] { report.append(.error("\(label): duplicate address id \(id) (also \(first))")); return }
            seen[id] = label
            guard let kind = StandardAddress.Kind(rawValue: kindText) else {
                report.append(.error("\(label) (id \(id)): kind \"\(kindText)\" is not door, place or shop")); return
            }
            let road = AddressText.folded(roadText)
            let folded = AddressText.folded(numberText)
            var number: AddressNumber? = nil
            if !folded.isEmpty {
                guard let n = AddressNumber.parse(folded) else {
                    report.append(.error("\(label) (id \(id)): number \"\(numberText)\" is not a house number (e.g. 484号, 200弄12号, 12号楼)")); return
                }
                number = n
            }
            switch kind {
            case .door:
                guard !road.isEmpty else { report.append(.error("\(label) (id \(id)): a door needs a road")); return }
                guard number?.roadNumber != nil else { report.append(.error("\(label) (id \(id)): a door needs a number")); return }
            case .place, .shop:
                guard !name.isEmpty else { report.append(.error("\(label) (id \(id)): a \(kind.rawValue) needs a name")); return }
            }
            guard street.isEmpty || (street.utf8.count == 9 && street.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }) else {
                report.append(.error("\(label) (id \(id)): street \"\(street)\" is not a 9-digit street/town code")); return
            }
            let point: Coordinate
            do {
                point = try converter.toWGS84(coordinate, from: crs)
            } catch {
                report.append(.error("\(label) (id \(id)): \(error)")); return
            }
            guard point.isValidLonLat else { report.append(.error("\(label) (id \(id)): coordinates out of range \(point)")); return }
            if kind == .door, let n = number {
                let key = road + n.description
                if let other = doors[key] { report.append(.warning("\(label) (id \(id)): \(key) is also door \(other)")) } else { doors[key] = id }
            }
            addresses.append(
                StandardAddress(
                    id: id, kind: kind, name: AddressText.folded(name), road: road, numberText: numberText,
                    number: number, street: street, point: point))
        }
    }
}
