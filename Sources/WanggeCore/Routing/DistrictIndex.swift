import Dispatch
import Foundation

/// The in-memory index of one district's layers, built once and shared read-only by every
/// thread that routes orders (it is immutable and `Sendable`). Per-thread state — PROJ
/// objects and scratch buffers — lives in ``OrderRouter``.
///
/// Cells, zones and inspection points are kept sorted by code or id, so "the smallest covering
/// code" and "the smallest zone id" are simply the first hit of an ascending scan.
public final class DistrictIndex: Sendable {
    /// Cells sorted by code.
    public let cells: [CellInfo]
    /// Responsible units, in the order given.
    public let units: [ResponsibleUnit]
    /// Zones sorted by kind, then id.
    public let zones: [ZoneInfo]
    /// One layer per zone kind, sorted by kind.
    public let zoneLayers: [ZoneLayer]
    /// Inspection points sorted by id.
    public let points: [PointInfo]
    /// Routing: category → indexes into `zoneLayers` (kinds without any zone are skipped),
    /// plus the route as written.
    public let rules: [String: RoutingRule]
    let ruleLayers: [String: [Int]]

    /// Each cell's street unit (-1: none), apart from ``cells`` so that routing reads 4 bytes
    /// per order instead of a whole `CellInfo` (a cache miss on a city's cells).
    let cellStreetUnits: [Int32]
    let cellShapes: FlatPolygons
    let cellMetricShapes: FlatPolygons
    let cellGrid: BucketGrid
    /// The cells' EPSG:4549 boxes in a packed R-tree with their rings, for the nearest cell to an uncovered order.
    let cellTree: NearestFeatureTree
    /// Sure answers for most locations (see ``CoverageRaster``); the grid serves the rest.
    let cellRaster: CoverageRaster
    let pointShapes: FlatPolygons
    let pointGrid: BucketGrid
    /// Unit index by id.
    public let unitIndex: [String: Int]

    /// What the index keeps of a cell: its code, names and street unit.
    public struct CellInfo: Sendable {
        public let code: String
        public let name: String
        public let communityName: String
        public let streetName: String
        public let street: String
        public let community: String
        /// The street unit (属地) of the cell's street, if any.
        public let streetUnit: Int?
    }

    public struct ZoneInfo: Sendable {
        public let id: String
        public let kind: String
        public let name: String
        public let unit: Int?
        public let unitID: String
    }

    /// The zones of one kind with their own shapes and grid.
    /// (A class, so routing reads a layer without copying its arrays.)
    public final class ZoneLayer: Sendable {
        public let kind: String
        /// Indexes into `zones`, ascending (so ascending by id).
        let zoneIndexes: [Int]
        let shapes: FlatPolygons
        let grid: BucketGrid
        let raster: CoverageRaster

        init(kind: String, zoneIndexes: [Int], shapes: FlatPolygons, grid: BucketGrid, raster: CoverageRaster) {
            self.kind = kind; self.zoneIndexes = zoneIndexes; self.shapes = shapes; self.grid = grid; self.raster = raster
        }
    }

    public struct PointInfo: Sendable {
        public let id: String
        public let name: String
        public let type: String
        public let radiusMetres: Double
        /// Whether the geometry is an area (an order inside it is at distance 0).
        let isAreal: Bool
    }

    /// Whether the cells' coverage raster and nearest-cell entry grid were read from the
    /// `savedCellSearch` bytes given to `init` rather than built (see ``cellSearchImage()``).
    public let reusedCellSearch: Bool
    /// What the cells' raster and entry grid are a function of (``CellSearchImage``).
    let cellSearchFingerprint: ContentHash.Value

