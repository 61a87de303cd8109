/// Finds where an address-only order is, offline and exactly reproducibly, from the standard
/// address layer. Exact semantics — the address is normalised (``AddressNormalizer``), then
/// the first step that answers wins:
///
/// 1. **Code**: the order's shop/place code, else the whole folded address text, is the id
///    of a shop or place → `shop` or `place`.
/// 2. **Road and number** (the road part names a road of the layer's doors and a number follows):
///    a. the door with exactly that road, lane, sub-lane and number → `address`;
///    b. else the entry containing it: the sub-lane (`200弄3支弄`), then the road-level entry
///       with the road number (`200弄12号` → lane `200弄`; `200号` → lane `200弄` when the road
///       has no door `200号`) → `address`;
///    c. else the nearest road-level number of the same parity (odd and even are opposite
///       sides), at most ``maxInterpolationGap`` away, the lower number on a tie →
///       `interpolated`, with the gap;
///    d. else unmatched, `number_not_found`, the 3 nearest same-parity numbers as candidates.
/// 3. **Place name, exact**: a place's or shop's name equals one of
///    ``AddressNormalizer/nameVariants(_:)`` (the whole text with its prefixes and locatives
///    kept, then fewer), then the road part (`朝阳小区3号楼` → `朝阳小区`) → `place` or `shop`;
///    several entries of that name → ambiguous, `ambiguous_place`.
/// 4. **Place name, substring** (unless the text is a known road): the names containing the
///    text (≥ 2 characters), or contained in it (names ≥ 2 characters), then the same for the
///    road part: exactly one → `place` or `shop`; several → ambiguous, `ambiguous_place`.
/// 5. **Road only** (a known road, no number): when every door of the road lies in one street,
///    the outcome is that street (`road_in_one_street`; the caller routes to the street unit);
///    otherwise unmatched, `road_only` (a road crosses streets).
/// 6. Otherwise unmatched, `unknown_road` (or `empty`, or `unknown_code` when only a code was given).
///
/// Candidates (at most 3, best first, ties by id): for `number_not_found` the nearest numbers,
/// score 1 / (1 + gap); for `ambiguous_place` the places, and for `unknown_road` the roads
/// (each by its entry nearest the asked number) and places (compared with the text, or with the
/// road part when there is a number), scored by the Dice coefficient of
/// character bigrams (``AddressText/similarity(_:_:)``); entries scoring 0 are not offered.
public struct AddressResolver: Sendable {
    public let index: AddressIndex
    public let normalizer: AddressNormalizer
    /// The largest gap, in house numbers, that step 2c bridges (default 20: about ten doors on
    /// one side).
    public let maxInterpolationGap: Int

    public init(index: AddressIndex, normalizer: AddressNormalizer, maxInterpolationGap: Int = 20) {
        self.index = index; self.normalizer = normalizer; self.maxInterpolationGap = maxInterpolationGap
    }

    /// Resolves one order's address text and/or shop or place code.
    public func resolve(address: String, code: String = "") -> AddressResolution {
        let folded = AddressText.foldedScalars(code)
        if !folded.isEmpty, let r = index.code(TextKey(folded[...])) {
            return located(Int(r), normalized: NormalizedAddress(text: "", road: "", number: nil))
        }
        let whole = AddressText.foldedScalars(address)
        let n = normalizer.normalize(folded: whole)
        if n.text.isEmpty {
            return AddressResolution(outcome: .unmatched, reason: folded.isEmpty ? .empty : .unknownCode, normalized: n)
        }
        // 1. The text itself is a code.
        if index.mayBeCode(whole), let r = index.code(TextKey(whole[...])) { return located(Int(r), normalized: n) }
        let road = index.roadIDs[TextKey(n.road)]
        // 2. Road and number.
        if let road, let number = n.number, let roadNumber = number.roadNumber {
            if let key = AddressIndex.key(road: road, number), let r = index.doors[key] {
                return AddressResolution(outcome: .located(.address), match: index.addresses[Int(r)], normalized: n)
            }
            if let sub = number.subLane,
                let r = index.doors[AddressIndex.DoorKey(road: road, number: Int32(roadNumber), subLane: Int32(sub), inner: -1)]
            {
                return AddressResolution(outcome: .located(.address), match: index.addresses[Int(r)], normalized: n)
            }
            if let r = index.roadEntry(road: road, number: roadNumber) {
                return AddressResolution(outcome: .located(.address), match: index.addresses[Int(r)], normalized: n)
            }
            let near = index.nearest(road: road, number: roadNumber, limit: 3)
            if let first = near.first, first.gap <= maxInterpolationGap {
                return AddressResolution(
                    outcome: .located(.interpolated), match: index.addresses[Int(first.record)],
                    gap: first.gap, normalized: n)
            }
            let candidates = near.map { AddressResolution.Candidate(address: index.addresses[Int($0.record)], score: 1 / (1 + Double($0.gap))) }
            return AddressResolution(outcome: .unmatched, reason: .numberNotFound, candidates: candidates, normalized: n)
        }
        // 3. Place name, exact.
        if !index.names.isEmpty {
            var texts = normalizer.nameVariants(address)
            if n.number != nil && !n.road.isEmpty { texts.append(n.road) }
            for t in texts {
                if let records = index.names[TextKey(t)] { return place(records, text: t, normalized: n) }
            }
            // 4. Place name, substring.
            if road == nil {
                for t in n.number != nil && !n.road.isEmpty ? [n.text, n.road] : [n.text] {
                    let records = substringMatches(t)
                    if !records.isEmpty { return place(records, text: t, normalized: n) }
                }
            }
        }
        // 5. Road only.
        if let road {
            if let street = index.roadStreets[Int(road)] {
                return AddressResolution(outcome: .street(street), reason: .roadInOneStreet, normalized: n)
            }
            return AddressResolution(outcome: .unmatched, reason: .roadOnly, normalized: n)
        }
        // 6. Unknown.
        return AddressResolution(outcome: .unmatched, reason: .unknownRoad, candidates: similar(n), normalized: n)
    }

