import ArgumentParser

/// `--permutations` and `--seed`: the random permutations behind a pseudo p-value (Gi*'s
/// conditional randomisation in hotspots, the Knox test's permuted times in recurrence).
/// One bound for both: at most ``CostLimits/permutations`` (9,999; more is answered as too
/// costly, with the limit), never negative.
public struct PermutationOptions: ParsableArguments, Sendable {
    @Option(
        help:
            "Permutations for pseudo p-values, at most \(CostLimits.permutations) (hotspots --method gi: conditional randomisation, adds a p_sim column, default 0; recurrence --knox: of the times, default 99)."
    )
    public var permutations: Int?

    @Option(help: "Seed of the permutations.")
    public var seed: UInt64 = 1

    public init() {}

    public func validate() throws {
        if let permutations, permutations < 0 { throw ValidationError("--permutations must not be negative") }
    }

    /// The permutations given, else the capability's default.
    public func count(default value: Int) -> Int { permutations ?? value }
}