    /// Builds the index. Geometries must be in WGS84 lon/lat; metric copies are made with
    /// ``MetricProjection`` (EPSG:4549).
    ///
    /// `savedCellSearch`: bytes of ``cellSearchImage()`` kept from an earlier index. They are
    /// used only when they were built from exactly these cells and are whole; otherwise the
    /// raster and entry grid are built as without them (``reusedCellSearch`` tells which).
    public init(district: District, savedCellSearch: [UInt8]? = nil) throws {
        let projection = try MetricProjection()

        var unitIndex: [String: Int] = [:]
        for (i, u) in district.units.enumerated() where unitIndex[u.id] == nil { unitIndex[u.id] = i }
        var streetUnits: [String: Int] = [:]
        for (i, u) in district.units.enumerated() where !u.area.isEmpty && streetUnits[u.area] == nil {
            streetUnits[u.area] = i
        }
        self.units = district.units
        self.unitIndex = unitIndex

        // A store hands the cells over in code order already: then there is nothing to sort.
        let inCodeOrder = zip(district.cells, district.cells.dropFirst()).allSatisfy { !($1.code < $0.code) }
        let sortedCells = inCodeOrder ? district.cells : district.cells.sorted { $0.code < $1.code }
        var cellShapes = FlatPolygons()
        var cells: [CellInfo] = []
        cells.reserveCapacity(sortedCells.count)
        for c in sortedCells {
            cellShapes.append(c.geometry.polygons ?? [])
            let code = CellCode(c.code), street = code.street
            cells.append(
                CellInfo(
                    code: c.code, name: c.name, communityName: c.communityName,
                    streetName: c.streetName, street: street, community: code.community,
                    streetUnit: streetUnits[street]))
        }
        self.cells = cells
        self.cellStreetUnits = cells.map { Int32($0.streetUnit ?? -1) }
        self.cellShapes = cellShapes
        // The cell raster is the largest piece: without saved bytes, build it on another core meanwhile.
        let finishedShapes = cellShapes
        var rasterBuild = savedCellSearch == nil ? BackgroundValue { CoverageRaster(shapes: finishedShapes) } : nil
        let cellMetricShapes = cellShapes.mapCoordinates { projection.projectOnTwoCores(&$0) }
        self.cellMetricShapes = cellMetricShapes
        let cellTree = NearestFeatureTree(shapes: cellMetricShapes, entryGrid: false)
        self.cellTree = cellTree
        let fingerprint = CellSearchImage.fingerprint(cells: cellShapes, metricCells: cellMetricShapes, tree: cellTree)
        self.cellSearchFingerprint = fingerprint
        var savedRaster: CoverageRaster?
        if let savedCellSearch,
            case .success(let saved) = CellSearchImage.decode(savedCellSearch, fingerprint: fingerprint, featureCount: cells.count, tree: cellTree)
        {
            savedRaster = saved.raster
            cellTree.adoptEntryGrid(saved.grid)
        } else {
            if rasterBuild == nil { rasterBuild = BackgroundValue { CoverageRaster(shapes: finishedShapes) } }
            cellTree.adoptEntryGrid(NearestEntryGrid.build(for: cellTree))
        }
        self.reusedCellSearch = savedRaster != nil
        self.cellGrid = BucketGrid(boxes: cellShapes.boxes)

        let sortedZones = district.zones.sorted { ($0.kind, $0.id) < ($1.kind, $1.id) }
        self.zones = sortedZones.map {
            ZoneInfo(id: $0.id, kind: $0.kind, name: $0.name, unit: unitIndex[$0.unit], unitID: $0.unit)
        }
        var layers: [ZoneLayer] = []
        var kindStart = 0
        while kindStart < sortedZones.count {
            let kind = sortedZones[kindStart].kind
            var end = kindStart
            var shapes = FlatPolygons()
            while end < sortedZones.count && sortedZones[end].kind == kind {
                shapes.append(sortedZones[end].geometry.polygons ?? [])
                end += 1
            }
            // Zones are few and large: the raster's resolution follows the cells' instead.
            let pixels = Double(max(sortedCells.count, 1)) * 8 / Double(max(shapes.count, 1))
            layers.append(
                ZoneLayer(
                    kind: kind, zoneIndexes: Array(kindStart ..< end), shapes: shapes,
                    grid: BucketGrid(boxes: shapes.boxes, bucketsPerFeature: 16),
                    raster: CoverageRaster(shapes: shapes, pixelsPerFeature: pixels, maximumPixels: 1 << 22)))
            kindStart = end
        }
        self.zoneLayers = layers
        let layerByKind = Dictionary(uniqueKeysWithValues: layers.enumerated().map { ($1.kind, $0) })
        var rules: [String: RoutingRule] = [:]
        var ruleLayers: [String: [Int]] = [:]
        for rule in district.rules {
            rules[rule.category] = rule
            ruleLayers[rule.category] = rule.route.compactMap { layerByKind[$0] }
        }
        self.rules = rules
        self.ruleLayers = ruleLayers

        // Inspection points: metric shapes (points as one-vertex rings, lines as open rings),
        // indexed by their lon/lat boxes grown by the radius.
        let sortedPoints = district.points.sorted { $0.id < $1.id }
        var pointShapes = FlatPolygons()
        var pointBoxes: [BoundingBox] = []
        var points: [PointInfo] = []
        for p in sortedPoints {
            let polygons: [Polygon]
            switch p.geometry {
            case .point(let c): polygons = [Polygon(exterior: LinearRing([c]))]
            case .multiPoint(let cs): polygons = cs.map { Polygon(exterior: LinearRing([$0])) }
            case .lineString(let cs): polygons = [Polygon(exterior: LinearRing(cs))]
            case .multiLineString(let ls): polygons = ls.map { Polygon(exterior: LinearRing($0)) }
            case .polygon(let g): polygons = [g]
            case .multiPolygon(let gs): polygons = gs
            }
            pointShapes.append(polygons)
            let box = p.geometry.boundingBox ?? BoundingBox(minX: .nan, minY: .nan, maxX: .nan, maxY: .nan)
            let window = DegreeWindow(metres: p.radiusMetres, latitude: max(abs(box.minY), abs(box.maxY)))
            pointBoxes.append(box.expanded(dx: window.dLon, dy: window.dLat))
            points.append(
                PointInfo(
                    id: p.id, name: p.name, type: p.type, radiusMetres: p.radiusMetres,
                    isAreal: p.geometry.polygons != nil))
        }
        self.points = points
        self.pointShapes = pointShapes.mapCoordinates { projection.project(&$0) }
        self.pointGrid = BucketGrid(boxes: pointBoxes, bucketsPerFeature: 64)
        self.cellRaster = savedRaster ?? rasterBuild!.value
    }

