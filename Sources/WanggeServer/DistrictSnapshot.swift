import WanggeCore
import WanggeOperations
import WanggePages
import WanggeStore

/// The district as the service routes against it: layers, index and a pool of routers,
/// numbered by generation. A layer import builds a new one and swaps it in; requests that
/// hold the old one finish on it.
final class DistrictSnapshot: Sendable {
    let generation: Int
    /// `wangge_meta.layers_version` when the layers were read.
    let layersVersion: String
    let district: District
    let index: DistrictIndex
    let snapMetres: Double
    private let routers: OrderRouterPool

    /// `index` is ``WanggeStore/districtIndex(for:)`` of `district`.
    init(generation: Int, layersVersion: String, district: District, index: DistrictIndex, snapMetres: Double) {
        self.generation = generation
        self.layersVersion = layersVersion
        self.district = district
        self.index = index
        self.snapMetres = snapMetres
        self.routers = OrderRouterPool(index: self.index, snapMetres: snapMetres)
        // The leaders' map of these cells (projection, street outlines) is drawn ahead, so the
        // first page request does not wait for it.
        let index = self.index
        WorkerPool.background.submit { DashboardParameters.prepareMap(for: index, cells: district.cells) }
    }

    /// Runs `body` with a router of its own (routers hold per-thread scratch and PROJ state).
    func withRouter<T>(_ body: (OrderRouter) throws -> T) throws -> T {
        let router = try routers.take()
        defer { routers.giveBack(router) }
        return try body(router)
    }
}
