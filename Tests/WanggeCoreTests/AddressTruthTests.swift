import Foundation
import Testing
@testable import WanggeCore
import WanggeTestSupport

/// The sample districts' address-only truth orders (GeoData/addresses.py): every row resolved
/// to the expected address, or sent to manual dispatch for the expected reason (with the
/// expected candidates where the file lists them); no order resolved to a wrong address.
@Suite struct AddressTruthTests {
    static var root: URL { SampleData.root }

    /// The resolver for a sample district, with its own names (district, streets and
    /// communities from its cells).
    static func resolver(_ district: String, countyName: String) throws -> AddressResolver {
        let dir = root.appendingPathComponent("GeoData/\(district)")
        let cells = try GeoJSON.decodeFeatureCollection(Data(contentsOf: dir.appendingPathComponent("cells.geojson")))
        let streets = Set(cells.compactMap { $0.properties["street_name"]?.text })
        let communities = Set(cells.compactMap { $0.properties["community_name"]?.text })
        let (addresses, report) = try AddressLayerDecoder.decode(csv: [UInt8](Data(contentsOf: dir.appendingPathComponent("addresses.csv"))))
        #expect(report.issues.isEmpty, "\(report.issues.prefix(3))")
        #expect(addresses.count > 4000)
        return AddressResolver(
            index: AddressIndex(addresses),
            normalizer: AddressNormalizer(
                cityNames: ["上海市"], districtNames: [countyName],
                streetNames: streets.sorted(), communityNames: communities.sorted()))
    }

    @Test(arguments: [("baoshan", "宝山区"), ("huangpu", "黄浦区")])
    func truthSet(district: String, countyName: String) throws {
        let resolver = try Self.resolver(district, countyName: countyName)
        let rows = try LayerDecoder.table(
            [UInt8](Data(contentsOf: Self.root.appendingPathComponent("GeoData/\(district)/truth_addresses.csv"))),
            required: ["id", "address", "code", "case", "located_by", "match", "gap", "street", "reason", "candidates"],
            layer: "truth")
        #expect(rows.count > 200)
        var cases: [String: Int] = [:]
        var wrong = 0, differing = 0
        for (line, v) in rows {
            let r = resolver.resolve(address: v["address"]!, code: v["code"]!)
            cases[v["case"]!, default: 0] += 1
            if let id = r.match?.id, id != v["match"]! { wrong += 1 }
            var got: [String] = [
                r.locatedBy?.rawValue ?? "", r.match?.id ?? "", r.gap.map(String.init) ?? "",
                r.reason?.rawValue ?? "",
            ]
            var expected = [v["located_by"]!, v["match"]!, v["gap"]!, v["reason"]!]
            if case .street(let code) = r.outcome { got.append(code) } else { got.append("") }
            expected.append(v["street"]!)
            if !v["candidates"]!.isEmpty {
                got.append(r.candidates.map(\.address.id).joined(separator: ";"))
                expected.append(v["candidates"]!)
            }
            if got != expected {
                differing += 1
                Issue.record("\(district) line \(line) \(v["id"]!) \(v["address"]!): got \(got), expected \(expected)")
            }
        }
        #expect(wrong == 0)
        #expect(differing == 0)
        // Every kind of case is present.
        for c in [
            "clean", "prefixed", "fullwidth", "numeral", "locative", "lane", "lane_missing", "lane_as_number",
            "interpolated", "number_far", "shop_code", "shop_name", "place", "place_locative", "place_prefixed",
            "ambiguous", "road_only", "unknown_road",
        ] {
            #expect(cases[c, default: 0] > 0, "\(district): no \(c) rows")
        }
    }
}
