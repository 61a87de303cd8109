import Testing
@testable import WanggeCore

/// A small hand-made layer: 场中路 crosses two streets, 大华三路 lies in one; 大华三路 has
/// lane 200 with doors inside and no door 200 of its own.
private let layer: [StandardAddress] = {
    var a: [StandardAddress] = []
    func door(_ id: String, _ road: String, _ number: String, _ street: String, _ x: Double) {
        a.append(StandardAddress(id: id, kind: .door, road: road, numberText: number, street: street, point: Coordinate(121.40 + x, 31.30)))
    }
    // 场中路: odd 1…21 (without 11), even 2…20 (without 8 and 10); two streets.
    for k in stride(from: 1, through: 21, by: 2) where k != 11 {
        door("D-CZ-\(k)", "场中路", "\(k)号", k < 15 ? "310113102" : "310113112", Double(k) * 1e-4)
    }
    for k in stride(from: 2, through: 20, by: 2) where k != 8 && k != 10 { door("D-CZ-\(k)", "场中路", "\(k)号", "310113102", Double(k) * 1e-4) }
    door("D-CZ-484", "场中路", "484号", "310113102", 0.05)
    // 大华三路: 198号, lane 200 (doors 1号, 2号, 12号, 3支弄5号), 202号; one street.
    door("D-DH-198", "大华三路", "198号", "310113102", 0.01)
    door("D-DH-200-1", "大华三路", "200弄1号", "310113102", 0.011)
    door("D-DH-200-12", "大华三路", "200弄12号", "310113102", 0.012)
    door("D-DH-200-2", "大华三路", "200弄2号", "310113102", 0.013)
    door("D-DH-200-3-5", "大华三路", "200弄3支弄5号", "310113102", 0.014)
    door("D-DH-202", "大华三路", "202号", "310113102", 0.015)
    a.append(StandardAddress(id: "P-01", kind: .place, name: "朝阳小区", street: "310113102", point: Coordinate(121.41, 31.31)))
    a.append(StandardAddress(id: "P-02", kind: .place, name: "朝阳花园", street: "310113102", point: Coordinate(121.42, 31.31)))
    a.append(StandardAddress(id: "P-03", kind: .place, name: "沪太路/真大路路口", street: "310113102", point: Coordinate(121.43, 31.31)))
    a.append(StandardAddress(id: "P-04", kind: .place, name: "汶水商厦", street: "310113102", point: Coordinate(121.44, 31.31)))
    a.append(
        StandardAddress(
            id: "S-310113-0001", kind: .shop, name: "好邻居便利店", road: "场中路", numberText: "5号", street: "310113102", point: Coordinate(121.45, 31.31)))
    a.append(
        StandardAddress(
            id: "S-310113-0002", kind: .shop, name: "好邻居便利店", road: "场中路", numberText: "9号", street: "310113102", point: Coordinate(121.46, 31.31)))
    return a
}()

private let resolver = AddressResolver(
    index: AddressIndex(layer),
    normalizer: AddressNormalizer(cityNames: ["上海市"], districtNames: ["宝山区"], streetNames: ["大场镇", "庙行镇", "高境镇"]))

@Suite struct AddressResolverTests {
    @Test func shopAndPlaceCodes() {
        let r = resolver.resolve(address: "", code: "S-310113-0002")
        #expect(r.locatedBy == .shop && r.match?.id == "S-310113-0002" && r.point == Coordinate(121.46, 31.31))
        #expect(resolver.resolve(address: "P-04").locatedBy == .place)
        // An unknown code falls back to the address.
        let s = resolver.resolve(address: "场中路484号", code: "S-9")
        #expect(s.locatedBy == .address && s.match?.id == "D-CZ-484")
        let t = resolver.resolve(address: "", code: "S-9")
        #expect(t.outcome == .unmatched && t.reason == .unknownCode)
        #expect(resolver.resolve(address: " ").reason == .empty)
    }

    @Test func roadAndNumber() {
        for text in ["场中路484号", "上海市宝山区大场镇场中路484号", "场中路４８４号", "场中路四百八十四号", "场中路484号旁", "场中路484"] {
            let r = resolver.resolve(address: text)
            #expect(r.locatedBy == .address && r.match?.id == "D-CZ-484" && r.gap == nil, "\(text)")
            #expect(r.street == "310113102")
        }
        let lane = resolver.resolve(address: "大华三路二百弄十二号楼下")
        #expect(lane.locatedBy == .address && lane.match?.id == "D-DH-200-12" && lane.normalized.locatives == ["楼下"])
        #expect(resolver.resolve(address: "大华三路200弄3支弄5号").match?.id == "D-DH-200-3-5")
        // Entrance, floor and room do not matter.
        #expect(resolver.resolve(address: "大华三路200弄12号2单元3楼301室").match?.id == "D-DH-200-12")
        #expect(resolver.resolve(address: "场中路484号5层").match?.id == "D-CZ-484")
    }

