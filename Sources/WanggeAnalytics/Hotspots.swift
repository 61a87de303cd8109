import WanggeCore

/// Hot spots over grid areas: order counts per cell, community or street (every area listed,
/// zeros included, with density per km²) or per responsible unit or inspection point (no
/// area, so no density), and Getis-Ord Gi* per cell.
public enum Hotspots {
    /// The area an order count is reported for.
    public enum Level: String, Sendable, CaseIterable {
        case cell, community, street, unit, point

        /// The code of the area holding a cell: its first 15, 12 or 9 characters (unit and
        /// point levels are not areas of the grid: see ``placeCounts(places:orderPlaces:)``).
        func area(ofCell code: String) -> String {
            switch self {
            case .cell, .unit, .point: return code
            case .community: return CellCode(code).community
            case .street: return CellCode(code).street
            }
        }
    }

    /// One grid cell as a site: its code, area (m²) and area centroid in metres (EPSG:4549).
    public struct Site: Sendable {
        public var code: String
        public var area: Double
        public var x: Double
        public var y: Double

        public init(code: String, area: Double, x: Double, y: Double) {
            self.code = code; self.area = area; self.x = x; self.y = y
        }
    }

    /// Every cell of `index` as a site, in `index.cells` order: area and area centroid from
    /// ``DistrictIndex/cellCentroidsMetres()``.
    public static func sites(of index: DistrictIndex) -> [Site] {
        zip(index.cells, index.cellCentroidsMetres()).map { Site(code: $0.code, area: $1.area, x: $1.x, y: $1.y) }
    }

    public struct CountRow: Sendable, Equatable {
        public var area: String
        public var count: Int
        /// Orders per km² of the area (nil for units and inspection points).
        public var density: Double?
    }

    /// Orders per unit or inspection point: every place of `places` listed (zeros included),
    /// sorted; an order counts once for each place it names.
    public static func placeCounts(places: [String], orderPlaces: [[String]]) -> [CountRow] {
        var counts = Dictionary(uniqueKeysWithValues: places.map { ($0, 0) })
        for list in orderPlaces { for p in Set(list) where counts[p] != nil { counts[p]! += 1 } }
        return counts.keys.sorted().map { CountRow(area: $0, count: counts[$0]!, density: nil) }
    }

    /// Orders per area at `level`, every area of the grid listed (zeros included), sorted by code.
    /// `counts` are orders per cell code; codes of no known cell are ignored.
    public static func counts(sites: [Site], counts: [String: Int], level: Level) -> [CountRow] {
        var total: [String: (count: Int, area: Double)] = [:]
        for site in sites {
            let key = level.area(ofCell: site.code)
            var entry = total[key] ?? (0, 0)
            entry.count += counts[site.code] ?? 0
            entry.area += site.area
            total[key] = entry
        }
        return total.keys.sorted().map { key in
            let e = total[key]!
            return CountRow(area: key, count: e.count, density: e.area > 0 ? Double(e.count) / (e.area / 1e6) : 0)
        }
    }

    public struct GiRow: Sendable, Equatable {
        public var cell: String
        public var count: Int
        public var result: GetisOrdGiStar.Result
        /// Conditional-randomisation pseudo p-value, when permutations were asked for.
        public var pSim: Double?
    }

    /// Gi* of the order counts over the cells, binary distance-band weights between cell
    /// centroids with each cell its own neighbour. `band` nil: the smallest band that gives
    /// every cell a neighbour (returned, so the output can say which band was used).
    ///
    /// `queen`: when given, queen-contiguity neighbour lists (indexes into `sites`) replace the
    /// distance band; each cell is still its own neighbour. The returned band is then 0.
    public static func giStar(
        sites: [Site], counts: [String: Int], band: Double?, falseDiscoveryRate: Bool,
        permutations: Int = 0, seed: UInt64 = 0, queen: [[Int]]? = nil
    ) -> (rows: [GiRow], band: Double) {
        let usable = sites.filter { $0.x.isFinite && $0.y.isFinite }.sorted { $0.code < $1.code }
        let x = usable.map(\.x), y = usable.map(\.y)
        let distance: Double
        let weights: SpatialWeights
        if let queen {
            let position = Dictionary(uniqueKeysWithValues: usable.enumerated().map { ($1.code, $0) })
            var lists = [[Int]](repeating: [], count: usable.count)
            for (k, site) in sites.enumerated() {
                guard let p = position[site.code] else { continue }
                lists[p] = queen[k].compactMap { position[sites[$0].code] }
            }
            distance = 0
            weights = SpatialWeights(neighbourLists: lists, includeSelf: true)
        } else {
            distance = band ?? SpatialWeights.smallestBandWithNeighbours(x: x, y: y) ?? 0
            weights = SpatialWeights.distanceBand(x: x, y: y, band: distance, includeSelf: true)
        }
        let values = usable.map { Double(counts[$0.code] ?? 0) }
        let results = GetisOrdGiStar.compute(values: values, weights: weights, falseDiscoveryRate: falseDiscoveryRate)
        let pSim = permutations > 0 ? GetisOrdGiStar.pseudoPValues(values: values, weights: weights, permutations: permutations, seed: seed) : nil
        let rows = zip(usable, results).enumerated().map { k, pair in
            GiRow(cell: pair.0.code, count: counts[pair.0.code] ?? 0, result: pair.1, pSim: pSim?[k])
        }
        return (rows, distance)
    }
}
