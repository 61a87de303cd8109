/// An address text after ``AddressNormalizer``: the road and structured number it names,
/// with what normalisation dropped kept for the record.
public struct NormalizedAddress: Hashable, Sendable {
    /// The text after folding, cutting the remark, dropping prefixes and trailing locatives
    /// (`大华三路200弄12号`).
    public var text: String
    /// The text before the number (`大华三路`); the whole text when there is no number.
    public var road: String
    /// The structured number; nil when the text ends in none.
    public var number: AddressNumber?
    /// The region prefixes dropped, in reading order (`上海市`, `宝山区`, `大场镇`).
    public var prefixes: [String]
    /// The trailing locatives dropped, in reading order (`门口`, `附近`).
    public var locatives: [String]
    /// Whatever followed the first separator (`,` `;` `(` `[` `、` `。`, full-width ones
    /// included), e.g. a landmark the operator added.
    public var remark: String

    public init(
        text: String, road: String, number: AddressNumber?, prefixes: [String] = [],
        locatives: [String] = [], remark: String = ""
    ) {
        self.text = text; self.road = road; self.number = number
        self.prefixes = prefixes; self.locatives = locatives; self.remark = remark
    }
}
