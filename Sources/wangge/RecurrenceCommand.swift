import ArgumentParser
import WanggeOperations

/// `wangge recurrence`: ``RecurrenceParameters`` from the command line, the output to `--output`.
struct RecurrenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recurrence",
        abstract: "易反弹: repeats and rebounds per area, and the worst rebound chains.",
        discussion: """
            A repeat is an order with an earlier order of the same category within --radius metres (EPSG:4549) and --days days before it; a rebound is a repeat whose earlier order was already resolved or closed when the new one arrived (from the status history). A chain links each rebound to its latest rebounding predecessor. CSV header: <level>,name,orders,repeats,rebounds,recurrence_rate,rebound_rate (every area listed; the worst chains go to standard error, and into --format json). --knox: the Knox near-repeat test instead (as Ratcliffe's calculator): pairs of orders by distance band × time band, expected counts from --permutations of the times (--seed); CSV header: distance_from_m,distance_to_m,days_from,days_to,observed,expected,knox_ratio,p with p = (#permutations ≥ observed + 1) / (permutations + 1).
            """)

    @OptionGroup var parameters: RecurrenceParameters
    @OptionGroup var destination: OutputFile

    func run() throws { try deliver(parameters, from: parameters.source.data(), to: destination.output) }
}
