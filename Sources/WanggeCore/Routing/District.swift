import Foundation

/// A unit grid cell (单元网格). Its 15-character code is the 9-character official
/// street/town code, a 3-character community number and a 3-character sequence.
public struct Cell: Hashable, Sendable {
    public var code: String
    public var name: String
    public var communityName: String
    public var streetName: String
    public var geometry: Geometry

    public init(code: String, name: String = "", communityName: String = "", streetName: String = "", geometry: Geometry) {
        self.code = code; self.name = name; self.communityName = communityName
        self.streetName = streetName; self.geometry = geometry
    }

    /// The official street/town code: the first 9 characters of the cell code (``CellCode``).
    public var streetCode: String { CellCode(code).street }
    /// The community code: the first 12 characters of the cell code (``CellCode``).
    public var communityCode: String { CellCode(code).community }

    /// Whether `code` is a well-formed cell code: exactly 15 characters of `[0-9A-Z]` (``CellCode/problem(_:)``).
    public static func isValidCode(_ code: String) -> Bool { CellCode(validating: code) != nil }
}

/// A responsibility zone (责任区) of a line unit: a 城管中队 area, a 河长 river section, a market
/// surrounding, a property compound. Zones of different kinds overlap freely.
public struct Zone: Hashable, Sendable {
    public var id: String
    public var kind: String
    public var unit: String
    public var name: String
    public var geometry: Geometry

    public init(id: String, kind: String, unit: String, name: String = "", geometry: Geometry) {
        self.id = id; self.kind = kind; self.unit = unit; self.name = name; self.geometry = geometry
    }
}

/// A responsible unit. Street units carry the 9-digit street code they answer for in `area`
/// and catch every order no line unit covers (属地兜底).
public struct ResponsibleUnit: Hashable, Sendable {
    public var id: String
    public var name: String
    public var kind: String
    public var area: String
    /// Hours allowed to rectify an order (default 72: the 3-day rule).
    public var slaHours: Double

    public init(id: String, name: String, kind: String, area: String = "", slaHours: Double = 72) {
        self.id = id; self.name = name; self.kind = kind; self.area = area; self.slaHours = slaHours
    }
}

/// Routing for one category: the zone kinds to try, in order, before the street fallback.
public struct RoutingRule: Hashable, Sendable {
    public var category: String
    public var route: [String]

    public init(category: String, route: [String]) {
        self.category = category; self.route = route
    }

    /// Parses the `market>squad` form; an empty string means street fallback only.
    public init(category: String, routeText: String) {
        self.category = category
        self.route = routeText.split(separator: ">").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The `market>squad` form.
    public var routeText: String { route.joined(separator: ">") }
}

/// An inspection point (测评点位) of a 文明城区 campaign: a market, key road, intersection…
/// An order within `radiusMetres` of its geometry touches it.
public struct InspectionPoint: Hashable, Sendable {
    public var id: String
    public var name: String
    public var type: String
    public var radiusMetres: Double
    public var geometry: Geometry

    public init(id: String, name: String, type: String, radiusMetres: Double, geometry: Geometry) {
        self.id = id; self.name = name; self.type = type; self.radiusMetres = radiusMetres; self.geometry = geometry
    }
}

/// Every layer needed to route orders in one district.
public struct District: Sendable {
    public var cells: [Cell]
    public var zones: [Zone]
    public var units: [ResponsibleUnit]
    public var rules: [RoutingRule]
    public var points: [InspectionPoint]

    public init(
        cells: [Cell] = [], zones: [Zone] = [], units: [ResponsibleUnit] = [],
        rules: [RoutingRule] = [], points: [InspectionPoint] = []
    ) {
        self.cells = cells; self.zones = zones; self.units = units; self.rules = rules; self.points = points
    }
}
