import Foundation

/// The figures of ``AddressIndex/benchmark(addresses:queries:seed:)``.
public struct AddressBenchmark: Sendable, CustomStringConvertible {
    /// Entries in the synthetic layer (doors, lane doors, places, shops).
    public var addresses: Int
    /// Address texts resolved.
    public var queries: Int
    /// Seconds to build the ``AddressIndex`` (one thread).
    public var buildSeconds: Double
    /// Seconds to resolve every query (one thread, normalisation included), by the wall clock.
    public var resolveSeconds: Double
    /// The resolving thread's CPU seconds for the same work (the figure that other load on
    /// the machine does not inflate).
    public var resolveCPUSeconds: Double
    /// Resolutions by `located_by`, or by outcome when not located (`street`, `ambiguous`, `unmatched`).
    public var outcomes: [String: Int]

    /// Queries resolved per second on one core, by the wall clock.
    public var addressesPerSecond: Double { Double(queries) / resolveSeconds }
    /// Queries resolved per CPU second of the resolving thread.
    public var addressesPerCPUSecond: Double { Double(queries) / resolveCPUSeconds }

    public var description: String {
        let parts = outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "address matching: \(addresses) standard addresses, index built in \(Self.format(buildSeconds * 1000)) ms; "
            + "\(queries) addresses resolved in \(Self.format(resolveSeconds)) s on one core = "
            + "\(Int(addressesPerSecond.rounded())) addresses/s (CPU \(Self.format(resolveCPUSeconds)) s = "
            + "\(Int(addressesPerCPUSecond.rounded())) addresses per CPU second; \(parts))"
    }

    private static func format(_ x: Double) -> String {
        let r = (x * 1000).rounded() / 1000
        return "\(r)"
    }
}

