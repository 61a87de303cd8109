/// How an order's location relates to the grid.
public enum AssignmentStatus: String, Sendable, CaseIterable {
    /// Covered by its cell and strictly inside every covering cell.
    case inside
    /// On the boundary of a covering cell: a shared edge or vertex, or the district outline.
    case boundary
    /// Covered by no cell; the nearest cell lies within the snap distance and is used.
    case snapped
    /// Covered by no cell and farther than the snap distance from every cell.
    case outside
    /// Unusable coordinates: unparseable, NaN, infinite, out of range or in an unknown CRS.
    case invalid

    /// The position in ``allCases`` (the declaration order), without a search: per-status
    /// tallies and tables are arrays indexed by it.
    var ordinal: Int {
        switch self {
        case .inside: 0
        case .boundary: 1
        case .snapped: 2
        case .outside: 3
        case .invalid: 4
        }
    }
}

/// Where the responsible unit came from.
public enum RouteSource: Equatable, Sendable {
    /// A zone of the layer at this index of ``DistrictIndex/zoneLayers``.
    case zone(layer: Int)
    /// The street unit of the order's cell (属地兜底).
    case street
    /// No unit found.
    case none
}

/// The answer for one work order. Indexes point into the ``DistrictIndex`` it came from.
public struct Assignment: Sendable {
    public var status: AssignmentStatus
    /// The WGS84 location the order was routed at (nil when invalid).
    public var location: Coordinate?
    /// The primary cell: the smallest covering code, or the nearest cell when snapped.
    public var cell: Int?
    /// Further covering cells beyond the primary, ascending (empty for the common single cover).
    public var otherCoveringCells: [Int] = []
    public var unit: Int?
    public var route: RouteSource = .none
    public var zone: Int?
    /// 0 when covered; metres to the nearest cell otherwise (nil when invalid or unmeasurable).
    public var distanceMetres: Double?
    /// Inspection points within their radius, ascending by id.
    public var points: [Int] = []
    /// Why the coordinates were unusable.
    public var invalidReason: String?
    /// The order's category has no routing rule and the order has a cell (routed by street
    /// fallback); false for outside and invalid orders, which go to manual dispatch.
    public var categoryHasNoRule = false

    public init(status: AssignmentStatus) { self.status = status }

    /// Every covering cell, ascending (empty when snapped, outside or invalid).
    public var coveringCells: [Int] {
        guard status == .inside || status == .boundary, let cell else { return [] }
        return [cell] + otherCoveringCells
    }
}

extension Assignment {
    /// Why the order needs manual dispatch (人工派遣), or nil when it has a responsible unit:
    /// unusable coordinates (`invalid`, with their reason), outside the district grid (with the
    /// distance to the nearest cell), or in the grid with no unit (no zone of its category's
    /// route covers it and its street has no unit). The `manual_dispatch` query spells the same
    /// reasons from the stored columns.
    public func manualDispatchReason(in index: DistrictIndex) -> String? {
        guard unit == nil else { return nil }
        switch status {
        case .invalid: return invalidReason ?? "unusable coordinates"
        case .outside: return Self.outsideReason(distanceMetres: distanceMetres)
        case .inside, .boundary, .snapped:
            let street = cell.map { index.cells[$0].street } ?? ""
            return Self.noUnitReason(street: street)
        }
    }

    /// "outside the district grid (N m from the nearest cell)", N to the decimetre of the
    /// millimetre-rounded distance (as stored); without a distance (no cells) it says so.
    public static func outsideReason(distanceMetres: Double?) -> String {
        guard let d = distanceMetres, d.isFinite else { return "outside the district grid (no cell to measure from)" }
        let decimetres = Int64(((d * 1000).rounded() / 1000 * 10).rounded())
        return "outside the district grid (\(decimetres / 10).\(decimetres % 10) m from the nearest cell)"
    }

    /// The reason of an order in the grid without a responsible unit.
    public static func noUnitReason(street: String) -> String {
        "no responsible unit (no zone of the category's route covers it and street \(street) has no unit)"
    }
}
