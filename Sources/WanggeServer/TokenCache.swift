import Foundation
import WanggeCore
import WanggeStore

/// The active tokens' roles, re-read from the database at most once a second, so a token
/// created or revoked with `wangge token` takes effect within a second without a restart.
final class TokenCache: Sendable {
    private struct State { var byDigest: [String: Role] = [:]; var byToken: [String: Role] = [:]; var loadedAt = Date.distantPast }
    private let state = Locked(State())
    private let pool: ConnectionPool

    init(pool: ConnectionPool) { self.pool = pool }

    /// The role of `token`, or nil when it is unknown or revoked.
    func role(of token: String) async throws -> Role? {
        let (known, fresh) = state.withLock { s in (s.byToken[token], Date().timeIntervalSince(s.loadedAt) < 1) }
        if fresh { return known ?? lookUp(token) }
        let roles = try await pool.reading { try $0.activeTokenRoles() }
        state.withLock { $0 = State(byDigest: roles, byToken: [:], loadedAt: Date()) }
        return lookUp(token)
    }

    private func lookUp(_ token: String) -> Role? {
        let digest = SHA256.hex(Array(token.utf8))
        return state.withLock { s in
            guard let role = s.byDigest[digest] else { return nil }
            if s.byToken.count < 10_000 { s.byToken[token] = role }
            return role
        }
    }
}