extension AddressIndex {
    /// Measures matching on one core against a synthetic layer of `addresses` standard
    /// addresses (a realistic district holds about 200,000): about 1 road per 100 entries with
    /// doors on both sides (odd left, even right), lanes with doors inside, shops and places,
    /// over 12 streets. The `queries` texts are a deterministic mix — clean road and number
    /// (35 %), city/district/street prefixes (15 %), Chinese numerals (10 %), full-width digits
    /// (5 %), trailing locatives (10 %), lane and building forms (10 %), numbers the layer
    /// lacks (5 %), place names (4 %), shop codes (3 %), unknown roads (3 %) — made before the
    /// clock starts. Building the index and resolving are timed separately.
    public static func benchmark(addresses count: Int = 200_000, queries: Int = 200_000, seed: UInt64 = 1) -> AddressBenchmark {
        var rng = Generator(state: seed)
        let pool = Array("安宝昌丰富光广海和华吉嘉江金锦康乐联临龙民南宁平浦祁庆瑞森山盛顺泰通同万文武西祥新兴延阳怡永友育元云长振中".unicodeScalars)
        let brands = ["好德便利店", "联华超市", "罗森", "来伊份", "巴比馒头", "鲜丰水果"]
        var layer: [StandardAddress] = []
        layer.reserveCapacity(count + 200)
        var roads: [String] = []
        var numbersOfRoad: [[String]] = []
        var lanesOfRoad: [[(Int, Int)]] = []
        var places: [String] = []
        var shops: [String] = []
        var usedRoads = Set<String>()
        var id = 0
        func nextID(_ prefix: String) -> String { id += 1; return "\(prefix)\(id)" }
        while layer.count < count {
            var name = ""
            repeat {
                var view = String.UnicodeScalarView()
                for _ in 0 ..< (usedRoads.count < 2000 ? 2 : 3) { view.append(pool[Int(rng.next() % UInt64(pool.count))]) }
                name = String(view) + (rng.next() % 4 == 0 ? "街" : "路")
            } while usedRoads.contains(name)
            usedRoads.insert(name)
            roads.append(name)
            let streetNumber = Int(rng.next() % 12) + 1
            let street = "310199" + (streetNumber < 10 ? "00" : "0") + String(streetNumber)
            let x0 = 121.2 + Double(rng.next() % 10_000) * 0.00005, y0 = 31.0 + Double(rng.next() % 10_000) * 0.00005
            var numbers: [String] = [], lanes: [(Int, Int)] = []
            for k in 0 ..< 45 where layer.count < count {
                for number in [2 * k + 1, 2 * k + 2] {
                    let r = rng.next() % 100
                    let p = Coordinate(x0 + Double(k) * 0.00015, y0 + (number % 2 == 0 ? 0.0001 : 0))
                    if r < 8 { continue }
                    if r < 14 {
                        let inner = Int(rng.next() % 6) + 3
                        for j in 1 ... inner {
                            layer.append(
                                StandardAddress(
                                    id: nextID("D"), kind: .door, road: name, numberText: "\(number)弄\(j)号",
                                    number: AddressNumber(lane: number, house: j), street: street, point: p))
                        }
                        lanes.append((number, inner))
                        continue
                    }
                    layer.append(
                        StandardAddress(
                            id: nextID("D"), kind: .door, road: name, numberText: "\(number)号",
                            number: AddressNumber(house: number), street: street, point: p))
                    numbers.append("\(number)")
                    if r == 99 {
                        let shop = nextID("HS")
                        layer.append(
                            StandardAddress(
                                id: shop, kind: .shop, name: "\(brands[Int(rng.next() % 6)])(\(name)\(number)号店)",
                                road: name, numberText: "\(number)号", street: street, point: p))
                        shops.append(shop)
                    } else if r == 98 {
                        let place = "\(name)\(["小区", "花园", "新村", "菜市场", "公园"][Int(rng.next() % 5)])\(number)"
                        layer.append(StandardAddress(id: nextID("P"), kind: .place, name: place, street: street, point: p))
                        places.append(place)
                    }
                }
            }
            numbersOfRoad.append(numbers)
            lanesOfRoad.append(lanes)
        }
        let streets = (1 ... 12).map { "第\($0)街道" }
        let normalizer = AddressNormalizer(cityNames: ["上海市"], districtNames: ["基准区"], streetNames: streets)
        let locatives = ["旁", "对面", "附近", "门口", "东侧", "路口", "楼下"]
        var texts: [(String, String)] = []
        texts.reserveCapacity(queries)
        while texts.count < queries {
            let r = Int(rng.next() % 100)
            let road = Int(rng.next() % UInt64(roads.count))
            let numbers = numbersOfRoad[road], name = roads[road]
            guard !numbers.isEmpty else { continue }
            let number = numbers[Int(rng.next() % UInt64(numbers.count))]
            switch r {
            case 0 ..< 35: texts.append((name + number + "号", ""))
            case 35 ..< 50: texts.append(("上海市基准区" + streets[Int(rng.next() % 12)] + name + number + "号", ""))
            case 50 ..< 60: texts.append((name + Self.chinese(Int(number)!) + "号", ""))
            case 60 ..< 65: texts.append((name + String(number.unicodeScalars.map { Character(Unicode.Scalar($0.value + 0xFEE0)!) }) + "号", ""))
            case 65 ..< 75: texts.append((name + number + "号" + locatives[Int(rng.next() % 7)], ""))
            case 75 ..< 85:
                if let lane = lanesOfRoad[road].first { texts.append((name + "\(lane.0)弄\(Int(rng.next() % UInt64(lane.1)) + 1)号楼", "")) }
            case 85 ..< 90: texts.append((name + "\(91 + Int(rng.next() % 10))号", ""))  // past the last door: interpolated
            case 90 ..< 94: if !places.isEmpty { texts.append((places[Int(rng.next() % UInt64(places.count))] + "门口", "")) }
            case 94 ..< 97: if !shops.isEmpty { texts.append(("", shops[Int(rng.next() % UInt64(shops.count))])) }
            default: texts.append(("测试" + name + number + "号", ""))
            }
        }
        let clock = ContinuousClock()
        var index: AddressIndex? = nil
        let build = clock.measure { index = AddressIndex(layer) }
        let resolver = AddressResolver(index: index!, normalizer: normalizer)
        var outcomes: [String: Int] = [:]
        var tally = [Int](repeating: 0, count: 8)
        let cpuStart = Self.threadCPUSeconds()
        let resolve = clock.measure {
            for (address, code) in texts {
                let result = resolver.resolve(address: address, code: code)
                switch result.outcome {
                case .located(let by):
                    switch by {
                    case .shop: tally[0] += 1;
                    case .place: tally[1] += 1;
                    case .address: tally[2] += 1;
                    case .interpolated: tally[3] += 1
                    }
                case .street: tally[4] += 1
                case .ambiguous: tally[5] += 1
                case .unmatched: tally[6] += 1
                }
            }
        }
        let cpu = Self.threadCPUSeconds() - cpuStart
        for (i, key) in ["shop", "place", "address", "interpolated", "street", "ambiguous", "unmatched"].enumerated() where tally[i] > 0 {
            outcomes[key] = tally[i]
        }
        return AddressBenchmark(
            addresses: layer.count, queries: texts.count, buildSeconds: Self.seconds(build),
            resolveSeconds: Self.seconds(resolve), resolveCPUSeconds: cpu, outcomes: outcomes)
    }

    /// The calling thread's CPU time in seconds.
    private static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// `n` (1…9999) in Chinese numerals: 12 → 十二, 105 → 一百零五.
    private static func chinese(_ n: Int) -> String {
        let digits = Array("零一二三四五六七八九")
        var out = "", zero = false
        for (unit, name) in [(1000, "千"), (100, "百"), (10, "十"), (1, "")] {
            let d = n / unit % 10
            if d == 0 { zero = !out.isEmpty; continue }
            if zero { out += "零"; zero = false }
            if !(unit == 10 && d == 1 && out.isEmpty) { out.append(digits[d]) }
            out += name
        }
        return out
    }

    /// SplitMix64: a small deterministic generator.
    private struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
