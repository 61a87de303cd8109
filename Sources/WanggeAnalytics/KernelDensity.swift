import Dispatch
import Foundation
import WanggeCore

/// Kernel density of points on a square raster in metres, as ArcGIS "Kernel Density"
/// computes it for points (quartic kernel, Silverman 1986, eq. 4.5):
///
///     density(c) = (1 / r²) · Σᵢ (3 / π) · (1 − dᵢ² / r²)²    over points with dᵢ < r
///
/// at each raster cell's centre c, dᵢ the distance from c to point i and r the search radius
/// (bandwidth). The result is points per square metre; Wangge reports per km² (× 10⁶).
/// Defaults, as the ArcGIS documentation gives them:
/// - cell size: the shorter side of the extent / 250;
/// - search radius: 0.9 · min(SD, √(1 / ln 2) · Dm) · n^(−0.2), where SD is the standard
///   distance √(Σ(x − x̄)²/n + Σ(y − ȳ)²/n) and Dm the median distance to the mean centre.
public struct KernelDensity: Sendable {
    /// Lower-left corner of the raster, in metres.
    public let originX: Double
    public let originY: Double
    public let cellSize: Double
    public let columns: Int
    public let rows: Int
    public let bandwidth: Double
    /// Points per km², row-major from the bottom row.
    public let density: [Double]

    /// The default search radius for these points (nil with fewer than two points or when
    /// they all coincide).
    public static func defaultBandwidth(x: [Double], y: [Double]) -> Double? {
        let n = x.count
        guard n >= 2 else { return nil }
        let mx = x.reduce(0, +) / Double(n), my = y.reduce(0, +) / Double(n)
        var sum = 0.0
        var distances: [Double] = []
        distances.reserveCapacity(n)
        for i in 0 ..< n {
            let dx = x[i] - mx, dy = y[i] - my
            sum += dx * dx + dy * dy
            distances.append((dx * dx + dy * dy).squareRoot())
        }
        let sd = (sum / Double(n)).squareRoot()
        distances.sort()
        let median = n % 2 == 1 ? distances[n / 2] : (distances[n / 2 - 1] + distances[n / 2]) / 2
        let r = 0.9 * min(sd, (1 / log(2.0)).squareRoot() * median) * pow(Double(n), -0.2)
        return r > 0 ? r : nil
    }

    /// Density of the points over `extent` (minX, minY, maxX, maxY in metres).
    public init(
        x: [Double], y: [Double], extent: (minX: Double, minY: Double, maxX: Double, maxY: Double),
        cellSize: Double, bandwidth: Double, workers: Int = Work.parallelism
    ) {
        precondition(x.count == y.count && cellSize > 0 && bandwidth > 0)
        let columns = max(1, Int(((extent.maxX - extent.minX) / cellSize).rounded(.up)))
        let rows = max(1, Int(((extent.maxY - extent.minY) / cellSize).rounded(.up)))
        self.originX = extent.minX; self.originY = extent.minY
        self.cellSize = cellSize; self.columns = columns; self.rows = rows; self.bandwidth = bandwidth

        let r2 = bandwidth * bandwidth
        let scale = 3 / Double.pi / r2 * 1e6
        let n = x.count
        let parts = max(1, min(workers, n / 10_000 + 1))
        let x0 = extent.minX, y0 = extent.minY
        // The budget is bound to this thread; the workers check it themselves.
        let budget = Work.budget
        // One raster per worker (summed at the end, in worker order), so workers never write the same memory.
        let rasters = Parallel.map(parts) { part in
            var raster = [Double](repeating: 0, count: columns * rows)
            raster.withUnsafeMutableBufferPointer { raster in
                var i = part
                var visited = 0
                while i < n {
                    visited += 1
                    if visited & 1023 == 1, let budget, budget.isCancelled { break }
                    let px = x[i], py = y[i]
                    i += parts
                    guard px.isFinite, py.isFinite else { continue }
                    // Cells whose centre lies within the radius: centre of column c is x0 + (c + ½)·size.
                    let c0 = max(0, Int(((px - bandwidth - x0) / cellSize - 0.5).rounded(.up)))
                    let c1 = min(columns - 1, Int(((px + bandwidth - x0) / cellSize - 0.5).rounded(.down)))
                    let r0 = max(0, Int(((py - bandwidth - y0) / cellSize - 0.5).rounded(.up)))
                    let r1 = min(rows - 1, Int(((py + bandwidth - y0) / cellSize - 0.5).rounded(.down)))
                    guard c0 <= c1, r0 <= r1 else { continue }
                    for row in r0 ... r1 {
                        let dy = y0 + (Double(row) + 0.5) * cellSize - py
                        let dy2 = dy * dy
                        guard dy2 < r2 else { continue }
                        let base = row * columns
                        for column in c0 ... c1 {
                            let dx = x0 + (Double(column) + 0.5) * cellSize - px
                            let d2 = dx * dx + dy2
                            if d2 < r2 {
                                let t = 1 - d2 / r2
                                raster[base + column] += t * t
                            }
                        }
                    }
                }
            }
            return raster
        }
        var total = rasters[0]
        for r in rasters.dropFirst() { for k in total.indices { total[k] += r[k] } }
        density = total.map { $0 * scale }
    }

    /// The centre of a raster cell, in metres.
    public func centre(row: Int, column: Int) -> (x: Double, y: Double) {
        (originX + (Double(column) + 0.5) * cellSize, originY + (Double(row) + 0.5) * cellSize)
    }
}
