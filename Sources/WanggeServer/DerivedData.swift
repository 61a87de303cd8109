import WanggeCore

/// Values derived from the stored data (the leaders' page's orders and histories), kept until
/// the next commit: each is stored with the data version it was computed at, and a request
/// at another version computes it again. Only the current index generation's values are
/// kept: storing one of a newer generation drops the older ones, so layer imports do not pile
/// up copies of every order.
final class DerivedData: Sendable {
    private struct Entry { let generation: Int; let version: Int64; let value: any Sendable }
    private let values = Locked<[String: Entry]>([:])

    func value<T: Sendable>(_ key: String, generation: Int, version: Int64, _ compute: () throws -> T) throws -> T {
        if let hit = values.withLock({ $0[key] }), hit.generation == generation, hit.version == version, let value = hit.value as? T { return value }
        let value = try compute()
        values.withLock { entries in
            if entries.values.contains(where: { $0.generation > generation }) { return }  // computed on an older snapshot
            entries = entries.filter { $0.value.generation == generation }
            entries[key] = Entry(generation: generation, version: version, value: value)
        }
        return value
    }

    /// Keys held (for tests).
    var count: Int { values.withLock { $0.count } }
}
