import WanggeCore
import WanggeStore

/// A database file opened read-only on first use, for one CLI run.
public final class DatabaseFile: DataSource {
    public let path: String
    public let queriesDirectory: String
    private var opened: (WanggeStore, QueryCatalog)?
    private var loaded: District?
    private var built: DistrictIndex?

    public init(path: String, queriesDirectory: String) {
        self.path = path
        self.queriesDirectory = queriesDirectory
    }

    public func open() throws -> (WanggeStore, QueryCatalog) {
        if let opened { return opened }
        let store = try WanggeStore(path: path, readOnly: true)
        let catalog = try QueryCatalog(directory: queriesDirectory)
        try catalog.check(on: store)
        opened = (store, catalog)
        return (store, catalog)
    }

    public func district() throws -> District {
        if let loaded { return loaded }
        let d = try open().0.loadDistrict()
        loaded = d
        return d
    }

    public func index() throws -> DistrictIndex {
        if let built { return built }
        let i = try open().0.districtIndex(for: try district())
        built = i
        return i
    }
}
