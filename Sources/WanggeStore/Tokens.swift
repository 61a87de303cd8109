import Foundation
import WanggeCore

/// What an API token may do. Each role includes the ones before it.
public enum Role: String, CaseIterable, Comparable, Sendable {
    /// GET: routing lookups, analytics, exports, queries.
    case reader
    /// + POST orders and their status events.
    case `operator`
    /// + replacing layers over HTTP (`PUT /v1/layers/{layer}`).
    case admin

    public static func < (a: Role, b: Role) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// A stored token, without the token itself (only its SHA-256 is kept).
public struct TokenRecord: Sendable {
    public let name: String
    public let role: Role
    public let sha256: String
    public let createdAt: String
    public let revokedAt: String?
}

/// A token that cannot be created or revoked: a bad name (``ErrorKind/badInput``, parameter
/// `name`), a name taken (``ErrorKind/conflict``), no such active token (``ErrorKind/notFound``).
public struct TokenError: WanggeError, Sendable {
    public let description: String
    public var kind: ErrorKind = .badInput
    public var parameter: String? = "name"
}

extension WanggeStore {
    /// Creates a token named `name` with `role` and returns it. It is shown once: the store
    /// keeps only its SHA-256, so a lost token is revoked and replaced, never recovered.
    /// 32 random bytes from the system generator, as `wg_` and 64 hex digits.
    public func createToken(name: String, role: Role) throws -> String {
        guard !name.isEmpty, name.count <= 100 else { throw TokenError(description: "a token name is 1 to 100 characters") }
        if try database.scalar("SELECT count(*) FROM tokens WHERE name = ?1", [.text(name)]).int != 0 {
            throw TokenError(description: "a token named \"\(name)\" exists already (revoke it or choose another name)", kind: .conflict)
        }
        var generator = SystemRandomNumberGenerator()
        let token = "wg_" + (0 ..< 32).map { _ in String(format: "%02x", UInt8.random(in: 0 ... 255, using: &generator)) }.joined()
        try database.prepare("INSERT INTO tokens (name, role, sha256, created_at) VALUES (?1, ?2, ?3, ?4)")
            .run([.text(name), .text(role.rawValue), .text(SHA256.hex(Array(token.utf8))), .text(Timestamp.format(Date().timeIntervalSince1970))])
        return token
    }

    /// Every token, newest last, revoked ones included.
    public func tokens() throws -> [TokenRecord] {
        try database.prepare("SELECT name, role, sha256, created_at, revoked_at FROM tokens ORDER BY id").rows().map { r in
            TokenRecord(
                name: r[0].string ?? "", role: Role(rawValue: r[1].string ?? "") ?? .reader, sha256: r[2].string ?? "",
                createdAt: r[3].string ?? "", revokedAt: r[4].string)
        }
    }

    /// Revokes the token named `name`; it stops working at once (the server re-reads tokens
    /// every second).
    public func revokeToken(name: String) throws {
        try database.prepare("UPDATE tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL")
            .run([.text(name), .text(Timestamp.format(Date().timeIntervalSince1970))])
        guard database.changes == 1 else { throw TokenError(description: "no active token is named \"\(name)\"", kind: .notFound) }
    }

    /// The roles of the active tokens, by SHA-256.
    public func activeTokenRoles() throws -> [String: Role] {
        var roles: [String: Role] = [:]
        for r in try database.prepare("SELECT sha256, role FROM tokens WHERE revoked_at IS NULL").rows() {
            if let hash = r[0].string, let role = Role(rawValue: r[1].string ?? "") { roles[hash] = role }
        }
        return roles
    }
}
