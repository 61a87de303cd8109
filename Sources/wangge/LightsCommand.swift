import ArgumentParser
import WanggeOperations

/// `wangge lights`: ``LightsParameters`` from the command line, the output to `--output`.
struct LightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lights",
        abstract: "亮灯: red / yellow / green per inspection point or area at a moment, reddest first.",
        discussion: """
            An order is open at --as-of when it was received by then and its status history does not have it closed by then; its deadline is received_at + sla_hours of its unit (72 h when unknown). red: some open order past its deadline; yellow: open orders, all within their deadline; green: none open. An order lights every inspection point it touches (--level point) or its primary cell and that cell's community and street. CSV header: <level>,name,light,overdue,open_within_deadline
            """)

    @OptionGroup var parameters: LightsParameters
    @OptionGroup var destination: OutputFile

    func run() throws { try deliver(parameters, from: parameters.source.data(), to: destination.output) }
}
