import Foundation
import Testing
@testable import WanggeCore
@testable import WanggeStore

/// `wangge import addresses`: the layer checked, stored and read back; orders located by it.
@Suite struct AddressImportTests {
    static let x = Fixture.x0 + 0.0005, y = Fixture.y0 + 0.0005

    static let csv = """
        id,kind,name,road,number,street,lon,lat
        D-1,door,,场中路,484号,,\(x),\(y)
        D-2,door,,场中路,486号,310113999,\(x + 0.0001),\(y)
        P-1,place,大场菜场,,,,\(x),\(y + 0.0002)
        S-1,shop,全家便利店（场中路店）,场中路,484号,,\(x + 0.0002),\(y)
        D-9,door,,场中路,999号,,121.5,31.5

        """

    @Test func importChecksFillsStreetsAndLocatesOrders() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let importer = Importer(store: store)
        let report = try importer.importLayer(.addresses, bytes: Array(Self.csv.utf8))
        #expect(report.stored == 5)
        #expect(
            report.warnings.map(\.message) == [
                "address D-2: street 310113999 differs from its cell's street 310113102",
                "1 address(es) lie in no cell: D-9",
            ])
        let stored = try store.loadAddresses()
        #expect(stored.map(\.id) == ["D-1", "D-2", "P-1", "S-1", "D-9"])
        #expect(stored.map(\.street) == ["310113102", "310113999", "310113102", "310113102", ""])
        #expect(stored[0].point == Coordinate(Self.x, Self.y) && stored[0].numberText == "484号" && stored[2].name == "大场菜场")

        // Strict refuses the warnings; a broken row names its line; nothing changes.
        let strict = Importer(store: store, strict: true)
        #expect(throws: LayerRejected.self) { try strict.importLayer(.addresses, bytes: Array(Self.csv.utf8)) }
        do {
            _ = try importer.importLayer(.addresses, bytes: Array("id,kind,name,road,number,street,lon,lat\nX,gate,,,,,1,2\n".utf8))
            Issue.record("a bad kind was accepted")
        } catch {
            #expect("\(error)".contains("line 2 (id X): kind \"gate\" is not door, place or shop"))
        }
        #expect(try store.loadAddresses().count == 5)

        // Orders: by address, by place name, unmatched (manual dispatch with candidates).
        let orders = """
            id,lon,lat,category,received_at,address
            O1,,,违法搭建,2025-06-01T10:00:00+08:00,宝山区大场镇场中路四百八十四号门口
            O2,,,违法搭建,2025-06-01T10:00:00+08:00,大场菜场附近
            O3,,,违法搭建,2025-06-01T10:00:00+08:00,场中路9999号

            """
        let imported = try importer.importLayer(.orders, bytes: Array(orders.utf8))
        // The report keeps the orders located by address (and address_far ones), not every order.
        #expect(imported.located.map(\.locatedBy) == ["address", "place"])
        #expect(imported.located.map(\.match) == ["D-1", "P-1"])
        #expect(imported.statusCounts[.inside] == 2 && imported.statusCounts[.invalid] == 1)
        let reason = try #require(imported.invalidOrders.first?.reason)
        #expect(reason.hasPrefix("lon is empty; address \"场中路9999号\" not located: number_not_found; candidates: D-9 场中路999号"))
        let rows = try store.database.prepare("SELECT id, located_by, address_match, wgs_lon, cell FROM orders ORDER BY id").rows()
        #expect(rows.map { $0[1].string ?? "?" } == ["address", "place", ""])
        #expect(rows[0][3].double == Self.x && rows[0][4].string == Fixture.cellCode(3))
    }
}
