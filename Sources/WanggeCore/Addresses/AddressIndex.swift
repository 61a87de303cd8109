/// The standard address layer arranged for lookups; built once, shared read-only (Sendable)
/// by every thread that resolves orders. See ``AddressResolver`` for the match order.
///
/// Only doors are found by road and number; places and shops by code (their id) and name.
/// Where several doors share a road and number, the smallest id answers.
public struct AddressIndex: Sendable {
    /// The layer, in the order given.
    public let addresses: [StandardAddress]

    /// A door's exact key: road, road number, sub-lane, number inside (−1 for none).
    struct DoorKey: Hashable {
        var road: Int32, number: Int32, subLane: Int32, inner: Int32
    }

    /// A road-level number and the entry standing for it: the door with exactly that number
    /// (`200弄` or `200号`), else the first door inside it by (sub-lane, inner number, id).
    struct RoadNumber {
        var number: Int32
        var record: Int32
    }

    let roadIDs: [TextKey: Int32]
    let roadNames: [String]
    /// Each road's bigrams, ascending.
    let roadGrams: [[UInt64]]
    /// The one street every door of the road lies in; nil when they lie in several or a door has none.
    let roadStreets: [String?]
    let doors: [DoorKey: Int32]
    /// Per road, `2·road + parity` (0 even, 1 odd): road-level numbers ascending.
    let roadNumbers: [[RoadNumber]]
    let codes: [TextKey: Int32]
    /// Whether some code is this many UTF-8 bytes long (lengths ≥ 64 share the last slot), so
    /// most texts skip the code lookup.
    let codeLengths: [Bool]
    /// Folded place and shop names → their entries, ids ascending.
    let names: [TextKey: [Int32]]
    let nameList: [String]
    /// Folded name → its index in ``nameList``.
    let nameIDs: [TextKey: Int32]
    /// Each name's bigrams, ascending.
    let nameListGrams: [[UInt64]]
    /// Bigram → indices into ``nameList`` / roads holding it (each once, ascending).
    let nameGramIndex: [UInt64: [Int32]]
    let roadGramIndex: [UInt64: [Int32]]

    /// Builds the index. `addresses` should have passed ``AddressLayerDecoder`` (roads and
    /// names folded); doors without a number are ignored.
    public init(_ addresses: [StandardAddress]) {
        self.addresses = addresses
        var roadIDs: [TextKey: Int32] = [:]
        var roadNames: [String] = []
        var streets: [String?] = []
        var streetKnown: [Bool] = []
        var doors: [DoorKey: Int32] = [:]
        var representative: [Int64: (rank: (Int32, Int32), record: Int32)] = [:]
        var codes: [TextKey: Int32] = [:]
        var names: [String: [Int32]] = [:]
        doors.reserveCapacity(addresses.count)
        representative.reserveCapacity(addresses.count)
        for (i, a) in addresses.enumerated() {
            let record = Int32(i)
            switch a.kind {
            case .door:
                guard let n = a.number, let number = n.roadNumber, !a.road.isEmpty else { continue }
                let road: Int32
                let roadKey = TextKey(a.road)
                if let r = roadIDs[roadKey] {
                    road = r
                    if streetKnown[Int(r)] && streets[Int(r)] != a.street { streetKnown[Int(r)] = false }
                } else {
                    road = Int32(roadNames.count)
                    roadIDs[roadKey] = road
                    roadNames.append(a.road)
                    streets.append(a.street)
                    streetKnown.append(!a.street.isEmpty)
                }
                if a.street.isEmpty { streetKnown[Int(road)] = false }
                let key = DoorKey(road: road, number: Int32(number), subLane: Int32(n.subLane ?? -1), inner: Int32(n.innerNumber ?? -1))
                if let old = doors[key] {
                    if a.id < addresses[Int(old)].id { doors[key] = record }
                } else {
                    doors[key] = record
                }
                let rank = (key.subLane, key.inner)
                let slot = Int64(road) << 32 | Int64(number)
                if let old = representative[slot] {
                    if rank < old.rank || (rank == old.rank && a.id < addresses[Int(old.record)].id) {
                        representative[slot] = (rank, record)
                    }
                } else {
                    representative[slot] = (rank, record)
                }
            case .place, .shop:
                let code = TextKey(a.id)
                if let old = codes[code] { if a.id < addresses[Int(old)].id { codes[code] = record } } else { codes[code] = record }
                if !a.name.isEmpty { names[a.name, default: []].append(record) }
            }
        }
        var roadNumbers = [[RoadNumber]](repeating: [], count: roadNames.count * 2)
        for (slot, value) in representative {
            let road = Int(slot >> 32), number = Int32(truncatingIfNeeded: slot)
            roadNumbers[2 * road + Int(number & 1)].append(RoadNumber(number: number, record: value.record))
        }
        for i in roadNumbers.indices { roadNumbers[i].sort { $0.number < $1.number } }
        for key in names.keys { names[key]!.sort { addresses[Int($0)].id < addresses[Int($1)].id } }
        let nameList = names.keys.sorted()
        let nameListGrams = nameList.map { AddressText.bigrams(Array($0.unicodeScalars)[...]).sorted() }
        let roadGrams = roadNames.map { AddressText.bigrams(Array($0.unicodeScalars)[...]).sorted() }
        self.roadIDs = roadIDs
        self.roadNames = roadNames
        self.roadGrams = roadGrams
        self.roadStreets = zip(streets, streetKnown).map { $1 ? $0 : nil }
        self.doors = doors
        self.roadNumbers = roadNumbers
        self.codes = codes
        var lengths = [Bool](repeating: false, count: 65)
        for key in codes.keys { lengths[min(key.bytes.count, 64)] = true }
        self.codeLengths = lengths
        self.names = Dictionary(uniqueKeysWithValues: names.map { (TextKey($0.key), $0.value) })
        self.nameList = nameList
        self.nameIDs = Dictionary(uniqueKeysWithValues: nameList.enumerated().map { (TextKey($1), Int32($0)) })
        self.nameListGrams = nameListGrams
        self.nameGramIndex = Self.postings(nameListGrams)
        self.roadGramIndex = Self.postings(roadGrams)
    }

