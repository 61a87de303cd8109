import ArgumentParser
import Foundation
import WanggeStore

/// `wangge token`: API tokens and their roles.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke API tokens (roles: reader, operator, admin).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once (only its SHA-256 is stored).")
        @Option(help: "The SpatiaLite database.") var db: String
        @Option(help: "reader (GET), operator (+ POST orders and events) or admin (+ PUT layers).") var role: String
        @Option(help: "A name to list and revoke it by.") var name: String

        func validate() throws {
            guard !name.isEmpty, name.count <= 100 else { throw ValidationError("--name must be 1 to 100 characters") }
            // Names are listed one per line, comma-separated: no separator or control character.
            if let bad = name.unicodeScalars.first(where: { $0 == "," || $0 == "\"" || $0.properties.generalCategory == .control }) {
                throw ValidationError(
                    "--name must not contain commas, quotes, newlines or control characters (found U+\(String(bad.value, radix: 16, uppercase: true)))"
                )
            }
        }

        func run() throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("--role must be reader, operator or admin") }
            do {
                let token = try WanggeStore(path: db).createToken(name: name, role: role)
                print(token)
                note("token \(name) (\(role.rawValue)) created; it is shown only now")
            } catch {
                note("error: \(error)")
                throw ExitCode(of: error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (name, role, created, revoked); never the tokens themselves.")
        @Option(help: "The SpatiaLite database.") var db: String

        func run() throws {
            do {
                print("name,role,created_at,revoked_at")
                // Names stored before names were checked are quoted as CSV fields, control characters escaped.
                func field(_ s: String) -> String {
                    let visible = s.unicodeScalars.map {
                        $0.properties.generalCategory == .control ? "\\u{\(String($0.value, radix: 16))}" : String($0)
                    }.joined()
                    return visible.contains(",") || visible.contains("\"")
                        ? "\"" + visible.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : visible
                }
                for t in try WanggeStore(path: db).tokens() { print("\(field(t.name)),\(t.role.rawValue),\(t.createdAt),\(t.revokedAt ?? "")") }
            } catch {
                note("error: \(error)")
                throw ExitCode(of: error)
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by name (a running server refuses it within a second).")
        @Option(help: "The SpatiaLite database.") var db: String
        @Option(help: "The token's name.") var name: String

        func run() throws {
            do { try WanggeStore(path: db).revokeToken(name: name) } catch {
                note("error: \(error)")
                throw ExitCode(of: error)
            }
            note("token \(name) revoked")
        }
    }
}
