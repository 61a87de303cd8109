import Foundation

/// Routes orders by their address when their coordinates cannot be used, and checks the
/// address of orders that have coordinates: the standard address layer (``AddressIndex``)
/// bound to a district (``DistrictIndex``). Built once, shared read-only by every thread.
///
/// Per order (see ``AddressResolver`` for the match order):
/// - usable coordinates: routed by them (`located_by` `coordinates`); when the order also has
///   an address (or code) that resolves to a point more than ``farMetres`` away, the
///   coordinates are kept and the order is flagged `address_far` (a common symptom of GCJ-02
///   sent as WGS84);
/// - no usable coordinates, an address or code: a located address is routed at its point
///   like coordinates (`located_by` `shop`, `place`, `address` or `interpolated`, `match` its
///   id); a road lying in one street goes to that street's unit (status `inside`, no cell,
///   route `street`, `located_by` empty); ambiguous and unmatched addresses are `invalid`,
///   with the resolver's reason and up to 3 candidates, for manual dispatch;
/// - neither: `invalid` for the coordinates' own reason, as before.
public struct AddressRouting: Sendable {
    public let resolver: AddressResolver
    /// Beyond this distance (metres) between an order's coordinates and its resolved address,
    /// the order is flagged `address_far` (default 300; 0 or less: never checked).
    public let farMetres: Double
    /// The street unit of each street code, from the district's cells.
    let streetUnits: [String: Int]

    /// The order columns holding a shop or place code (汇商码 or the layer's place id), tried in
    /// this order; `address` holds the address text.
    public static let codeColumns = ["shop", "place", "code"]
    public static let addressColumn = "address"

    /// Binds `addresses` to `district`: the normaliser drops the district's own names (its city
    /// and county from the cells' codes, ``AdministrativeNames``; its streets and communities).
    public init(addresses: [StandardAddress], district: DistrictIndex, farMetres: Double = 300, maxInterpolationGap: Int = 20) {
        self.init(index: AddressIndex(addresses), district: district, farMetres: farMetres, maxInterpolationGap: maxInterpolationGap)
    }

    public init(index: AddressIndex, district: DistrictIndex, farMetres: Double = 300, maxInterpolationGap: Int = 20) {
        resolver = AddressResolver(
            index: index, normalizer: AdministrativeNames.normalizer(for: district),
            maxInterpolationGap: maxInterpolationGap)
        self.farMetres = farMetres
        var units: [String: Int] = [:]
        for c in district.cells where units[c.street] == nil { if let u = c.streetUnit { units[c.street] = u } }
        streetUnits = units
    }

    /// Whether the layer is empty (then nothing is resolved).
    public var isEmpty: Bool { resolver.index.addresses.isEmpty }

    /// How an order was located, for the output's trailing columns.
    public struct Located: Sendable, Equatable {
        /// `coordinates`, `shop`, `place`, `address`, `interpolated` or empty.
        public var locatedBy: String
        /// The matched standard address id; `address_far:<id>` for an order kept at its
        /// coordinates whose address resolves farther than ``AddressRouting/farMetres``.
        public var match: String
        public init(locatedBy: String = "", match: String = "") { self.locatedBy = locatedBy; self.match = match }

        /// Whether the order was flagged `address_far`.
        public var isAddressFar: Bool { match.hasPrefix("address_far:") }
    }

    /// Routes an order whose coordinates gave `byCoordinates`. Orders with usable coordinates
    /// keep that assignment; others are resolved by `address` / `code` (either may be empty).
    public func route(
        _ byCoordinates: Assignment, address: String, code: String, route: CategoryRoute,
        router: OrderRouter
    ) -> (Assignment, Located) {
        let hasAddress = !Self.isBlank(address) || !Self.isBlank(code)
        if byCoordinates.status != .invalid {
            guard hasAddress, farMetres > 0, !isEmpty, let location = byCoordinates.location else {
                return (byCoordinates, Located(locatedBy: "coordinates"))
            }
            let r = resolver.resolve(address: address, code: code)
            if let match = r.match, Self.metres(location, match.point) > farMetres {
                return (byCoordinates, Located(locatedBy: "coordinates", match: "address_far:" + match.id))
            }
            return (byCoordinates, Located(locatedBy: "coordinates"))
        }
        guard hasAddress else { return (byCoordinates, Located()) }
        let r = resolver.resolve(address: address, code: code)
        if let by = r.locatedBy, let match = r.match {
            let a = router.assign(wgs84: match.point, route: route)
            return (a, Located(locatedBy: by.rawValue, match: match.id))
        }
        if case .street(let street) = r.outcome {
            if let unit = streetUnits[street] {
                var a = Assignment(status: .inside)
                a.unit = unit
                a.route = .street
                a.categoryHasNoRule = !route.hasRule
                return (a, Located())
            }
            var a = byCoordinates
            a.invalidReason = "address \"\(address)\": the road lies in street \(street), which has no unit"
            return (a, Located())
        }
        var a = byCoordinates
        a.invalidReason = Self.manualReason(r, address: address, code: code, coordinates: byCoordinates.invalidReason)
        return (a, Located())
    }

