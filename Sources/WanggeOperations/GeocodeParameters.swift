import ArgumentParser
import Foundation
import WanggeCore
import WanggeStore

/// `wangge geocode` (`GET /v1/geocode?address=…`): checks an address (or a shop/place code)
/// against the stored standard address layer by hand, as order routing would resolve it
/// (``AddressResolver``), answering the match or the candidates with their scores.
public struct GeocodeParameters: ParsableArguments, Capability {
    public init() {}

    @OptionGroup public var source: QuerySource

    @Option(help: "The address as typed (e.g. 宝山区大场镇场中路484号旁).")
    public var address: String?

    @Option(help: "A shop code (汇商码) or place id.")
    public var code: String?

    @Option(help: "A CSV of addresses (column address, optionally code, shop or place; CLI only), or - for standard input.")
    public var input: String?

    @Option(help: "json (one address; default) — a CSV input is answered as CSV.")
    public var format: String = "json"

    public static let csvHeader = [
        "id", "address", "code", "outcome", "located_by", "match", "label", "gap", "street", "reason", "lon", "lat", "candidates",
    ]

    public func validate() throws {
        if input != nil && (address != nil || code != nil) {
            throw ValidationError("give --address/--code (one address) or --input (a CSV), not both")
        }
        if input == nil && (address ?? "").isEmpty && (code ?? "").isEmpty {
            throw ValidationError("give --address (or --code), or --input with a CSV of addresses")
        }
        if format != "json" { throw ValidationError("--format \"\(format)\": only json (a CSV input is answered as CSV)") }
    }

    /// The stored address layer bound to the district (empty when none is stored), and a
    /// warning when it is empty.
    public static func routing(from data: DataSource) throws -> (routing: AddressRouting, warnings: [String]) {
        let routing: AddressRouting? = try data.memoized("address-routing") {
            try data.open().0.addressRouting(for: try data.index())
        }
        if let routing { return (routing, []) }
        return (
            AddressRouting(addresses: [], district: try data.index()),
            ["the database has no standard addresses: every address is unmatched (load them with `wangge import addresses`)"]
        )
    }

    public func report(from data: DataSource) throws -> Report {
        let (routing, warnings) = try Self.routing(from: data)
        let r = routing.resolver.resolve(address: address ?? "", code: code ?? "")
        var report = Report(format: "json")
        report.warnings = warnings
        var o = Self.describe(r)
        o["address"] = .string(address ?? ""); o["code"] = .string(code ?? "")
        report.json(.object(o))
        report.note("\(Self.outcome(r)): \(r.match?.id ?? r.reason?.rawValue ?? ""), \(r.candidates.count) candidate(s)")
        return report
    }

    static func outcome(_ r: AddressResolution) -> String {
        switch r.outcome {
        case .located: return "located"
        case .street: return "street"
        case .ambiguous: return "ambiguous"
        case .unmatched: return "unmatched"
        }
    }

    /// A standard address as JSON.
    static func entry(_ a: StandardAddress) -> [String: JSONValue] {
        [
            "id": .string(a.id), "kind": .string(a.kind.rawValue), "label": .string(a.label), "name": .string(a.name),
            "road": .string(a.road), "number": .string(a.numberText), "street": .string(a.street),
            "lon": .number(a.point.x), "lat": .number(a.point.y),
        ]
    }

    /// A resolution as JSON members.
    static func describe(_ r: AddressResolution) -> [String: JSONValue] {
        let n = r.normalized
        return [
            "outcome": .string(outcome(r)),
            "located_by": .string(r.locatedBy?.rawValue ?? ""),
            "match": r.match.map { .object(entry($0)) } ?? .null,
            "gap": r.gap.map { .number(Double($0)) } ?? .null,
            "street": .string(r.street ?? ""),
            "reason": .string(r.reason?.rawValue ?? ""),
            "needs_manual_dispatch": .bool(r.needsManualDispatch),
            "normalized": .object([
                "text": .string(n.text), "road": .string(n.road), "number": .string(n.number?.description ?? ""),
                "prefixes": .array(n.prefixes.map(JSONValue.string)), "locatives": .array(n.locatives.map(JSONValue.string)),
                "remark": .string(n.remark),
            ]),
            "candidates": .array(
                r.candidates.map { c in
                    var e = entry(c.address)
                    e["score"] = .number((c.score * 10_000).rounded() / 10_000)
                    return .object(e)
                }),
        ]
    }

    /// Resolves every row of a CSV with an `address` column (optionally `id`, and a code in
    /// `code`, `shop` or `place`); the rows in input order under ``csvHeader``, and a summary.
    public static func geocode(csv bytes: [UInt8], resolver: AddressResolver) throws -> (bytes: [UInt8], summary: String) {
        var reader = CSVReader(bytes: bytes)
        var fields: [Range<Int>] = []
        guard try reader.next(into: &fields) else {
            throw CSVRowError(line: 1, message: "the file is empty; expected a header with an address column")
        }
        let names = fields.map { reader.trimmedString($0).lowercased() }
        let addressColumn = names.firstIndex(of: AddressRouting.addressColumn)
        let codeColumns = AddressRouting.codeColumns.compactMap { names.firstIndex(of: $0) }
        guard addressColumn != nil || !codeColumns.isEmpty else {
            throw CSVRowError(line: reader.line, message: "the header has no address column (nor code, shop or place)")
        }
        let idColumn = names.firstIndex(of: "id")
        var out = CSVWriter()
        out.write(csvHeader)
        var counts: [String: Int] = [:]
        var rows = 0
        while try reader.next(into: &fields) {
            rows += 1
            guard fields.count == names.count else {
                throw CSVRowError(line: reader.line, message: "has \(fields.count) fields, the header has \(names.count)")
            }
            let address = addressColumn.map { reader.trimmedString(fields[$0]) } ?? ""
            var code = ""
            for c in codeColumns where code.isEmpty { code = reader.trimmedString(fields[c]) }
            let r = resolver.resolve(address: address, code: code)
            counts[r.locatedBy?.rawValue ?? outcome(r), default: 0] += 1
            out.write([
                idColumn.map { reader.trimmedString(fields[$0]) } ?? String(rows), address, code, outcome(r),
                r.locatedBy?.rawValue ?? "", r.match?.id ?? "", r.match?.label ?? "", r.gap.map(String.init) ?? "",
                r.street ?? "", r.reason?.rawValue ?? "", r.match.map { "\($0.point.x)" } ?? "", r.match.map { "\($0.point.y)" } ?? "",
                r.candidates.map { "\($0.address.id):\(AddressRouting.score($0.score))" }.joined(separator: ";"),
            ])
        }
        let summary =
            "geocoded \(rows) address(es): "
            + ["shop", "place", "address", "interpolated", "street", "ambiguous", "unmatched"]
            .map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
        return (out.take(), summary)
    }
}
