import ArgumentParser
import WanggeOperations

/// `wangge kpi`: ``KPIParameters`` from the command line, the output to `--output`.
struct KPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpi",
        abstract: "Handling KPIs per responsible unit or street: 结案率, 按期结案率, 返工率, 延期率, hours to close.",
        discussion: """
            Denominator: the orders due to be closed in [--from, --to) (应结案: deadline = received_at + sla_hours of the unit, 72 h when unknown, inside the period).

              结案率 = closed at --to / due;
              按期结案率 = first closed by the deadline / due;
              返工率 = closed orders reopened at least once / closed;
              延期率 = first closed after the deadline, or still open past it / due.

            Hours to close: reception to first closure (median and p90, nearest rank).

            CSV header:
              <by>,name,due,closed,closed_on_time,reopened,late,closure_rate,
              on_time_rate,rework_rate,late_rate,median_hours_to_close,
              p90_hours_to_close
            """)

    @OptionGroup var parameters: KPIParameters
    @OptionGroup var destination: OutputFile

    func run() throws { try deliver(parameters, from: parameters.source.data(), to: destination.output) }
}
