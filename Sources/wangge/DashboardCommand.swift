import ArgumentParser
import WanggeOperations
import WanggePages

/// `wangge dashboard`: ``DashboardParameters`` from the command line, the output to `--output`.
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "The leaders' screen: district map, 亮灯 board, hot spots, rebounds and the unit league, as one HTML page.",
        discussion: """
            Time frame (every time ISO 8601; without a zone, +08:00):
              --as-of   the moment of the lights and overdue counts; default: --to when
                        given, else the store's last recorded moment (latest order
                        reception or status change).
              --to      end of the window (exclusive); default: 00:00 +08:00 after the
                        as-of day.
              --from    start of the window; default: 30 days before --to.
            --category (repeatable) limits every figure to those categories.

            Map (--measure): count = orders received in the window per cell; gi = the Gi* bin of those counts (as hotspots --method gi: distance band, the smallest giving every cell a neighbour; ArcGIS's hot/cold colours); rebounds = rebounds (反弹, as recurrence: 50 m, 30 days) per cell; lights = the cell's light at --as-of (grey: no order received by then).

            Projection: EPSG:4549 metres, one SVG unit a metre, north up (see DistrictMap.swift).

            Hot spots: the 10 cells with the highest Gi* z; rebounds: the 10 cells with the most rebounds; trend: emerging hot-spot category of the cell's order counts over the window (weekly steps from --from, daily when the window is under 14 days).

            亮灯: inspection points at --as-of as `lights --level point`, reddest first.

            League: every unit; 结案率, 按期结案率, 返工率 of the orders due in the window (as `kpi`), and the orders open past their deadline at --as-of.

            Trend: the window's weeks as `trend` (district chart, sparklines of units' 按期结案率 and points' weekly orders). Clicking a cell, unit or inspection point opens its orders in the window as a page: /v1/orders?format=html&cell=CODE&from=…&to=…[&category=…].
            """)

    @OptionGroup var parameters: DashboardParameters
    @OptionGroup var destination: OutputFile

    func run() throws { try deliver(parameters, from: parameters.source.data(), to: destination.output) }
}
