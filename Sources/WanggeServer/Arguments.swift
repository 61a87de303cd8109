import ArgumentParser
import Hummingbird
import WanggeCore
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
    static func arguments(
        _ request: Request, flags: Set<String> = [], negatable: Set<String> = [], excluding excluded: Set<String> = [],
        defaultFormat: String? = "json"
    ) throws -> [String] {
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

    /// Parses `arguments` as parameter set `C`, with the server's database for `--db`. A refusal is
    /// a 400 naming the parameter: an error of Wangge thrown while validating names its own;
    /// otherwise the option is read from ArgumentParser's error (``parameterName(of:)``).
    static func parse<C: ParsableArguments>(_ type: C.Type, _ arguments: [String], database: String) throws -> C {
        do {
            return try C.parse(arguments + ["--db", database])
        } catch {
            if let own = wanggeError(in: error) { throw own }
            let message = C.message(for: error)
            throw Problem.badParameter(parameterName(of: error) ?? parameterName(in: message) ?? "", message.replacingOccurrences(of: "--", with: ""))
        }
    }

    /// An error of Wangge that ArgumentParser wrapped (thrown by a command's `validate()`).
    static func wanggeError(in error: any Error) -> (any WanggeError)? {
        if let own = error as? any WanggeError { return own }
        return search(error, depth: 0) { $0 as? any WanggeError }
    }

    /// The option a parse error is about, read from the error's structure: ArgumentParser's
    /// errors are not public types, but their values carry the option's `Name` (`.long("band")`)
    /// or, for a missing option, the `InputKey` of its property (`asOf`, named `as-of`).
    static func parameterName(of error: any Error) -> String? {
        if let long = search(
            error, depth: 0,
            { value -> String? in
                let mirror = Mirror(reflecting: value)
                guard mirror.displayStyle == .enum, let child = mirror.children.first,
                    child.label == "long" || child.label == "longWithSingleDash"
                else { return nil }
                return child.value as? String
            })
        {
            return long
        }
        return search(error, depth: 0) { value -> String? in
            let mirror = Mirror(reflecting: value)
            guard String(describing: mirror.subjectType) == "InputKey",
                let name = mirror.children.first(where: { $0.label == "name" })?.value as? String
            else { return nil }
            // ArgumentParser's default long name: the property's name in kebab case.
            return name.reduce(into: "") { text, c in text += c.isUppercase ? "-" + c.lowercased() : String(c) }
        }
    }

    /// The first value within `value` (itself included, `depth` levels down at most) that
    /// `match` accepts.
    private static func search<T>(_ value: Any, depth: Int, _ match: (Any) -> T?) -> T? {
        if depth > 0, let found = match(value) { return found }
        guard depth < 8 else { return nil }
        for child in Mirror(reflecting: value).children {
            if let found = search(child.value, depth: depth + 1, match) { return found }
        }
        return nil
    }

    /// The first `--name` in a validation message (a command's own `ValidationError` carries
    /// text only; by convention it starts with, or names, the option it is about).
    static func parameterName(in message: String) -> String? {
        guard let range = message.range(of: "--") else { return nil }
        let name = message[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" }
        return name.isEmpty ? nil : String(name)
    }
}
