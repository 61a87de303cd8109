import ArgumentParser
import Hummingbird
import WanggeOperations

/// HTTP query parameters as the options of the parameter set behind a route (the one the
/// CLI's command parses too): `name=value` is `--name=value`, a repeated parameter a repeated
/// option, a flag `name=true`. Parsing and validation are the parameter set's own, so the two
/// front ends accept the same parameters and refuse the same mistakes with the same messages.
enum CommandArguments {
    /// Options that belong to the CLI alone.
    static let cliOnly: Set = ["db", "queries", "output"]

    /// `negatable`: flags whose `name=false` is the option `--no-name` (a flag on by default,
    /// such as the byte order mark of the sheet's CSV).
    static func arguments(_ request: Request, flags: Set<String> = [], negatable: Set<String> = [], excluding excluded: Set<String> = [],
                          defaultFormat: String? = "json") throws -> [String] {
        var arguments: [String] = []
        var sawFormat = false
        for (name, value) in request.query {
            if excluded.contains(name) { continue }
            if cliOnly.contains(name) { throw Problem.badParameter(name, "\(name) is a command-line option only; the server uses its own database") }
            if name == "format" { sawFormat = true }
            if flags.contains(name) || negatable.contains(name) {
                if try WanggeService.flag(name, value: String(value)) {
                    arguments.append("--\(name)")
                } else if negatable.contains(name) {
                    arguments.append("--no-\(name)")
                }
            } else {
                arguments.append("--\(name)=\(value)")
            }
        }
        if !sawFormat, let defaultFormat { arguments.append("--format=\(defaultFormat)") }
        return arguments
    }

    /// Parses `arguments` as parameter set `C`, with the server's database for `--db`.
    static func parse<C: ParsableArguments>(_ type: C.Type, _ arguments: [String], database: String) throws -> C {
        do {
            return try C.parse(arguments + ["--db", database])
        } catch {
            let message = C.message(for: error)
            throw Problem.badParameter(parameterName(in: message) ?? "", message.replacingOccurrences(of: "--", with: ""))
        }
    }

    /// The first `--name` a parse error mentions.
    static func parameterName(in message: String) -> String? {
        guard let range = message.range(of: "--") else { return nil }
        let name = message[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" }
        return name.isEmpty ? nil : String(name)
    }
}
