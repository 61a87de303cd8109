import ArgumentParser
import Foundation
import Logging
import WanggeOperations
import WanggeServer
import WanggeStore

/// `wangge serve`: the HTTP API over a database.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API (/v1/…, /openapi.json, /metrics, /health) over the database.",
        discussion: """
            Every request but /health needs `Authorization: Bearer <token>` (wangge token create);
            --public-read opens the GET routes for a demo. Readers use a pool of read-only
            connections and never wait for the writer (WAL). SIGTERM or SIGINT: stop accepting,
            finish the requests in flight, checkpoint and close the database.
            """)

    @Option(help: "The SpatiaLite database (created and migrated when needed).")
    var db: String

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 8080

    @Flag(name: .customLong("public-read"), help: "Answer GET requests without a token (writes still need one).")
    var publicRead = false

    @Option(name: .customLong("max-body"), help: "Largest request body in bytes (413 beyond).")
    var maxBody: Int = 10 * 1024 * 1024

    @Option(help: "Read-only connections in the pool.")
    var readers: Int = 2 * ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("log-level"), help: "trace, debug, info (every request), notice, warning, error.")
    var logLevel: String = "info"

    @Option(help: "The queries directory (default: $WANGGE_QUERIES, else the source tree's Queries/).")
    var queries: String?

    func validate() throws {
        guard (1 ... 65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") }
        guard maxBody >= 1024 else { throw ValidationError("--max-body must be at least 1024 bytes") }
        guard (1 ... 256).contains(readers) else { throw ValidationError("--readers must be between 1 and 256") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
    }

    func run() async throws {
        var configuration = ServerConfiguration(databasePath: db, queriesDirectory: queriesDirectory(queries))
        configuration.host = host
        configuration.port = port
        configuration.publicRead = publicRead
        configuration.maxBodyBytes = maxBody
        configuration.readers = readers
        configuration.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let service: WanggeService
        do { service = try WanggeService(configuration: configuration) } catch {
            note("error: \(error)")
            throw ExitCode.failure
        }
        try await service.run()
    }
}

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

        func run() throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("--role must be reader, operator or admin") }
            do {
                let token = try WanggeStore(path: db).createToken(name: name, role: role)
                print(token)
                note("token \(name) (\(role.rawValue)) created; it is shown only now")
            } catch {
                note("error: \(error)")
                throw ExitCode.failure
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (name, role, created, revoked); never the tokens themselves.")
        @Option(help: "The SpatiaLite database.") var db: String

        func run() throws {
            do {
                print("name,role,created_at,revoked_at")
                for t in try WanggeStore(path: db).tokens() { print("\(t.name),\(t.role.rawValue),\(t.createdAt),\(t.revokedAt ?? "")") }
            } catch {
                note("error: \(error)")
                throw ExitCode.failure
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
                throw ExitCode.failure
            }
            note("token \(name) revoked")
        }
    }
}
