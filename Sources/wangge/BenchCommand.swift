import ArgumentParser
import Dispatch
import Foundation
import WanggeOperations
import WanggeAnalytics
import WanggeCore
import WanggeStore

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure routing and analytics speed on a synthetic city (see `make bench`).",
        discussion: """
            Reads a city written by `python3 GeoData/generate.py --preset bench --out DIR`, routes random points spread as a city-wide feed (a quarter outside the grid at 0–5 km, 3 % within 120 m of it) in memory, in blocks of 64 as files are routed: covered and uncovered ones apart on one core (both also one at a time), then all of them on one core and on all cores. Times Gi* over every cell and the kernel density of the points on a 500×500 raster, then times `wangge import` and `wangge assign` end to end on DIR/orders.csv as separate processes, with their peak memory.
            """)

    @Option(help: "Directory of the synthetic city (cells.geojson, zones.geojson, points.geojson, units.csv, rules.csv, orders.csv).")
    var city: String

    @Option(help: "Random points routed in memory.")
    var points: Int = 1_000_000

    @Option(help: "Seed of the random points.")
    var seed: UInt64 = 1

    @Flag(help: "Skip the end-to-end runs of `wangge import` and `wangge assign`.")
    var inMemoryOnly = false

    func run() throws {
        let dir = URL(fileURLWithPath: city)
        func file(_ name: String) throws -> [UInt8] { try readInput(dir.appendingPathComponent(name).path) }
        var t = Date()
        func lap() -> Double { let now = Date(); defer { t = now }; return now.timeIntervalSince(t) }

        note("… reading the city")
        let district = try LayerDecoder.district(inDirectory: dir)
        let readSeconds = lap()
        let index = try DistrictIndex(district: district)
        let buildSeconds = lap()
        print(
            "city: \(index.cells.count) cells, \(index.zones.count) zones, \(index.points.count) inspection points (read \(fmt(readSeconds)) s, index built in \(fmt(buildSeconds)) s, \(Int((index.cellRasterDecidedShare * 100).rounded())) % of the cell raster decided)"
        )

        // Points as a city-wide feed spreads them (SplitMix64, deterministic): 72 % uniform over
        // the cells' extent, 25 % outside it at 0–5 km, 3 % outside it within 120 m.
        let box = index.cellGridExtent
        var random = SplitMix64(seed: seed)
        func next() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        let metresPerDegreeY = 110_900.0, metresPerDegreeX = 111_320.0 * cos((box.minY + box.maxY) / 2 * .pi / 180)
        func outside(_ metres: Double) -> Coordinate {
            let along = next(), side = Int(next() * 4)
            let x = box.minX + along * (box.maxX - box.minX), y = box.minY + along * (box.maxY - box.minY)
            switch side {
            case 0: return Coordinate(x, box.minY - metres / metresPerDegreeY)
            case 1: return Coordinate(x, box.maxY + metres / metresPerDegreeY)
            case 2: return Coordinate(box.minX - metres / metresPerDegreeX, y)
            default: return Coordinate(box.maxX + metres / metresPerDegreeX, y)
            }
        }
        let sample = (0 ..< points).map { _ -> Coordinate in
            let kind = next()
            if kind < 0.25 { return outside(next() * 5_000) }
            if kind < 0.28 { return outside(next() * 120) }
            return Coordinate(box.minX + next() * (box.maxX - box.minX), box.minY + next() * (box.maxY - box.minY))
        }
        // Categories are resolved once per distinct text, as `wangge assign` does.
        let routes = district.rules.map { index.categoryRoute(for: $0.category) }

        let router = try OrderRouter(index: index)
        let coveredPoints = sample.filter { router.locateCell($0).cell >= 0 }
        let uncoveredPoints = sample.filter { router.locateCell($0).cell < 0 }
        // One-core loops are timed by the wall clock and by the thread's CPU clock: on a shared
        // machine the second is what one core does when it runs.
        func oneCore(_ body: () -> Void) -> (wall: Double, cpu: Double) {
            let c0 = threadCPUSeconds()
            _ = lap()
            body()
            return (lap(), threadCPUSeconds() - c0)
        }
        // Feeds locate and route their orders a block at a time (`OrderRouter.blockSize`, the
        // raster reads of a block overlapped); the one-at-a-time figure is printed beside.
        let block = OrderRouter.blockSize
        let anyRoute = routes.isEmpty ? [index.categoryRoute(for: "")] : routes
        var cellScratch = [Int32](repeating: 0, count: block)
        @Sendable func locateInBlocks(_ r: OrderRouter, _ points: ArraySlice<Coordinate>, _ cells: inout [Int32]) -> Int {
            var covered = 0
            points.withUnsafeBufferPointer { p in
                cells.withUnsafeMutableBufferPointer { c in
                    var start = 0
                    while start < p.count {
                        let n = min(block, p.count - start)
                        r.locateCells(UnsafeBufferPointer(rebasing: p[start ..< start + n]), into: c)
                        for k in 0 ..< n where c[k] >= 0 { covered += 1 }
                        start += n
                    }
                }
            }
            return covered
        }
        @Sendable func routeInBlocks(_ r: OrderRouter, _ points: ArraySlice<Coordinate>) -> Int {
            var orders: [BlockOrder] = [], results: [Assignment] = []
            var routed = 0, start = points.startIndex
            while start < points.endIndex {
                let end = min(points.endIndex, start + block)
                orders.removeAll(keepingCapacity: true)
                for i in start ..< end { orders.append(BlockOrder(position: points[i], crs: .wgs84, route: anyRoute[i % anyRoute.count])) }
                r.assign(orders, into: &results)
                routed += results.count
                start = end
            }
            return routed
        }
        var covered = 0
        let cellOne = oneCore { covered = locateInBlocks(router, sample[...], &cellScratch) }
        let coveredOne = oneCore { covered -= locateInBlocks(router, coveredPoints[...], &cellScratch) }
        precondition(covered == 0, "the covered points are covered")
        var stillCovered = coveredPoints.count
        let coveredSingly = oneCore { for p in coveredPoints where router.locateCell(p).cell < 0 { stillCovered -= 1 } }
        precondition(stillCovered == coveredPoints.count, "the covered points are covered, one at a time")
        var snapped = 0, snappedSingly = 0
        var nearest: [(cell: Int, distanceMetres: Double)?] = []
        let uncoveredOne = oneCore {
            uncoveredPoints.withUnsafeBufferPointer { p in
                var start = 0
                while start < p.count {
                    let n = min(block, p.count - start)
                    router.nearestCells(wgs84: UnsafeBufferPointer(rebasing: p[start ..< start + n]), into: &nearest)
                    for answer in nearest where (answer?.distanceMetres ?? .infinity) <= router.snapMetres { snapped += 1 }
                    start += n
                }
            }
        }
        let uncoveredSingly = oneCore {
            for p in uncoveredPoints where (router.nearestCell(wgs84: p)?.distanceMetres ?? .infinity) <= router.snapMetres { snappedSingly += 1 }
        }
        precondition(snapped == snappedSingly, "the same snaps in blocks and one at a time")
        let fullOne = oneCore { precondition(routeInBlocks(router, sample[...]) == sample.count) }
        let uncoveredFullOne = oneCore { precondition(routeInBlocks(router, uncoveredPoints[...]) == uncoveredPoints.count) }
        func perCore(_ count: Int, _ t: (wall: Double, cpu: Double)) -> String {
            "\(rate(Double(count) / t.cpu)) points/s per CPU second (wall clock: \(rate(Double(count) / t.wall)))"
        }

        let workers = ProcessInfo.processInfo.activeProcessorCount
        // The routers are made before the clock starts; each worker takes one of its own and a
        // contiguous share of the points.
        let routers = OrderRouterPool(index: index)
        for router in try (0 ..< workers).map({ _ in try routers.take() }) { routers.giveBack(router) }
        @Sendable func share(_ w: Int) -> ArraySlice<Coordinate> { sample[(sample.count * w / workers) ..< (sample.count * (w + 1) / workers)] }
        _ = lap()
        _ = try Parallel.map(workers) { w in
            let r = try routers.take()
            defer { routers.giveBack(r) }
            var cells = [Int32](repeating: 0, count: block)
            return locateInBlocks(r, share(w), &cells)
        }
        let cellAll = lap()
        _ = try Parallel.map(workers) { w in
            let r = try routers.take()
            defer { routers.giveBack(r) }
            return routeInBlocks(r, share(w))
        }
        let fullAll = lap()
        let n = Double(points)
        print(
            "in-memory routing of \(points) points as a city-wide feed spreads them (\(coveredPoints.count) covered by a cell, \(uncoveredPoints.count) covered by none: \(snapped) snapped within \(fmt(router.snapMetres)) m):"
        )
        print("  covered orders, cell location, 1 core:             \(perCore(coveredPoints.count, coveredOne))")
        print("    (the same one order at a time, without blocks:   \(perCore(coveredPoints.count, coveredSingly)))")
        print("  uncovered orders, nearest cell (EPSG:4549), 1 core: \(perCore(uncoveredPoints.count, uncoveredOne))")
        print("    (the same one order at a time, without blocks:   \(perCore(uncoveredPoints.count, uncoveredSingly)))")
        print("  uncovered orders, full routing, 1 core:            \(perCore(uncoveredPoints.count, uncoveredFullOne))")
        print("  cell location (all points; no nearest search), 1 core:  \(perCore(points, cellOne))")
        print("  cell location (all points; no nearest search), \(workers) cores: \(rate(n / cellAll)) points/s")
        print("  full routing (cell or nearest cell, unit, points), 1 core:  \(perCore(points, fullOne))")
        print("  full routing (cell or nearest cell, unit, points), \(workers) cores: \(rate(n / fullAll)) points/s")

        // Analytics on the same city: Gi* over every cell, KDE of the sample on 500×500.
        let sites = Hotspots.sites(of: index)
        var counts: [String: Int] = [:]
        for (k, site) in sites.enumerated() { counts[site.code] = Int(next() * 20) + (k % 97 == 0 ? 40 : 0) }
        _ = lap()
        let gi = Hotspots.giStar(sites: sites, counts: counts, band: nil, falseDiscoveryRate: true)
        let giSeconds = lap()
        let projection = try MetricProjection()
        var metric = sample
        projection.project(&metric)
        let mx = metric.map(\.x), my = metric.map(\.y)
        guard let extent = index.cellExtentMetres else { return }
        _ = lap()
        let side = max(extent.maxX - extent.minX, extent.maxY - extent.minY) / 500
        let kde = KernelDensity(
            x: mx, y: my, extent: (extent.minX, extent.minY, extent.minX + side * 500, extent.minY + side * 500),
            cellSize: side, bandwidth: KernelDensity.defaultBandwidth(x: mx, y: my) ?? side * 5)
        let kdeSeconds = lap()
        // Recurrence: the sample as orders of 18 categories over one year.
        let recurring = (0 ..< metric.count).map { k in
            Recurrence.Order(id: "", category: "c\(k % 18)", received: next() * 365 * 86_400, x: mx[k], y: my[k], areas: [])
        }
        _ = lap()
        let recurrence = Recurrence.analyse(recurring, radius: 50, days: 30) { i, _ in i % 3 == 0 }
        let recurrenceSeconds = lap()
        // Emerging hot spots: every cell × 52 weeks of random counts.
        let cube = (0 ..< sites.count).map { _ in (0 ..< 52).map { _ in Double(Int(next() * 4)) } }
        let sx = sites.map(\.x), sy = sites.map(\.y)
        let cubeWeights = SpatialWeights.distanceBand(x: sx, y: sy, band: gi.band, includeSelf: true)
        _ = lap()
        let emerging = EmergingHotSpots.analyse(counts: cube, weights: cubeWeights, timeLag: 1)
        let emergingSeconds = lap()
        print("analytics:")
        print("  Gi* over \(gi.rows.count) cells (band \(fmt(gi.band)) m, FDR bins): \(fmt(giSeconds)) s")
        print("  KDE of \(points) points on \(kde.columns)×\(kde.rows) cells (bandwidth \(fmt(kde.bandwidth)) m): \(fmt(kdeSeconds)) s")
        print("  emerging hot spots over \(emerging.count) cells × 52 weeks: \(fmt(emergingSeconds)) s")
        print("  recurrence of \(points) orders (50 m, 30 days; \(recurrence.isRepeat.filter { $0 }.count) repeats): \(fmt(recurrenceSeconds)) s")
        // The address gazetteer (issue 16): 200k standard addresses, 200k typed addresses, one core.
        print("  " + AddressIndex.benchmark(addresses: 200_000, queries: 200_000).description)

        guard !inMemoryOnly else { return }
        let orders = dir.appendingPathComponent("orders.csv").path
        guard FileManager.default.fileExists(atPath: orders) else { note("no orders.csv in \(city): end-to-end runs skipped"); return }
        let rows = max(0, (try file("orders.csv")).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } - 1)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-bench-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("city.sqlite").path
        for (layer, name) in [
            ("units", "units.csv"), ("rules", "rules.csv"), ("cells", "cells.geojson"), ("zones", "zones.geojson"), ("points", "points.geojson"),
        ] {
            let run = try runSelf(["import", layer, dir.appendingPathComponent(name).path, "--db", db])
            print("wangge import \(layer): \(fmt(run.seconds)) s")
        }
        let assign = try runSelf(["assign", "--db", db, "--input", orders, "--output", work.appendingPathComponent("out.csv").path])
        print(
            "wangge assign, \(rows) rows end to end: \(fmt(assign.seconds)) s, \(rate(Double(rows) / assign.seconds)) orders/s, peak memory \(assign.peakMiB) MiB"
        )
        let imported = try runSelf(["import", "orders", orders, "--db", db])
        print(
            "wangge import orders, \(rows) rows (stored and assigned): \(fmt(imported.seconds)) s, \(rate(Double(rows) / imported.seconds)) orders/s, peak memory \(imported.peakMiB) MiB"
        )
    }

    /// Runs this executable with `arguments`, timing it; fails if it fails.
    private func runSelf(_ arguments: [String]) throws -> (seconds: Double, peakMiB: Int) {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment[peakMemoryVariable] = "1"
        process.environment = environment
        let start = Date()
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        guard process.terminationStatus == 0 else {
            throw ValidationError(
                "wangge \(arguments.joined(separator: " ")) failed with status \(process.terminationStatus): \(String(decoding: stderr.suffix(2000), as: UTF8.self))"
            )
        }
        // The child reports its own peak resident memory (see reportPeakMemoryIfAsked).
        let peakKiB =
            String(decoding: stderr, as: UTF8.self).split(separator: "\n")
            .last { $0.hasPrefix("peak_rss_kib=") }.flatMap { Int($0.dropFirst("peak_rss_kib=".count)) } ?? 0
        return (seconds, peakKiB / 1024)
    }

    private func fmt(_ v: Double) -> String { String(format: "%.2f", v) }
    private func rate(_ v: Double) -> String { String(format: "%.2f M", v / 1e6) }
}

/// CPU seconds the calling thread has run (CLOCK_THREAD_CPUTIME_ID).
private func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
