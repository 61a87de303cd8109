import ArgumentParser

/// `--bom` for data exports (hotspots, recurrence, orders, query): CSV without a byte order
/// mark unless asked, as other programs expect.
public struct BOMOption: ParsableArguments, Sendable {
    @Flag(help: "CSV: start with a UTF-8 byte order mark, for Excel (data exports have none by default).")
    public var bom = false

    public init() {}
}
