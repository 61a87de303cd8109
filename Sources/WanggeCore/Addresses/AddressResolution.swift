/// The answer of ``AddressResolver`` for one order: where its address is, how that was found,
/// or why it goes to manual dispatch, with up to 3 scored candidates.
public struct AddressResolution: Hashable, Sendable {
    /// How a located order was found (the assignment output's `located_by`).
    public enum LocatedBy: String, Hashable, Sendable {
        /// The order's shop code (汇商码) is a shop's id.
        case shop
        /// A place's code or name.
        case place
        /// Road and number (or the lane the number lies in).
        case address
        /// The nearest existing number of the same parity on the road (``AddressResolution/gap`` away).
        case interpolated
    }

    /// The kind of answer.
    public enum Outcome: Hashable, Sendable {
        /// A standard address was found: ``AddressResolution/match`` and its point.
        case located(LocatedBy)
        /// Only the road was given and it lies in one street: the street unit answers.
        case street(String)
        /// Several entries fit equally: manual dispatch, with candidates.
        case ambiguous
        /// Nothing fits: manual dispatch, with candidates when some come close.
        case unmatched
    }

    /// Why an order was not located (or was answered at street level only).
    public enum Reason: String, Hashable, Sendable {
        /// No address text and no code.
        case empty
        /// A code was given and no shop or place has it, and there was no usable address.
        case unknownCode = "unknown_code"
        /// The text names no road of the layer and no place.
        case unknownRoad = "unknown_road"
        /// Road without a number; the road crosses streets.
        case roadOnly = "road_only"
        /// Road without a number; the road lies in one street (outcome ``Outcome/street(_:)``).
        case roadInOneStreet = "road_in_one_street"
        /// The road has no door of that parity within the interpolation limit.
        case numberNotFound = "number_not_found"
        /// Several places or shops share the name, or contain it.
        case ambiguousPlace = "ambiguous_place"
    }

    /// A possible answer offered to the dispatcher, with a score in [0, 1] (see ``AddressResolver``).
    public struct Candidate: Hashable, Sendable {
        public var address: StandardAddress
        public var score: Double
        public init(address: StandardAddress, score: Double) { self.address = address; self.score = score }
    }

    public var outcome: Outcome
    /// The matched standard address (located outcomes only).
    public var match: StandardAddress?
    /// For ``LocatedBy/interpolated``: how far the asked road number is from the matched one (|asked − found|).
    public var gap: Int?
    /// Why the order was not located; nil when it was.
    public var reason: Reason?
    /// Up to 3 candidates, best score first, ties by id (ambiguous and unmatched outcomes).
    public var candidates: [Candidate]
    /// The normalised address (empty when the order gave only a code).
    public var normalized: NormalizedAddress

    public init(
        outcome: Outcome, match: StandardAddress? = nil, gap: Int? = nil, reason: Reason? = nil,
        candidates: [Candidate] = [], normalized: NormalizedAddress
    ) {
        self.outcome = outcome; self.match = match; self.gap = gap; self.reason = reason
        self.candidates = candidates; self.normalized = normalized
    }

    /// How the order was located, or nil (the output's `located_by` is then empty).
    public var locatedBy: LocatedBy? {
        if case .located(let by) = outcome { return by }
        return nil
    }

    /// The located point, WGS84.
    public var point: Coordinate? { match?.point }

    /// The street code of a street-level answer, or of the matched address.
    public var street: String? {
        if case .street(let code) = outcome { return code }
        return match.flatMap { $0.street.isEmpty ? nil : $0.street }
    }

    /// Whether the order goes to the manual-dispatch list.
    public var needsManualDispatch: Bool {
        switch outcome {
        case .located, .street: return false
        case .ambiguous, .unmatched: return true
        }
    }
}