    private static func postings(_ grams: [[UInt64]]) -> [UInt64: [Int32]] {
        var index: [UInt64: [Int32]] = [:]
        for (i, g) in grams.enumerated() {
            for gram in Set(g) { index[gram, default: []].append(Int32(i)) }
        }
        return index
    }

    /// Whether some code has as many UTF-8 bytes as `scalars` (a cheap test before building a key).
    func mayBeCode(_ scalars: [Unicode.Scalar]) -> Bool {
        var n = 0
        for s in scalars { n += s.value < 0x80 ? 1 : s.value < 0x800 ? 2 : s.value < 0x10000 ? 3 : 4 }
        return codeLengths[min(n, 64)]
    }

    /// The shop or place whose code is `key`, if any.
    func code(_ key: TextKey) -> Int32? {
        codeLengths[min(key.bytes.count, 64)] ? codes[key] : nil
    }

    /// The roads of the layer (the roads of its doors), in first-seen order.
    public var roads: [String] { roadNames }

    /// The street a road lies in entirely, or nil when it crosses streets, has a door without
    /// a street, or is unknown.
    public func street(ofRoad road: String) -> String? {
        roadIDs[TextKey(road)].flatMap { roadStreets[Int($0)] }
    }

    /// The door with exactly this road and number, if any.
    public func door(road: String, number: AddressNumber) -> StandardAddress? {
        guard let r = roadIDs[TextKey(road)], let key = Self.key(road: r, number) else { return nil }
        return doors[key].map { addresses[Int($0)] }
    }

    static func key(road: Int32, _ n: AddressNumber) -> DoorKey? {
        guard let number = n.roadNumber else { return nil }
        return DoorKey(road: road, number: Int32(number), subLane: Int32(n.subLane ?? -1), inner: Int32(n.innerNumber ?? -1))
    }

    /// The entry standing for road-level number `number` on road `road`, if the road has it.
    func roadEntry(road: Int32, number: Int) -> Int32? {
        let list = roadNumbers[2 * Int(road) + (number & 1)]
        let i = Self.lowerBound(list, Int32(number))
        return i < list.count && list[i].number == Int32(number) ? list[i].record : nil
    }

    /// Up to `limit` road-level numbers of the same parity as `number` on `road`, nearest first
    /// (ties: the lower number), with their gaps.
    func nearest(road: Int32, number: Int, limit: Int) -> [(record: Int32, gap: Int)] {
        let list = roadNumbers[2 * Int(road) + (number & 1)]
        var hi = Self.lowerBound(list, Int32(number)), lo = hi - 1
        var out: [(Int32, Int)] = []
        while out.count < limit && (lo >= 0 || hi < list.count) {
            let gapLo = lo >= 0 ? number - Int(list[lo].number) : Int.max
            let gapHi = hi < list.count ? Int(list[hi].number) - number : Int.max
            if gapLo <= gapHi { out.append((list[lo].record, gapLo)); lo -= 1 } else { out.append((list[hi].record, gapHi)); hi += 1 }
        }
        return out
    }

    private static func lowerBound(_ list: [RoadNumber], _ value: Int32) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if list[mid].number < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
