import ArgumentParser

/// `--bom` / `--no-bom` for tables people open in Excel (kpi, lights, trend, sheet): CSV with a
/// byte order mark unless refused, so Excel reads it as UTF-8.
public struct ExcelBOMOption: ParsableArguments, Sendable {
    @Flag(inversion: .prefixedNo, help: "CSV: start with a UTF-8 byte order mark, so Excel reads it as UTF-8 (default: yes).")
    public var bom = true

    public init() {}
}
