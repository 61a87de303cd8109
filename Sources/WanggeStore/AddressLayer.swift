import Foundation
import WanggeCore

/// The standard address layer (`addresses`) in the store, and address resolution for stored
/// and imported orders (``AddressRouting``).
extension WanggeStore {
    func replaceAddresses(_ addresses: [StandardAddress]) throws {
        try database.execute("DELETE FROM addresses")
        let insert = try database.prepare(
            """
            INSERT INTO addresses (id, kind, name, road, number, street, geom) VALUES (?, ?, ?, ?, ?, ?, MakePoint(?, ?, 4326))
            """)
        for a in addresses {
            try insert.run([
                .text(a.id), .text(a.kind.rawValue), .text(a.name), .text(a.road), .text(a.numberText),
                .text(a.street), .real(a.point.x), .real(a.point.y),
            ])
        }
    }

    /// The stored standard addresses, in import order.
    public func loadAddresses() throws -> [StandardAddress] {
        try database.prepare("SELECT id, kind, name, road, number, street, X(geom), Y(geom) FROM addresses ORDER BY rowid").rows().map { r in
            StandardAddress(
                id: r[0].string ?? "", kind: StandardAddress.Kind(rawValue: r[1].string ?? "") ?? .door,
                name: r[2].string ?? "", road: r[3].string ?? "", numberText: r[4].string ?? "",
                street: r[5].string ?? "", point: Coordinate(r[6].double ?? .nan, r[7].double ?? .nan))
        }
    }

    /// The stored address layer bound to `district`, or nil when the layer is empty. Kept per
    /// database file while its layers (``layersVersion()``), `district` and `farMetres` are
    /// unchanged, so posting orders does not rebuild the index each time.
    public func addressRouting(for district: DistrictIndex, farMetres: Double = 300) throws -> AddressRouting? {
        guard try database.scalar("SELECT EXISTS (SELECT 1 FROM addresses)").int == 1 else { return nil }
        let version = try layersVersion()
        if let kept = AddressRoutingCache.shared.get(path: database.path, version: version, district: district, farMetres: farMetres) {
            return kept
        }
        let routing = AddressRouting(addresses: try loadAddresses(), district: district, farMetres: farMetres)
        AddressRoutingCache.shared.put(path: database.path, version: version, district: district, routing: routing)
        return routing
    }

    /// Records how each order was located (`located_by`, `address_match`) where it changed.
    /// Only address answers are stored: `coordinates` is stored as empty.
    func recordLocated(ids: [String], _ located: [AddressRouting.Located]) throws {
        // Nothing stored yet and nothing to store: skip the per-order updates.
        let anyStored = try database.scalar("SELECT EXISTS (SELECT 1 FROM orders WHERE located_by != '' OR address_match != '')").int == 1
        if !anyStored && located.allSatisfy({ ($0.locatedBy.isEmpty || $0.locatedBy == "coordinates") && $0.match.isEmpty }) { return }
        let update = try database.prepare(
            """
            UPDATE orders SET located_by = ?2, address_match = ?3 WHERE id = ?1 AND (located_by IS NOT ?2 OR address_match IS NOT ?3)
            """)
        for (id, l) in zip(ids, located) {
            try update.run([.text(id), .text(l.locatedBy == "coordinates" ? "" : l.locatedBy), .text(l.match)])
        }
    }
}

