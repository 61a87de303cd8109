/// One entry of the standard address layer (标准地址库) a grid centre keeps: a door plate
/// (门牌), a named place (地点, e.g. a market, an estate, a service centre) or a street shop
/// (商铺, whose `id` is its shop code, 汇商码), with its WGS84 point.
public struct StandardAddress: Hashable, Sendable {
    /// What the entry is. Doors are found by road and number; places and shops by code and name.
    public enum Kind: String, Sendable, CaseIterable {
        case door, place, shop
    }

    /// The layer's id; for places and shops also the code an order may carry.
    public var id: String
    public var kind: Kind
    /// The name of a place or shop (empty for most doors).
    public var name: String
    /// The road (路名) exactly as the layer writes it, width-folded.
    public var road: String
    /// The number as written in the layer (`484号`, `200弄12号`).
    public var numberText: String
    /// The number in structured form; nil when the entry has none.
    public var number: AddressNumber?
    /// The 9-digit street/town code, or empty when the layer does not give it (the caller may
    /// fill it from the covering cell before building an ``AddressIndex``).
    public var street: String
    /// The point, WGS84 lon/lat.
    public var point: Coordinate

    public init(
        id: String, kind: Kind, name: String = "", road: String = "", numberText: String = "",
        number: AddressNumber? = nil, street: String = "", point: Coordinate
    ) {
        self.id = id; self.kind = kind; self.name = name; self.road = road; self.numberText = numberText
        self.number = number ?? (numberText.isEmpty ? nil : AddressNumber.parse(AddressText.folded(numberText)))
        self.street = street; self.point = point
    }

    /// How the entry reads in messages and candidate lists: the name for places and shops,
    /// else road and number (`大华路200弄12号`).
    public var label: String {
        if kind != .door && !name.isEmpty { return name }
        return road + (number.map(\.description) ?? numberText)
    }
}
