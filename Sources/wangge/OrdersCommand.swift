import ArgumentParser
import WanggeOperations
import WanggePages

/// `wangge orders`: ``OrdersParameters`` from the command line, the output to `--output`.
struct OrdersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "Show one stored order with its history (--id), the orders of a cell, street, unit or point, or those that need manual dispatch.",
        discussion: """
            --id ID: the order as received and as routed, its handling status and every status change (JSON). --cell, --street, --unit or --point (any combination; with --from, --to, --category): the orders of that area received in the window, oldest first, with their current status, unit and deadline (received_at + sla_hours of the unit, 72 h when unknown). CSV header: id,received_at,category,status,unit,unit_name,deadline,cell,address Otherwise the manual-dispatch list (人工派遣), oldest first, by --status: invalid (unusable coordinates), outside (outside the district grid: farther than the snap distance from every cell; never given a unit), unrouted (default: every order without a responsible unit, those two included). CSV header: id,received_at,category,assign_status,lon,lat,crs,distance_m,reason --format html writes either list as a page for people (an order's history opens on click).
            """)

    @OptionGroup var parameters: OrdersParameters
    @OptionGroup var destination: OutputFile

    func run() throws { try deliver(parameters, from: parameters.source.data(), to: destination.output) }
}