extension Importer {
    /// Imports the `addresses` layer (CSV `id,kind,name,road,number,street,lon,lat`, or GeoJSON
    /// points): checked by ``AddressLayerDecoder``; a point in no cell is a warning; an empty
    /// `street` is filled from the covering cell, and one differing from it is a warning.
    /// Stored orders are then located again (``Importer/reassignStoredOrders()``).
    func importAddresses(_ bytes: [UInt8], crs: CoordinateReferenceSystem, into report: inout ImportReport) throws {
        let isGeoJSON = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "{")
        var (addresses, check) =
            isGeoJSON
            ? AddressLayerDecoder.decode(features: try GeoJSON.decodeFeatureCollection(Data(bytes)), crs: crs)
            : try AddressLayerDecoder.decode(csv: bytes, crs: crs)
        if check.errors.isEmpty && addresses.isEmpty && !allowEmpty {
            check.append(
                .error(
                    "the file holds no addresses: replacing the stored addresses layer with an empty one is refused (--allow-empty, or allow-empty=true over HTTP, to empty it on purpose)"
                ))
        }
        if check.errors.isEmpty {
            let index = try store.loadDistrictIndex()
            if !index.cells.isEmpty {
                let router = try OrderRouter(index: index, snapMetres: 0)
                var outside: [String] = []
                for i in addresses.indices {
                    let a = router.assign(wgs84: addresses[i].point, category: "")
                    guard let cell = a.cell, a.status == .inside || a.status == .boundary else { outside.append(addresses[i].id); continue }
                    let street = index.cells[cell].street
                    if addresses[i].street.isEmpty {
                        addresses[i].street = street
                    } else if addresses[i].street != street {
                        check.append(.warning("address \(addresses[i].id): street \(addresses[i].street) differs from its cell's street \(street)"))
                    }
                }
                if !outside.isEmpty {
                    let listed = outside.prefix(20).joined(separator: ", ")
                    check.append(.warning("\(outside.count) address(es) lie in no cell: \(listed)\(outside.count > 20 ? ", …" : "")"))
                }
            }
        }
        guard check.passes(strict: strict) else { throw LayerRejected(layer: Layer.addresses.rawValue, report: check, strict: strict) }
        report.warnings.append(contentsOf: check.warnings)
        try store.replaceAddresses(addresses)
        try store.markLayersChanged()
        report.stored = addresses.count
        report.reassigned = try reassignStoredOrders()
    }

    /// Locates `records` (routed by coordinates as `assignments`) by their address where
    /// their coordinates are unusable and flags `address_far`; without an address layer every
    /// answer is `coordinates`, or empty for an invalid order. Store the answers with ``WanggeStore/recordLocated(ids:_:)`` once the
    /// orders are written.
    func locateByAddress(_ records: [WorkOrderRecord], _ assignments: inout [Assignment], index: DistrictIndex) throws -> [AddressRouting.Located] {
        let routing = try store.addressRouting(for: index, farMetres: addressFarMetres)
        guard routing != nil else { return Self.locate(records, &assignments, routing: nil, router: nil, index: index) }
        return Self.locate(records, &assignments, routing: routing, router: try OrderRouter(index: index, snapMetres: snapMetres), index: index)
    }

    /// ``locateByAddress(_:_:index:)`` with the address routing already built (an import
    /// builds it once) and a router of the caller's thread.
    static func locate(
        _ records: [WorkOrderRecord], _ assignments: inout [Assignment], routing: AddressRouting?, router: OrderRouter?,
        index: DistrictIndex
    ) -> [AddressRouting.Located] {
        var located = assignments.map { AddressRouting.Located(locatedBy: $0.status == .invalid ? "" : "coordinates") }
        guard let routing, let router else { return located }
        for i in records.indices {
            let (address, code) = Self.addressFields(records[i].attributesJSON)
            (assignments[i], located[i]) = routing.route(
                assignments[i], address: address, code: code,
                route: index.categoryRoute(for: records[i].category), router: router)
        }
        return located
    }

    /// The `address` attribute and the first non-empty code attribute (``AddressRouting/codeColumns``).
    static func addressFields(_ attributesJSON: String) -> (address: String, code: String) {
        guard attributesJSON.utf8.count > 2, case .object(let o)? = try? JSONParser.parse(Array(attributesJSON.utf8)) else { return ("", "") }
        let address = o[AddressRouting.addressColumn]?.text ?? ""
        let code = AddressRouting.codeColumns.lazy.compactMap { o[$0]?.text }.first { !$0.isEmpty } ?? ""
        return (address, code)
    }
}

/// The last ``AddressRouting`` built per database file (see ``WanggeStore/addressRouting(for:farMetres:)``).
final class AddressRoutingCache: Sendable {
    static let shared = AddressRoutingCache()
    private let entries = Locked<[String: (version: String, district: DistrictIndex, routing: AddressRouting)]>([:])

    func get(path: String, version: String, district: DistrictIndex, farMetres: Double) -> AddressRouting? {
        guard let e = entries.withLock({ $0[path] }), e.version == version, e.district === district, e.routing.farMetres == farMetres else {
            return nil
        }
        return e.routing
    }

    func put(path: String, version: String, district: DistrictIndex, routing: AddressRouting) {
        entries.withLock { $0[path] = (version, district, routing) }
    }
}
