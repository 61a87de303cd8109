import Testing
@testable import WanggeCore

@Suite struct AddressNormalizerTests {
    let normalizer = AddressNormalizer(
        cityNames: ["上海市"], districtNames: ["宝山区"],
        streetNames: ["大场镇", "庙行镇", "高境镇"], communityNames: ["华庭居委会"])

    @Test func chineseNumerals() {
        #expect(ChineseNumeral.value("二百") == 200)
        #expect(ChineseNumeral.value("十二") == 12)
        #expect(ChineseNumeral.value("一百零五") == 105)
        #expect(ChineseNumeral.value("两百") == 200)
        #expect(ChineseNumeral.value("十") == 10)
        #expect(ChineseNumeral.value("二十") == 20)
        #expect(ChineseNumeral.value("三十七") == 37)
        #expect(ChineseNumeral.value("一千零二十") == 1020)
        #expect(ChineseNumeral.value("一百二") == 120)
        #expect(ChineseNumeral.value("二零零") == 200)
        #expect(ChineseNumeral.value("〇") == 0)
        #expect(ChineseNumeral.value("484") == 484)
        #expect(ChineseNumeral.value("百") == nil)
        #expect(ChineseNumeral.value("十百") == nil)
        #expect(ChineseNumeral.value("二三百") == nil)
        #expect(ChineseNumeral.value("4八") == nil)
        #expect(ChineseNumeral.value("") == nil)
    }

    @Test func numberGrammar() {
        #expect(AddressNumber.parse("484号") == AddressNumber(house: 484))
        #expect(AddressNumber.parse("484") == AddressNumber(house: 484))
        #expect(AddressNumber.parse("200弄12号") == AddressNumber(lane: 200, house: 12))
        #expect(AddressNumber.parse("200弄3支弄12号") == AddressNumber(lane: 200, subLane: 3, house: 12))
        #expect(AddressNumber.parse("12号楼") == AddressNumber(building: 12))
        #expect(AddressNumber.parse("12栋") == AddressNumber(building: 12))
        #expect(AddressNumber.parse("12幢301室") == AddressNumber(building: 12, room: 301))
        #expect(AddressNumber.parse("12号楼301") == AddressNumber(building: 12, room: 301))
        #expect(AddressNumber.parse("二百弄十二号楼") == AddressNumber(lane: 200, building: 12))
        #expect(AddressNumber.parse("12号楼2单元3楼301室") == AddressNumber(building: 12, entrance: 2, floor: 3, room: 301))
        #expect(AddressNumber.parse("484号5层") == AddressNumber(house: 484, floor: 5))
        #expect(AddressNumber(building: 12, entrance: 2, floor: 3, room: 301).description == "12号楼2单元3楼301室")
        #expect(AddressNumber.parse("12号200弄") == nil)  // out of order
        #expect(AddressNumber.parse("3楼12号") == nil)
        #expect(AddressNumber.parse("弄") == nil)
        #expect(AddressNumber.parse("12号12号") == nil)
        let n = AddressNumber(lane: 200, house: 12)
        #expect(n.roadNumber == 200 && n.innerNumber == 12 && n.description == "200弄12号")
        #expect(AddressNumber(building: 12).roadNumber == 12)
        #expect(AddressNumber(house: 12, building: 3).innerNumber == 3)
    }

    @Test func fullWidthAndSpaces() {
        let n = normalizer.normalize("场中路　４８４号")
        #expect(n.road == "场中路" && n.number == AddressNumber(house: 484) && n.text == "场中路484号")
        #expect(AddressText.folded("ＡＢ１２，（）") == "AB12,()")
    }

    @Test func numeralsInNumberNotInRoad() {
        let n = normalizer.normalize("大华三路二百弄十二号")
        #expect(n.road == "大华三路")
        #expect(n.number == AddressNumber(lane: 200, house: 12))
        let m = normalizer.normalize("一号路一百零五号")
        #expect(m.road == "一号路" && m.number == AddressNumber(house: 105))
        let f = normalizer.normalize("场中路484号3楼")
        #expect(f.road == "场中路" && f.number == AddressNumber(house: 484, floor: 3))
        let r = normalizer.normalize("一号路")
        #expect(r.road == "一号路" && r.number == nil)
    }

    @Test func prefixes() {
        let n = normalizer.normalize("上海市宝山区大场镇华庭居委会场中路484号")
        #expect(n.prefixes == ["上海市", "宝山区", "大场镇", "华庭居委会"])
        #expect(n.road == "场中路" && n.number?.house == 484)
        // Another district's name is not a prefix of this one.
        let other = normalizer.normalize("上海市黄浦区南京东路100号")
        #expect(other.prefixes == ["上海市"] && other.road == "黄浦区南京东路")
        // A name alone is not dropped (nothing would remain).
        #expect(normalizer.normalize("大场镇").text == "大场镇")
        // Short forms are not names.
        #expect(normalizer.normalize("宝山路1号").road == "宝山路")
    }

    @Test func locatives() {
        let n = normalizer.normalize("宝山区大场镇场中路484号旁")
        #expect(n.locatives == ["旁"] && n.number?.house == 484 && n.road == "场中路")
        let m = normalizer.normalize("大华三路200弄12号楼下")
        #expect(m.locatives == ["楼下"] && m.number == AddressNumber(lane: 200, house: 12))
        let k = normalizer.normalize("朝阳小区门口附近")
        #expect(k.locatives == ["门口", "附近"] && k.text == "朝阳小区")
        #expect(
            normalizer.nameVariants("宝山区朝阳小区门口附近") == [
                "宝山区朝阳小区门口附近", "宝山区朝阳小区门口", "宝山区朝阳小区", "朝阳小区门口附近", "朝阳小区门口", "朝阳小区",
            ])
        #expect(normalizer.nameVariants("好德便利店（场中路店）") == ["好德便利店(场中路店)"])
        for l in ["对面", "东侧", "西侧", "南侧", "北侧", "路口", "边上"] {
            let x = normalizer.normalize("场中路484号" + l)
            #expect(x.locatives == [l] && x.number?.house == 484, "\(l)")
        }
        #expect(normalizer.normalize("附近").text == "附近")
    }

    @Test func remark() {
        let n = normalizer.normalize("上海市宝山区大场镇纪蕴路484号,近公交站")
        #expect(n.remark == "近公交站" && n.road == "纪蕴路" && n.number?.house == 484)
        let m = normalizer.normalize("纪蕴路484号（小区门口）")
        #expect(m.remark == "小区门口" && m.number?.house == 484)
    }
}