    @Test func laneFallbacks() {
        // A door inside the lane that the layer lacks → the lane, by its first door.
        let r = resolver.resolve(address: "大华三路200弄99号")
        #expect(r.locatedBy == .address && r.match?.id == "D-DH-200-1")
        // The road number as a house number → the lane of that number.
        let s = resolver.resolve(address: "大华三路200号")
        #expect(s.locatedBy == .address && s.match?.id == "D-DH-200-1")
        // A sub-lane door the layer lacks → the lane (no sub-lane entrance either).
        #expect(resolver.resolve(address: "大华三路200弄3支弄9号").match?.id == "D-DH-200-1")
    }

    @Test func interpolationKeepsParityAndReportsTheGap() {
        // 11 is missing: 9 and 13 are both 2 away; the lower wins.
        let r = resolver.resolve(address: "场中路11号")
        #expect(r.locatedBy == .interpolated && r.match?.id == "D-CZ-9" && r.gap == 2)
        // 10 is missing and 8 too: 12 is 2 away, 6 is 4 away; never the odd 9 or 11.
        let s = resolver.resolve(address: "场中路10号")
        #expect(s.locatedBy == .interpolated && s.match?.id == "D-CZ-12" && s.gap == 2)
        let t = resolver.resolve(address: "场中路二十三号")
        #expect(t.locatedBy == .interpolated && t.match?.id == "D-CZ-21" && t.gap == 2)
        // Beyond the limit (20): candidates by gap.
        let u = resolver.resolve(address: "场中路301号")
        #expect(u.outcome == .unmatched && u.reason == .numberNotFound)
        #expect(u.candidates.map(\.address.id) == ["D-CZ-21", "D-CZ-19", "D-CZ-17"])
        let expected: [Double] = [1.0 / 281, 1.0 / 283, 1.0 / 285]
        #expect(u.candidates.map(\.score) == expected)
        let wide = AddressResolver(index: resolver.index, normalizer: resolver.normalizer, maxInterpolationGap: 400)
        #expect(wide.resolve(address: "场中路301号").gap == 280)
    }

    @Test func placeNames() {
        let r = resolver.resolve(address: "宝山区朝阳小区门口")
        #expect(r.locatedBy == .place && r.match?.id == "P-01" && r.normalized.locatives == ["门口"])
        // A name ending in a locative is found with it.
        #expect(resolver.resolve(address: "沪太路/真大路路口").match?.id == "P-03")
        // The road part of an unknown road with a number.
        #expect(resolver.resolve(address: "朝阳小区3号楼").match?.id == "P-01")
        // Unique substring, both ways.
        #expect(resolver.resolve(address: "汶水商").match?.id == "P-04")
        #expect(resolver.resolve(address: "汶水商厦一楼大厅").match?.id == "P-04")
    }

    @Test func ambiguousNamesGiveCandidates() {
        let r = resolver.resolve(address: "朝阳")
        #expect(r.outcome == .ambiguous && r.reason == .ambiguousPlace && r.match == nil)
        #expect(r.candidates.map(\.address.id) == ["P-01", "P-02"])
        #expect(r.candidates.map(\.score) == [0.5, 0.5])
        let s = resolver.resolve(address: "好邻居便利店")
        #expect(s.outcome == .ambiguous && s.candidates.map(\.address.id) == ["S-310113-0001", "S-310113-0002"])
        #expect(s.needsManualDispatch)
    }

    @Test func roadOnly() {
        let r = resolver.resolve(address: "大场镇场中路")
        #expect(r.outcome == .unmatched && r.reason == .roadOnly)
        let s = resolver.resolve(address: "大华三路")
        #expect(s.outcome == .street("310113102") && s.reason == .roadInOneStreet && s.street == "310113102" && !s.needsManualDispatch)
        #expect(resolver.index.street(ofRoad: "场中路") == nil && resolver.index.street(ofRoad: "大华三路") == "310113102")
    }

    @Test func unknownRoadGivesSimilarCandidates() {
        let r = resolver.resolve(address: "大华路200号")
        #expect(r.outcome == .unmatched && r.reason == .unknownRoad)
        // 大华路 vs 大华三路: bigrams {大华, 华路} and {大华, 华三, 三路}: 2·1/5.
        #expect(r.candidates.first?.address.id == "D-DH-200-1" && r.candidates.first?.score == 0.4)
        let s = resolver.resolve(address: "上海市黄浦区南京东路100号")
        #expect(s.outcome == .unmatched && s.reason == .unknownRoad && s.candidates.isEmpty)
    }

    @Test func deterministicTiesById() {
        // Two doors with the same road and number: the smaller id answers, whatever the order.
        let a = StandardAddress(id: "B", kind: .door, road: "X路", numberText: "1号", point: Coordinate(1, 1))
        let b = StandardAddress(id: "A", kind: .door, road: "X路", numberText: "1号", point: Coordinate(2, 2))
        for list in [[a, b], [b, a]] {
            #expect(AddressResolver(index: AddressIndex(list), normalizer: AddressNormalizer()).resolve(address: "X路1号").match?.id == "A")
        }
    }
}
