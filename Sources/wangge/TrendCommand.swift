import ArgumentParser
import WanggeOperations

/// `wangge trend`: ``TrendParameters`` from the command line, the output to `--output`.
struct TrendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trend",
        abstract: "Weekly orders and closing rates with 环比 and 同比, for the district or per street, unit, category or point.",
        discussion: """
            Weeks run from --from in steps of 7 days; the last one ends at --to. Per week:
              orders = received in the week;
              due = deadline (received_at + sla_hours of the unit, 72 h when unknown)
                in the week (应结案);
              closed = due orders closed at the week's end;
              closed_on_time = due orders first closed by their deadline — each week
                is `kpi --from <week start> --to <week end>` of its area;
              closure_rate = closed / due; on_time_rate = closed_on_time / due.

            环比 (*_vs_prev): against the 7 days before; 同比 (*_vs_last_year): against the same days 52 weeks earlier, empty unless the stored orders reach back that far. orders_*: relative change of the count; on_time_rate_*: difference in rate points.

            Defaults: --to = 00:00 +08:00 after the last recorded day, --from = 12 weeks before --to.

            An order counts for every inspection point it touches (--by point), for its primary cell's street, its responsible unit (orders without one are left out) and its category.

            CSV header:
              <by>,name,week,from,to,orders,due,closed,closed_on_time,closure_rate,
              on_time_rate,orders_vs_prev,orders_vs_last_year,on_time_rate_vs_prev,
              on_time_rate_vs_last_year
            """)

    @OptionGroup var parameters: TrendParameters
    @OptionGroup var destination: OutputFile

    func run() throws { try deliver(parameters, from: parameters.source.data(), to: destination.output) }
}
