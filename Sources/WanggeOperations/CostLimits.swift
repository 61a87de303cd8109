import Foundation
import WanggeAnalytics
import WanggeCore

/// The bounds on parameters that scale an operation's work, checked before the work starts.
/// The CLI and the HTTP API run the same commands, so they refuse the same requests with the
/// same message; the server answers 422 naming the parameter and the bound.
///
/// | bound | what it limits | roughly |
/// |---|---|---|
/// | ``rasterCells`` | KDE raster columns × rows (`cell-size`) | 32 MB of doubles per worker |
/// | ``kernelEvaluations`` | KDE points × raster cells within the bandwidth (`bandwidth`) | a few seconds |
/// | ``permutations`` | Gi* and Knox permutations | |
/// | ``permutationDraws`` | Gi* permutations × neighbour links (`permutations`) | a few seconds |
/// | ``weightLinks`` | Gi* / emerging neighbour links of a distance band (`band`) | 160 MB of indexes |
/// | ``knoxPairs`` | Knox pairs within distance-bands × distance-band (`distance-bands`) | 120 MB |
/// | ``knoxPairPermutations`` | Knox pairs × (permutations + 1) (`permutations`) | a few seconds |
/// | ``cubeBins`` | emerging hot spots cells × steps (`step`) | 40 MB |
/// | ``recurrenceRadius``, ``recurrenceDays`` | the repeat window (`radius`, `days`) | |
public enum CostLimits {
    public static let rasterCells = 4_000_000
    public static let kernelEvaluations = 2_000_000_000.0
    public static let permutations = 9_999
    public static let permutationDraws = 2_000_000_000.0
    public static let weightLinks = 20_000_000
    public static let knoxPairs = 10_000_000
    public static let knoxPairPermutations = 2_000_000_000.0
    public static let cubeBins = 5_000_000
    public static let recurrenceRadius = 5_000.0
    public static let recurrenceDays = 3_650.0

    /// 422 unless the KDE raster over `extent` at `cellSize`, and its kernel footprint at
    /// `bandwidth` for `points` points, are within bounds.
    static func checkKernelDensity(extent: BoundingBox, cellSize: Double, bandwidth: Double, points: Int) throws {
        let cells = try checkRaster(extent: extent, cellSize: cellSize)
        let footprint = min(cells, (2 * bandwidth / cellSize + 1) * (2 * bandwidth / cellSize + 1))
        guard Double(points) * footprint <= kernelEvaluations else {
            throw CostLimitExceeded(
                parameter: "bandwidth", limit: "points × raster cells within the bandwidth ≤ \(Int(kernelEvaluations))",
                message:
                    "bandwidth \(String(format: "%g", bandwidth)) m over \(points) point(s) needs \(String(format: "%.3g", Double(points) * footprint)) kernel evaluations; at most \(String(format: "%.3g", kernelEvaluations)) (a smaller bandwidth or a larger cell-size)"
            )
        }
    }

    /// 422 unless the KDE raster over `extent` at `cellSize` has at most ``rasterCells``
    /// cells; its cell count when it does.
    @discardableResult
    static func checkRaster(extent: BoundingBox, cellSize: Double) throws -> Double {
        let columns = ((extent.maxX - extent.minX) / cellSize).rounded(.up), rows = ((extent.maxY - extent.minY) / cellSize).rounded(.up)
        let cells = max(1, columns) * max(1, rows)
        guard cells <= Double(rasterCells) else {
            throw CostLimitExceeded(
                parameter: "cell-size", limit: "raster cells ≤ \(rasterCells)",
                message:
                    "cell-size \(String(format: "%g", cellSize)) m makes a raster of \(Int(columns))×\(Int(rows)) cells; at most \(rasterCells) cells (use a cell size of at least \(String(format: "%.1f", minimumCellSize(extent))) m)"
            )
        }
        return cells
    }

    static func minimumCellSize(_ extent: BoundingBox) -> Double {
        ((extent.maxX - extent.minX) * (extent.maxY - extent.minY) / Double(rasterCells)).squareRoot()
    }

    /// 422 unless `permutations` is within ``permutations``.
    static func checkPermutations(_ permutations: Int) throws {
        guard permutations <= Self.permutations else {
            throw CostLimitExceeded(
                parameter: "permutations", limit: "≤ \(Self.permutations)",
                message: "permutations \(permutations): at most \(Self.permutations)")
        }
    }

    /// 422 unless a distance band of `band` gives at most ``weightLinks`` neighbour links
    /// over the sites; the link count (self links included) when it does.
    @discardableResult
    static func checkBand(x: [Double], y: [Double], band: Double) throws -> Int {
        guard let links = SpatialWeights.linkCount(x: x, y: y, band: band, limit: weightLinks) else {
            throw CostLimitExceeded(
                parameter: "band", limit: "neighbour links ≤ \(weightLinks)",
                message: "band \(String(format: "%g", band)) m links more than \(weightLinks) pairs of the \(x.count) cells; give a smaller band")
        }
        return links
    }

    /// 422 unless Gi*'s conditional randomisation stays within ``permutationDraws``.
    static func checkGiPermutations(_ permutations: Int, links: Int) throws {
        try checkPermutations(permutations)
        guard Double(permutations) * Double(links) <= permutationDraws else {
            throw CostLimitExceeded(
                parameter: "permutations", limit: "permutations × neighbour links ≤ \(Int(permutationDraws))",
                message:
                    "permutations \(permutations) over \(links) neighbour links need \(String(format: "%.3g", Double(permutations) * Double(links))) draws; at most \(String(format: "%.3g", permutationDraws)) (at most \(Int(permutationDraws) / max(1, links)) permutations here)"
            )
        }
    }
}

/// A parameter asks for more work than ``CostLimits`` allows; nothing was computed.
public struct CostLimitExceeded: WanggeError, Sendable {
    /// The parameter (its CLI option and HTTP query name, without dashes).
    public let parameter: String?
    /// The bound, as a reader would state it.
    public let limit: String
    public let message: String
    public var description: String { message }
    public var kind: ErrorKind { .unanswerable }
    public var code: String { "cost-limit" }
    public var title: String { "Too much work asked" }
    public var expected: String? { limit }
}
