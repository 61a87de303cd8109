import Foundation
import Testing
@testable import WanggeCore
@testable import WanggeStore
import WanggeTestSupport

/// The cells' search structures kept in `derived_indexes`: written with the cells, reused by
/// every later process while they match the cells, replaced when the cells change, and never
/// trusted when damaged.
@Suite struct DerivedIndexTests {
    static func savedBytes(_ store: WanggeStore) throws -> [UInt8]? {
        guard case .blob(let b) = try store.database.scalar("SELECT bytes FROM derived_indexes WHERE name = 'cell_search'") else { return nil }
        return b
    }

    @Test func importingCellsSavesWhatLaterProcessesReuse() throws {
        let sample = try SampleDistrict.copy("huangpu")
        defer { sample.remove() }
        let store = try WanggeStore(path: sample.path, readOnly: true)
        let saved = try #require(try Self.savedBytes(store))
        let index = try store.loadDistrictIndex()
        #expect(index.reusedCellSearch)
        #expect(index.cellSearchImage() == saved)
    }

    /// With stored orders (the re-route builds the index) and without (the import does).
    @Test(arguments: [false, true])
    func reimportedCellsReplaceTheSavedBytes(withOrders: Bool) throws {
        let sample = try SampleDistrict.copy("baoshan", withOrders: withOrders)
        defer { sample.remove() }
        let before = try #require(try Self.savedBytes(try WanggeStore(path: sample.path, readOnly: true)))
        // The same cells, every one moved about 1 m east: a different layer with the same codes.
        func shifted(_ v: Any) -> Any {
            guard let a = v as? [Any] else { return v }
            if a.count == 2, let x = a[0] as? Double, let y = a[1] as? Double { return [x + 0.00001, y] }
            return a.map(shifted)
        }
        var collection = try #require(try JSONSerialization.jsonObject(with: Data(try SampleData.file("cells.geojson"))) as? [String: Any])
        collection["features"] = (collection["features"] as? [[String: Any]] ?? []).map { feature in
            var f = feature
            var g = f["geometry"] as? [String: Any] ?? [:]
            g["coordinates"] = shifted(g["coordinates"] as Any)
            f["geometry"] = g
            return f
        }
        let bytes = Array(try JSONSerialization.data(withJSONObject: collection))
        let writer = try WanggeStore(path: sample.path)
        let report = try Importer(store: writer).importLayer(.cells, bytes: bytes)
        #expect((report.reassigned > 0) == withOrders)
        let after = try #require(try Self.savedBytes(writer))
        #expect(after != before)
        let reader = try WanggeStore(path: sample.path, readOnly: true)
        let index = try reader.loadDistrictIndex()
        #expect(index.reusedCellSearch)
        // The old bytes do not fit the new cells.
        #expect(!(try DistrictIndex(district: try reader.loadDistrict(), savedCellSearch: before)).reusedCellSearch)
    }

    /// Without the row, or with damaged bytes, a read-only process builds and answers rightly
    /// (and writes nothing); the next writable open puts sound bytes back.
    @Test func missingOrDamagedBytesAreBuiltAgain() throws {
        let sample = try SampleDistrict.copy("huangpu")
        defer { sample.remove() }
        let good = try #require(try Self.savedBytes(try WanggeStore(path: sample.path, readOnly: true)))
        var damaged = good
        damaged[damaged.count / 2] ^= 0xFF
        let writer = try WanggeStore(path: sample.path)
        let fresh = try DistrictIndex(district: try writer.loadDistrict())
        let e = fresh.cellGridExtent
        let probes = [Coordinate((e.minX + e.maxX) / 2, (e.minY + e.maxY) / 2), Coordinate(e.maxX + 0.01, e.minY - 0.01)]
        let freshRouter = try OrderRouter(index: fresh)
        let expected = probes.map { freshRouter.assign(wgs84: $0, category: "") }
        for replacement in [nil, damaged] {
            if let replacement {
                try writer.database.prepare("UPDATE derived_indexes SET bytes = ?1 WHERE name = 'cell_search'").run([.blob(replacement)])
            } else {
                try writer.database.execute("DELETE FROM derived_indexes")
            }
            let reader = try WanggeStore(path: sample.path, readOnly: true)
            let index = try reader.loadDistrictIndex()
            #expect(!index.reusedCellSearch)
            let router = try OrderRouter(index: index)
            for (probe, expected) in zip(probes, expected) {
                let answer = router.assign(wgs84: probe, category: "")
                #expect(answer.cell == expected.cell && answer.status == expected.status && answer.distanceMetres == expected.distanceMetres)
            }
            #expect(try Self.savedBytes(reader) == replacement)
            #expect(!(try writer.loadDistrictIndex()).reusedCellSearch)
            #expect(try Self.savedBytes(writer) == good)
            #expect((try reader.loadDistrictIndex()).reusedCellSearch)
        }
    }
}