    private func located(_ record: Int, normalized: NormalizedAddress) -> AddressResolution {
        let a = index.addresses[record]
        return AddressResolution(outcome: .located(a.kind == .shop ? .shop : .place), match: a, normalized: normalized)
    }

    /// One entry → located; several → ambiguous with the 3 most similar to `text`.
    private func place(_ records: [Int32], text: String, normalized n: NormalizedAddress) -> AddressResolution {
        if records.count == 1 { return located(Int(records[0]), normalized: n) }
        let grams = AddressText.bigrams(Array(text.unicodeScalars)[...]).sorted()
        var best = TopThree()
        for r in records {
            let a = index.addresses[Int(r)]
            best.offer(score: Self.dice(grams, AddressText.bigrams(Array(a.name.unicodeScalars)[...]).sorted()), record: r, id: a.id)
        }
        return AddressResolution(outcome: .ambiguous, reason: .ambiguousPlace, candidates: candidates(best), normalized: n)
    }

    /// The entries whose name contains `text` or is contained in it (both ≥ 2 characters), ids ascending.
    private func substringMatches(_ text: String) -> [Int32] {
        let s = Array(text.unicodeScalars)
        guard s.count >= 2 else { return [] }
        var names = Set<Int32>()
        // Names containing the text: they hold every bigram of it; start from the rarest.
        let grams = AddressText.bigrams(s[...])
        var rarest: [Int32]? = nil
        for g in grams {
            guard let list = index.nameGramIndex[g] else { rarest = []; break }
            if rarest == nil || list.count < rarest!.count { rarest = list }
        }
        for i in rarest ?? [] where index.nameList[Int(i)].contains(text) { names.insert(i) }
        // Names contained in the text.
        for length in 2 ..< s.count {
            for start in 0 ... (s.count - length) {
                if let i = index.nameIDs[TextKey(s[start ..< start + length])] { names.insert(i) }
            }
        }
        return names.flatMap { index.names[TextKey(index.nameList[Int($0)])]! }.sorted { index.addresses[Int($0)].id < index.addresses[Int($1)].id }
    }

    /// Roads and places resembling the unknown text.
    private func similar(_ n: NormalizedAddress) -> [AddressResolution.Candidate] {
        var best = TopThree()
        let roadGrams = AddressText.bigrams(Array(n.road.unicodeScalars)[...]).sorted()
        var roads = Set<Int32>()
        for g in roadGrams { for r in index.roadGramIndex[g] ?? [] { roads.insert(r) } }
        let asked = n.number?.roadNumber ?? 1
        for r in roads {
            let score = Self.dice(roadGrams, index.roadGrams[Int(r)])
            guard score > 0, best.admits(score) else { continue }
            var near = index.nearest(road: r, number: asked, limit: 1)
            if near.isEmpty { near = index.nearest(road: r, number: asked + 1, limit: 1) }
            if let first = near.first { best.offer(score: score, record: first.record, id: index.addresses[Int(first.record)].id) }
        }
        let textGrams = AddressText.bigrams(Array((n.number == nil ? n.text : n.road).unicodeScalars)[...]).sorted()
        var names = Set<Int32>()
        for g in textGrams { for i in index.nameGramIndex[g] ?? [] { names.insert(i) } }
        for i in names {
            let score = Self.dice(textGrams, index.nameListGrams[Int(i)])
            guard score > 0, best.admits(score) else { continue }
            for r in index.names[TextKey(index.nameList[Int(i)])]! { best.offer(score: score, record: r, id: index.addresses[Int(r)].id) }
        }
        return candidates(best)
    }

    private func candidates(_ best: TopThree) -> [AddressResolution.Candidate] {
        best.entries.map { AddressResolution.Candidate(address: index.addresses[Int($0.record)], score: $0.score) }
    }

    /// The best three (score descending, then id ascending) of the entries offered.
    private struct TopThree {
        var entries: [(score: Double, record: Int32, id: String)] = []

        /// Whether an entry with `score` could still enter.
        func admits(_ score: Double) -> Bool { entries.count < 3 || score >= entries[2].score }

        mutating func offer(score: Double, record: Int32, id: String) {
            if entries.contains(where: { $0.record == record }) { return }
            entries.append((score, record, id))
            entries.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
            if entries.count > 3 { entries.removeLast() }
        }
    }

    /// Dice coefficient of two ascending bigram lists (multisets).
    static func dice(_ x: [UInt64], _ y: [UInt64]) -> Double {
        guard !x.isEmpty || !y.isEmpty else { return 1 }
        var i = 0, j = 0, common = 0
        while i < x.count && j < y.count {
            if x[i] == y[j] { common += 1; i += 1; j += 1 } else if x[i] < y[j] { i += 1 } else { j += 1 }
        }
        return 2 * Double(common) / Double(x.count + y.count)
    }
}
