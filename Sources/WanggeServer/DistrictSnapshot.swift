import WanggeCore
import WanggeOperations
import WanggePages
import WanggeStore

/// The district as the service routes against it: layers, index and a pool of routers,
/// numbered by generation. A layer import builds a new one and swaps it in; requests that
/// hold the old one finish on it.
final class DistrictSnapshot: @unchecked Sendable {
    let generation: Int
    /// `wangge_meta.layers_version` when the layers were read.
    let layersVersion: String
    let district: District
    let index: DistrictIndex
    let snapMetres: Double
    private let routers: Locked<[Router]>

    init(generation: Int, layersVersion: String, district: District, snapMetres: Double) throws {
        self.generation = generation
        self.layersVersion = layersVersion
        self.district = district
        self.index = try DistrictIndex(district: district)
        self.snapMetres = snapMetres
        self.routers = Locked([])
        // The leaders' map of these cells (projection, street outlines) is drawn ahead, so the
        // first page request does not wait for it.
        let index = self.index
        WorkerPool.background.submit { DashboardParameters.prepareMap(for: index, cells: district.cells) }
    }

    /// Runs `body` with a router of its own (routers hold per-thread scratch and PROJ state).
    func withRouter<T>(_ body: (Router) throws -> T) throws -> T {
        let router = try routers.withLock { $0.popLast() } ?? Router(index: index, snapMetres: snapMetres)
        defer { routers.withLock { $0.append(router) } }
        return try body(router)
    }
}
