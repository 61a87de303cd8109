import WanggeAnalytics
import WanggeOperations

/// A legend: CSS class, colour and label of every class, and the class of a cell.
struct MapLegend {
    var title: String
    var entries: [(cssClass: String, colour: String, label: String)]
    var classOf: (CellFigures) -> String

    static func make(_ measure: MapMeasure, figures: [CellFigures]) -> MapLegend {
        switch measure {
        case .count:
            return sequential(
                title: "工单数（件）", values: figures.map(\.orders),
                colours: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"], value: \.orders)
        case .rebounds:
            return sequential(
                title: "反弹数（件）", values: figures.map(\.rebounds),
                colours: ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"], value: \.rebounds)
        case .gi:
            return MapLegend(
                title: "Gi* 热点分析", entries: GiPalette.entries.map { ($0.cssClass, $0.colour, $0.legendLabel) },
                classOf: { GiPalette.cssClass(bin: $0.bin) })
        case .lights:
            return MapLegend(
                title: "亮灯",
                entries: [
                    ("lr", "#e53935", "红灯：有超期未结案"), ("ly", "#fbc02d", "黄灯：在办，均在期限内"),
                    ("lg", "#43a047", "绿灯：无在办"), ("lx", "#d0d0d0", "灰：无工单"),
                ],
                classOf: { f in f.light == "red" ? "lr" : f.light == "yellow" ? "ly" : f.light == "green" ? "lg" : "lx" })
        }
    }

    /// Zero, then up to five classes of the positive values with (about) equal numbers of
    /// cells in each (quantile breaks, the same break never twice).
    static func sequential(title: String, values: [Int], colours: [String], value: KeyPath<CellFigures, Int>) -> MapLegend {
        let positive = values.filter { $0 > 0 }.sorted()
        var uppers: [Int] = []
        if !positive.isEmpty {
            for k in 1 ... colours.count {
                let u = positive[max(0, Int((Double(k) / Double(colours.count) * Double(positive.count)).rounded(.up)) - 1)]
                if uppers.last != u { uppers.append(u) }
            }
        }
        var entries = [("k0", "#f4f4f4", "0")]
        var lower = 1
        for (i, u) in uppers.enumerated() {
            entries.append(("k\(i + 1)", colours[colours.count - uppers.count + i], lower == u ? "\(u)" : "\(lower)–\(u)"))
            lower = u + 1
        }
        return MapLegend(
            title: title, entries: entries,
            classOf: { f in
                let v = f[keyPath: value]
                guard v > 0 else { return "k0" }
                let i = uppers.firstIndex { v <= $0 } ?? (uppers.count - 1)
                return "k\(i + 1)"
            })
    }
}