    /// The cells' coverage raster and nearest-cell entry grid as bytes to keep beside the
    /// cells and give to a later `init` (``CellSearchImage``): a few megabytes for a city.
    public func cellSearchImage() -> [UInt8] {
        CellSearchImage.encode(fingerprint: cellSearchFingerprint, raster: cellRaster, grid: cellTree.storage.entryGrid)
    }

    /// The zone layers to try for `category`, resolved once so a batch of orders does not
    /// look the category up again for every order.
    public func categoryRoute(for category: String) -> CategoryRoute {
        CategoryRoute(layers: ruleLayers[category] ?? [], hasRule: ruleLayers[category] != nil)
    }
}

/// The zone layers a category's orders try, in order (see ``DistrictIndex/categoryRoute(for:)``).
public struct CategoryRoute: Sendable {
    let layers: [Int]
    /// Whether the category has a routing rule (without one, orders go to the street unit).
    public let hasRule: Bool
}

/// A conservative conversion of a distance in metres to degrees at a latitude: the window
/// is never smaller than the true one. It over-estimates by using 110,000 m per degree of
/// latitude (true: 110,574–111,694) and a cosine taken 0.5° poleward for longitude; EPSG:4549
/// distances are never shorter than true ones near Shanghai (scale factor ≥ 1), so a window
/// made from a projected distance also covers it.
struct DegreeWindow {
    let dLon: Double
    let dLat: Double

    init(metres: Double, latitude: Double) {
        dLat = metres / 110_000
        let cosine = cos(min(89.0, abs(latitude) + 0.5) * .pi / 180)
        dLon = metres / (111_000 * cosine)
    }
}

extension DistrictIndex {
    /// The extent of the cell grid (all cells), in lon/lat.
    public var cellGridExtent: BoundingBox { cellGrid.extent }
}

extension DistrictIndex {
    /// The share of the cell raster's pixels that answer without an exact test.
    public var cellRasterDecidedShare: Double { cellRaster.decidedShare }
}

extension DistrictIndex {
    /// Each cell's area (m²) and area centroid (x, y) in EPSG:4549 metres, in `cells` order:
    /// the shoelace formula over every ring, holes (clockwise relative to their shell)
    /// subtracting, parts of a multipolygon adding. Used as the sites of hot-spot statistics.
    public func cellCentroidsMetres() -> [(area: Double, x: Double, y: Double)] {
        (0 ..< cells.count).map { cellMetricShapes.areaCentroid(of: $0) }
    }
}

extension FlatPolygons {
    /// Area and area centroid of a feature (planar units of the stored coordinates). Each
    /// polygon's exterior counts positive and its holes negative, whatever their orientation.
    func areaCentroid(of feature: Int) -> (area: Double, x: Double, y: Double) {
        var shape = AreaCentroid()
        for g in Int(featureStart[feature]) ..< Int(featureStart[feature + 1]) {
            for r in Int(polygonStart[g]) ..< Int(polygonStart[g + 1]) {
                let start = Int(ringStart[r]), end = Int(ringStart[r + 1])
                shape.addRing(count: end - start, hole: r != Int(polygonStart[g])) { (xs[start + $0], ys[start + $0]) }
            }
        }
        guard shape.area > 0 else { return (0, .nan, .nan) }
        return (shape.area, shape.x, shape.y)
    }
}

extension DistrictIndex {
    /// The extent of all cells in EPSG:4549 metres (nil without cells).
    public var cellExtentMetres: BoundingBox? {
        var extent: BoundingBox?
        for b in cellMetricShapes.boxes where b.minX.isFinite && b.maxX.isFinite {
            if extent == nil { extent = b } else { extent!.include(b) }
        }
        return extent
    }
}
