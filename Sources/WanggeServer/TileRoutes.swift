import HTTPTypes
import Hummingbird
import NIOCore
import WanggeCore
import WanggeOperations

extension WanggeService {
    /// Vector tiles for web maps (as `wangge tile`).
    var tileRoutes: [APIRoute] {
        let problem = ["application/problem+json"]
        return [
            APIRoute(
                method: .get, path: "/v1/tiles/{layer}/{z}/{x}/{y}.mvt", role: .reader,
                summary:
                    "One Mapbox Vector Tile (MVT 2.1, extent 4096, Web Mercator XYZ) of a layer, as `wangge tile`: clipped to the tile and a 64-unit buffer, simplified for the zoom; cached per data version.",
                operationId: "getTile",
                parameters: [
                    .path(
                        "layer", "The layer (hotspots: Gi* per cell, properties z and bin).",
                        values: TileParameters.LayerName.allCases.map(\.rawValue)),
                    .path("z", "Zoom, 0 to 24."), .path("x", "Column, 0 to 2^z - 1."), .path("y", "Row, 0 to 2^z - 1 (row 0 at the north)."),
                    .query("from", "date-time", "orders, hotspots: orders received at or after this time."),
                    .query("to", "date-time", "orders, hotspots: orders received before this time."),
                    .query("category", repeatable: true, "orders, hotspots: only orders of this category (repeatable)."),
                    .query(
                        "crs", values: OutputCRS.allCases.map(\.rawValue),
                        "Coordinates the tile is drawn in: wgs84 (default), gcj02 (高德/腾讯 basemaps) or bd09 (百度): each geometry is shifted before it is projected to the tile."
                    ),
                ],
                outcomes: [
                    .init(
                        status: 200, description: "The tile.", mediaTypes: [VectorTile.mediaType], schemas: [VectorTile.mediaType: .ref("VectorTile")]
                    ),
                    .init(status: 204, description: "No feature of the layer reaches this tile.", mediaTypes: []),
                    .init(
                        status: 400, description: "z, x or y out of range or not an integer, or an unusable parameter (parameter: which).",
                        mediaTypes: problem),
                    .init(status: 404, description: "No such layer.", mediaTypes: problem),
                ],
                handler: { [self] request, context in try await tile(request, context) })
        ]
    }

    private func tile(_ request: Request, _ context: WanggeContext) async throws -> Response {
        let layer = try pathParameter("layer", context)
        guard TileParameters.LayerName(rawValue: layer) != nil else {
            throw Problem.notFound("no tile layer \(layer); layers: \(TileParameters.LayerName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let (z, x, y) = (try pathParameter("z", context), try pathParameter("x", context), try pathParameter("y", context))
        if let problem = TileAddress.problem(z: z, x: x, y: y) {
            throw Problem.badParameter(
                problem.parameter, problem.description, expected: "integers: z 0 to \(TileAddress.maxZoom), x and y 0 to 2^z - 1")
        }
        let arguments = try [layer, z, x, y] + CommandArguments.arguments(request, defaultFormat: nil)
        let command = try CommandArguments.parse(TileParameters.self, arguments, database: configuration.databasePath)
        let snapshot = self.snapshot
        let validity = command.dependsOnOrders ? "\(snapshot.generation)/\(try pool.dataVersion())" : "\(snapshot.generation)"
        let bytes: [UInt8]
        let hit: Bool
        if let cached = tiles.bytes(command.cacheKey, validity: validity) {
            (bytes, hit) = (cached, true)
        } else {
            bytes = try await report(command).bytes
            tiles.store(command.cacheKey, validity: validity, bytes: bytes)
            hit = false
        }
        var headers: HTTPFields = [HTTPField.Name("Wangge-Tile-Cache")!: hit ? "hit" : "miss"]
        guard !bytes.isEmpty else { return Response(status: .noContent, headers: headers) }
        headers[.contentType] = VectorTile.mediaType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// Encoded tiles, least recently used dropped first beyond ``maxEntries`` tiles or
/// ``maxBytes`` bytes. Each tile is kept with the data version it was made from (the index
/// generation; and the database's data version for tiles of orders): a tile of another version
/// is a miss.
final class TileCache: Sendable {
    let maxEntries: Int
    let maxBytes: Int
    private struct Entry { var validity: String; var bytes: [UInt8]; var used: UInt64 }
    private struct State { var entries: [String: Entry] = [:]; var bytes = 0; var clock: UInt64 = 0 }
    private let state = Locked(State())

    init(maxEntries: Int = 4096, maxBytes: Int = 64 << 20) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    /// The tile kept for `key` when it was made from `validity`.
    func bytes(_ key: String, validity: String) -> [UInt8]? {
        state.withLock { s in
            guard var entry = s.entries[key], entry.validity == validity else { return nil }
            s.clock += 1
            entry.used = s.clock
            s.entries[key] = entry
            return entry.bytes
        }
    }

    func store(_ key: String, validity: String, bytes: [UInt8]) {
        guard bytes.count <= maxBytes else { return }
        state.withLock { s in
            s.clock += 1
            if let old = s.entries.updateValue(Entry(validity: validity, bytes: bytes, used: s.clock), forKey: key) { s.bytes -= old.bytes.count }
            s.bytes += bytes.count
            while s.entries.count > maxEntries || s.bytes > maxBytes, let oldest = s.entries.min(by: { $0.value.used < $1.value.used }) {
                s.bytes -= oldest.value.bytes.count
                s.entries[oldest.key] = nil
            }
        }
    }

    /// Tiles held (for tests).
    var count: Int { state.withLock { $0.entries.count } }
}
