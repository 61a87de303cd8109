import ArgumentParser

/// `--band`: the Gi* distance band in metres (hotspots `--method gi` and `emerging`,
/// recurrence `--method gi`); nil: the smallest band giving every cell a neighbour.
public struct DistanceBandOption: ParsableArguments, Sendable {
    @Option(help: "Gi* distance band in metres (default: the smallest band giving every cell a neighbour).")
    public var band: Double?

    public init() {}

    public func validate() throws {
        if let band, !(band.isFinite && band > 0) { throw ValidationError("--band must be a positive number of metres") }
    }
}
