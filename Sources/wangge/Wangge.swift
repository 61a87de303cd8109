import ArgumentParser
import Foundation
import WanggeOperations
import WanggeCore
import WanggeStore

/// `wangge`: route 12345 work orders to grid cells and responsible units.
@main
struct Wangge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wangge",
        abstract: "Grid-management analytics: route 12345 work orders to their grid cell and responsible unit.",
        discussion: """
            Load a district's layers, then route orders:
              wangge import units units.csv --db district.sqlite
              wangge import rules rules.csv --db district.sqlite
              wangge import cells cells.geojson --db district.sqlite
              wangge import zones zones.geojson --db district.sqlite
              wangge import points points.geojson --db district.sqlite
              wangge import orders orders.csv --db district.sqlite
              wangge assign --db district.sqlite --input orders.csv --output -
            Serve them over HTTP:
              wangge token create --db district.sqlite --role reader --name leader
              wangge serve --db district.sqlite --port 8080
            --quiet, before or after the command, leaves out progress, notices and warnings on standard error; errors are still printed.
            """,
        version: WanggeVersion.number,
        subcommands: [
            ImportCommand.self, AssignCommand.self, GeocodeCommand.self, OrdersCommand.self, HotspotsCommand.self, LightsCommand.self,
            KPICommand.self, TrendCommand.self, RecurrenceCommand.self,
            ExportCommand.self, TileCommand.self, SheetCommand.self, DashboardCommand.self, QueryCommand.self, ServeCommand.self, TokenCommand.self,
            InfoCommand.self, BenchCommand.self,
        ]
    )

    @Flag(help: "No progress, notices or warnings on standard error (errors are still printed); accepted anywhere before --.")
    var quiet = false

    /// Runs the command the arguments name. A parse or validation error is ArgumentParser's
    /// to report (with the usage, exit 64); an error while running is printed as `Error: …`
    /// and ends the process with its kind's exit code (`ExitCode(of:)`), without the usage.
    /// `--quiet` is global: taken out of the arguments wherever it stands (before `--`), then
    /// the command is parsed and run as usual.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        if arguments[..<end].contains("--quiet") {
            Notes.quiet = true
            arguments = arguments[..<end].filter { $0 != "--quiet" } + arguments[end...]
        }
        var command: any ParsableCommand
        do {
            command = try await asyncParseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error where error is ExitCode || error is CleanExit || error is ValidationError || exitCode(for: error) != .failure {
            // ArgumentParser's own (help, version, usage errors), some of which the async
            // parse hands over only when the command runs: its message and exit code.
            exit(withError: error)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            exit(withError: ExitCode(of: error))
        }
    }
}
