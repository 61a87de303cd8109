import ArgumentParser
import WanggeOperations
import WanggePages

/// `wangge sheet`: ``SheetParameters`` from the command line, the output to `--output`.
struct SheetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sheet",
        abstract: "每日巡查问题汇总和整改分工落实表: each unit's open orders of a day and its 3-day rectification summary.",
        discussion: """
            The day is --date in China Standard Time: [D 00:00, D+1 00:00) +08:00. Its end, D+1 00:00 +08:00, is the reference moment of every figure.

            Rows (per responsible unit): orders routed to the unit that were received, or had a `dispatched` or `reopened` (返工) status change, during the day, and are still open at its end (their last status change before the end is not `closed`). Orders without a unit (outside every cell, invalid) are on the manual-dispatch list instead.

            deadline = received_at + sla_hours of the unit (72 h, the 3-day rule, when unknown); hours_left = deadline − the day's end, in hours (negative: overdue by that much). Sorted by deadline (most urgent first), then id.

            Summary (三日整改情况) at the day's end: open orders of the unit (any reception day), overdue and within deadline; received_3d: received in the 72 h before the end (the day and the two before); rectified_3d: with a `resolved` change in those 72 h; rectified_on_time_3d: of those, the latest such resolution by the deadline.

            Every unit is listed (one printed A4 page each), or only --unit. Address: the orders file's address column (kept in the order's attributes), else the WGS84 "lon,lat". Inspection points: the points the order touches (ids; names in HTML).

            CSV header:
              record,unit,unit_name,order_id,category,address,cell,points,point_names,
              received_at,deadline,hours_left,status,open,overdue,within_deadline,
              received_3d,rectified_3d,rectified_on_time_3d

            one `summary` record per unit (order columns empty), then its `order` records (summary columns empty), and, on the whole sheet (no --unit), last one `manual_dispatch` record whose `open` is the number of orders received during the day without a responsible unit (待人工派遣; list them with `wangge orders`).

            Times are written +08:00. The CSV starts with a UTF-8 byte order mark (--no-bom to omit); text cells that a spreadsheet would take for a formula (starting with = + - @, a tab or a carriage return) are prefixed with '.
            """)

    @OptionGroup var parameters: SheetParameters
    @OptionGroup var destination: OutputFile

    func run() throws { try deliver(parameters, from: parameters.source.data(), to: destination.output) }
}
