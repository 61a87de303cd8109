import WanggeCore
import WanggeOperations
import WanggeStore

/// A ``DataSource`` over a lent read-only connection and the current snapshot: operations run
/// by the server read through the pool, never rebuild the index, and share derived data.
struct PooledData: DataSource {
    let store: WanggeStore
    let catalog: QueryCatalog
    let snapshot: DistrictSnapshot
    var pool: ConnectionPool?
    var derived: DerivedData?

    func open() throws -> (WanggeStore, QueryCatalog) { (store, catalog) }
    func district() throws -> District { snapshot.district }
    func index() throws -> DistrictIndex { snapshot.index }

    func memoized<T: Sendable>(_ key: String, _ compute: () throws -> T) throws -> T {
        guard let pool, let derived else { return try compute() }
        // The version is read before the data: a commit in between makes the value look
        // older than it is (recomputed next time), never newer.
        let version = try pool.dataVersion()
        return try derived.value(key, generation: snapshot.generation, version: version, compute)
    }
}
