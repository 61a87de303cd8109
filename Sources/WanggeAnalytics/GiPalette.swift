/// The Gi* confidence bins as maps and tables show them: the colours of ArcGIS's Hot Spot
/// Analysis renderer (Gi_Bin, Esri's own tools), a CSS class and a label per bin, from hot
/// spot 99 % down to cold spot 99 %.
public enum GiPalette {
    public struct Entry: Sendable, Equatable {
        /// The bin (``GetisOrdGiStar``): 3, 2, 1 hot at 99, 95, 90 % confidence, 0 not significant, -1 … -3 cold.
        public let bin: Int
        public let colour: String
        /// The short label of tables: "热点 99%", "不显著", "冷点 90%".
        public let label: String

        /// The label of a map legend: the short one with "置信度" (confidence) after a percentage.
        public var legendLabel: String { bin == 0 ? label : label + " 置信度" }
        /// The CSS class: h1–h3 hot, c1–c3 cold, n0 not significant.
        public var cssClass: String { GiPalette.cssClass(bin: bin) }
    }

    /// Every bin, hot 99 % first.
    public static let entries: [Entry] = [
        Entry(bin: 3, colour: "#d62f27", label: "热点 99%"), Entry(bin: 2, colour: "#ed7551", label: "热点 95%"),
        Entry(bin: 1, colour: "#fab984", label: "热点 90%"), Entry(bin: 0, colour: "#ffffbf", label: "不显著"),
        Entry(bin: -1, colour: "#c0ccbe", label: "冷点 90%"), Entry(bin: -2, colour: "#849eba", label: "冷点 95%"),
        Entry(bin: -3, colour: "#4575b5", label: "冷点 99%"),
    ]

    /// The entry of `bin` (nil outside -3 … 3).
    public static func entry(bin: Int) -> Entry? { entries.first { $0.bin == bin } }

    /// The CSS class of `bin`: h1–h3 hot, c1–c3 cold, n0 not significant.
    public static func cssClass(bin: Int) -> String { bin > 0 ? "h\(bin)" : bin < 0 ? "c\(-bin)" : "n0" }
}