    /// The manual-dispatch reason of an address not located: the coordinates' problem, the
    /// resolver's reason and up to 3 candidates with their scores.
    public static func manualReason(_ r: AddressResolution, address: String, code: String, coordinates: String?) -> String {
        var text = ""
        if let coordinates { text = coordinates + "; " }
        let asked = Self.isBlank(address) ? "code \"\(code)\"" : "address \"\(address)\""
        text += "\(asked) not located: \(r.reason?.rawValue ?? (r.outcome == .ambiguous ? "ambiguous" : "unmatched"))"
        if !r.candidates.isEmpty {
            text += "; candidates: " + r.candidates.map { "\($0.address.id) \($0.address.label) (\(score($0.score)))" }.joined(separator: ", ")
        }
        return text
    }

    /// Whether a field holds nothing but spaces.
    static func isBlank(_ text: String) -> Bool { text.unicodeScalars.allSatisfy { $0.properties.isWhitespace } }

    /// A score with two decimals.
    public static func score(_ s: Double) -> String {
        let h = Int((s * 100).rounded())
        return "\(h / 100).\(h % 100 < 10 ? "0" : "")\(h % 100)"
    }

    /// Great-circle distance in metres (spherical, R = 6,371,008.8 m): within 0.5 % of the
    /// ellipsoid, ample for a 300 m limit.
    public static func metres(_ a: Coordinate, _ b: Coordinate) -> Double {
        let r = 6_371_008.8, rad = Double.pi / 180
        let dLat = (b.y - a.y) * rad, dLon = (b.x - a.x) * rad
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.y * rad) * cos(b.y * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * r * asin(min(1, h.squareRoot()))
    }
}

/// The names an address may start with that belong to a district: `上海市` and the county
/// (区) named by the first 6 digits of the cells' codes (GB/T 2260), with the streets/towns and
/// communities of its cells. Only Shanghai's counties are known; elsewhere the county prefix
/// is kept (the address then names no known road, and goes to manual dispatch).
public enum AdministrativeNames {
    /// Shanghai's county-level divisions by code.
    public static let shanghaiCounties: [String: String] = [
        "310101": "黄浦区", "310104": "徐汇区", "310105": "长宁区", "310106": "静安区", "310107": "普陀区",
        "310109": "虹口区", "310110": "杨浦区", "310112": "闵行区", "310113": "宝山区", "310114": "嘉定区",
        "310115": "浦东新区", "310116": "金山区", "310117": "松江区", "310118": "青浦区", "310120": "奉贤区",
        "310151": "崇明区",
    ]

    /// The normaliser of a district's addresses.
    public static func normalizer(for district: DistrictIndex) -> AddressNormalizer {
        var counties = Set<String>(), streets = Set<String>(), communities = Set<String>()
        var shanghai = false
        for c in district.cells {
            if let county = shanghaiCounties[String(c.code.prefix(6))] { counties.insert(county); shanghai = true }
            if !c.streetName.isEmpty { streets.insert(c.streetName) }
            if !c.communityName.isEmpty { communities.insert(c.communityName) }
        }
        return AddressNormalizer(
            cityNames: shanghai ? ["上海市"] : [], districtNames: counties.sorted(),
            streetNames: streets.sorted(), communityNames: communities.sorted())
    }
}

extension AssignmentRow {
    /// The trailing columns of the assignment output: `located_by` and `match` (``AddressRouting/Located``).
    public static let locationHeader = ["located_by", "match"]
}
