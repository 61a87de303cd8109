import ArgumentParser
import WanggeCore

/// `--from`, `--to`, `--category`: which stored orders, as the named queries' parameters.
public struct OrderFilter: ParsableArguments, Sendable {
    public init() {}

    @Option(
        help:
            "Orders received at or after this time: ISO 8601, 2025-07-01 09:00, 2025/7/1 9:00, 2025年7月1日 9:00 or a bare date (China Standard Time unless a zone is given)."
    )
    public var from: String?

    @Option(help: "Orders received before this time (the same forms as --from).")
    public var to: String?

    @Option(help: "Only orders of this category (repeatable).")
    public var category: [String] = []

    public func validate() throws {
        if let from, Timestamp.parse(from) == nil {
            throw ValidationError("--from \"\(from)\" is not a time; expected \(Timestamp.forms), or a date")
        }
        if let to, Timestamp.parse(to) == nil { throw ValidationError("--to \"\(to)\" is not a time; expected \(Timestamp.forms), or a date") }
    }

    /// The window for a download's file name (`from-2025-06-01`, `to-…`).
    public var filenameParts: [String] {
        (from.map { ["from", $0] } ?? []) + (to.map { ["to", $0] } ?? [])
    }

    /// `from`, `to` and `categories` for a named query.
    public var parameters: [String: String] {
        var p = ["categories": category.joined(separator: ",")]
        if let from { p["from"] = from }
        if let to { p["to"] = to }
        return p
    }
}

/// Warnings for filter categories that no stored order has and no routing rule names — most
/// likely a typo (`乱摆摊` for `乱设摊`), which would otherwise silently give zeros.
public func unknownCategoryWarnings(_ categories: [String], from data: DataSource) throws -> [String] {
    guard !categories.isEmpty else { return [] }
    let known: Set<String> = try data.memoized("known-categories") {
        let (store, catalog) = try data.open()
        let stored = try catalog.run("order_categories", parameters: [:], on: store).rows.compactMap { $0[0].string }
        return Set(stored).union(try data.district().rules.map(\.category))
    }
    return categories.filter { !known.contains($0) }.map {
        "category \"\($0)\": no stored order has it and no routing rule names it (a typo?); it matches nothing"
    }
}
