/// A house number (门牌号) in structured form. Shanghai numbers a road's doors and lanes in one
/// sequence, odd on one side and even on the other; a lane (弄) has its own numbers inside
/// (`200弄12号`), sometimes sub-lanes (`200弄3支弄12号`); estates number their buildings
/// (`12号楼`, `12栋`, `12幢`); a building has entrances (`2单元`), floors (`3楼`, `3层`) and
/// rooms (`301室`).
///
/// Grammar (after width folding): components in the order `N弄`, `N支弄`, `N号`,
/// `N号楼`|`N栋`|`N幢`, `N单元`, `N楼`|`N层`, `N室`, each at most once, where N is a number
/// ``ChineseNumeral`` reads; a last N without a unit is the house number, or the room when a
/// house or building number precedes it (`12号楼301`). Entrance, floor and room are recorded
/// but never used for matching.
public struct AddressNumber: Hashable, Sendable, CustomStringConvertible {
    public var lane: Int?
    public var subLane: Int?
    public var house: Int?
    public var building: Int?
    /// 单元: the entrance of a building.
    public var entrance: Int?
    public var floor: Int?
    public var room: Int?

    public init(
        lane: Int? = nil, subLane: Int? = nil, house: Int? = nil, building: Int? = nil,
        entrance: Int? = nil, floor: Int? = nil, room: Int? = nil
    ) {
        self.lane = lane; self.subLane = subLane; self.house = house; self.building = building
        self.entrance = entrance; self.floor = floor; self.room = room
    }

    /// The number on the road: the lane if any, else the house number, else the building
    /// number (a building number alone is taken as the house number: `12号楼` is the door `12号`).
    public var roadNumber: Int? { lane ?? house ?? building }

    /// The number inside the road-level entry: the house (or building) number inside a lane,
    /// or the building inside a numbered compound (`12号3号楼`); nil for a plain door.
    public var innerNumber: Int? {
        if lane != nil { return house ?? building }
        if house != nil { return building }
        return nil
    }

    /// The canonical text: `200弄3支弄12号`, `484号`, `12号楼2单元3楼301室`.
    public var description: String {
        var s = ""
        if let lane { s += "\(lane)弄" }
        if let subLane { s += "\(subLane)支弄" }
        if let house { s += "\(house)号" }
        if let building { s += "\(building)号楼" }
        if let entrance { s += "\(entrance)单元" }
        if let floor { s += "\(floor)楼" }
        if let room { s += "\(room)室" }
        return s
    }

    /// Parses a whole number text such as `200弄12号`, `二百弄十二号楼`, `484`; nil when the text
    /// does not follow the grammar or holds no number.
    public static func parse(_ text: String) -> AddressNumber? { parse(Array(text.unicodeScalars)[...]) }

    /// Parses `scalars` (already width-folded) as a whole; nil when they do not follow the grammar.
    public static func parse(_ scalars: ArraySlice<Unicode.Scalar>) -> AddressNumber? {
        var result = AddressNumber()
        var stage = 0  // 1 lane, 2 sub-lane, 3 house, 4 building, 5 entrance, 6 floor, 7 room: strictly increasing
        var i = scalars.startIndex
        let end = scalars.endIndex
        guard i < end else { return nil }
        while i < end {
            let start = i
            while i < end && ChineseNumeral.isNumeral(scalars[i]) { i += 1 }
            guard i > start, let value = ChineseNumeral.value(scalars[start ..< i]) else { return nil }
            var component: Int
            if i == end {
                component = (result.house == nil && result.building == nil) ? 3 : 7
            } else {
                switch scalars[i].value {
                case 0x5F04: component = 1; i += 1  // 弄
                case 0x652F:  // 支弄
                    guard i + 1 < end, scalars[i + 1].value == 0x5F04 else { return nil }
                    component = 2; i += 2
                case 0x53F7:  // 号, 号楼
                    if i + 1 < end, scalars[i + 1].value == 0x697C { component = 4; i += 2 } else { component = 3; i += 1 }
                case 0x680B, 0x5E62: component = 4; i += 1  // 栋 幢
                case 0x5355:  // 单元
                    guard i + 1 < end, scalars[i + 1].value == 0x5143 else { return nil }
                    component = 5; i += 2
                case 0x697C, 0x5C42: component = 6; i += 1  // 楼 层
                case 0x5BA4: component = 7; i += 1  // 室
                default: return nil
                }
            }
            guard component > stage else { return nil }
            stage = component
            switch component {
            case 1: result.lane = value
            case 2: result.subLane = value
            case 3: result.house = value
            case 4: result.building = value
            case 5: result.entrance = value
            case 6: result.floor = value
            default: result.room = value
            }
        }
        return result
    }

    /// Whether `s` can occur in a number text (digits, numerals and the unit characters
    /// 弄 支 号 楼 栋 幢 单 元 层 室).
    @inlinable static func isNumberScalar(_ s: Unicode.Scalar) -> Bool {
        if ChineseNumeral.isNumeral(s) { return true }
        switch s.value {
        case 0x5F04, 0x652F, 0x53F7, 0x697C, 0x680B, 0x5E62, 0x5355, 0x5143, 0x5C42, 0x5BA4: return true
        default: return false
        }
    }
}
