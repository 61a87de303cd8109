/// Turns an address as an operator typed it into a ``NormalizedAddress``, with the district's
/// own names. Exact semantics, in this order:
///
/// 1. **Width**: full-width ASCII forms become ASCII (`２００号` → `200号`, `，` → `,`); spaces
///    (ASCII, ideographic, no-break) and line breaks are dropped (``AddressText``).
/// 2. **Remark**: the text from the first separator on (`,` `;` `(` `[` `、` `。`) is cut off
///    and kept as ``NormalizedAddress/remark`` (closing brackets at its end dropped).
/// 3. **Prefixes**: while the text starts with one of the district's names — the city
///    (`上海市`), the district (`宝山区`), its streets and towns (`大场镇`, from the MCA list),
///    its communities (`华庭居委会`) — the longest such name is dropped and recorded, as long
///    as text remains. Names of other districts are not dropped: such an address then names no
///    known road. Short forms (`宝山`, `大场`) are not dropped unless given as names, since
///    roads bear them (`宝山路`).
/// 4. **Locatives**: while the text ends with one of ``locatives`` (旁, 对面, 附近, 门口, 东侧,
///    路口, 楼下, 边上, …), the longest such is dropped and recorded, as long as text remains.
/// 5. **Number**: the number is the longest tail of the text made only of digits, Chinese
///    numerals and the unit characters 弄 支 号 楼 栋 幢 单 元 层 室 that ``AddressNumber`` parses
///    whole (Chinese numerals converted: `二百弄十二号楼` → lane 200, building 12); the road is
///    the text before it. Chinese numerals inside the road name stay (`大华三路`, `一号路`).
public struct AddressNormalizer: Sendable {
    /// The trailing locatives dropped, longest first when several match.
    public static let locatives: [String] = [
        "东北侧", "东南侧", "西北侧", "西南侧", "东侧", "西侧", "南侧", "北侧",
        "东面", "西面", "南面", "北面", "斜对面", "对面", "附近", "周边", "一带", "门口", "门前",
        "路口", "楼下", "边上", "旁边", "隔壁", "里面", "旁", "内",
    ]

    private let prefixesByFirst: [Unicode.Scalar: [[Unicode.Scalar]]]
    private let locativeScalars: [[Unicode.Scalar]]

    /// The district's own names, any of which an address may start with: the city, the
    /// district, its streets/towns and its communities (full official names; add other forms
    /// such as `华庭社区` as extra names).
    public init(
        cityNames: [String] = ["上海市"], districtNames: [String] = [], streetNames: [String] = [],
        communityNames: [String] = []
    ) {
        var byFirst: [Unicode.Scalar: [[Unicode.Scalar]]] = [:]
        for name in Set(cityNames + districtNames + streetNames + communityNames) {
            let s = AddressText.foldedScalars(name)
            guard let first = s.first else { continue }
            byFirst[first, default: []].append(s)
        }
        for key in byFirst.keys {
            byFirst[key]!.sort { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1, by: { $0.value < $1.value }) }
        }
        prefixesByFirst = byFirst
        locativeScalars = Self.locatives.map { Array($0.unicodeScalars) }.sorted { $0.count > $1.count }
    }

    /// Normalises one address text (see the type's rules).
    public func normalize(_ address: String) -> NormalizedAddress {
        normalize(folded: AddressText.foldedScalars(address))
    }

    /// Normalises a text already folded by ``AddressText/foldedScalars(_:)``.
    func normalize(folded: [Unicode.Scalar]) -> NormalizedAddress {
        var s = folded
        var remark = ""
        if let cut = s.firstIndex(where: { Self.isSeparator($0) }) {
            var tail = s[(cut + 1)...]
            while let last = tail.last, last == ")" || last == "]" || last == "】" { tail = tail.dropLast() }
            remark = AddressText.string(tail)
            s.removeSubrange(cut...)
        }
        var prefixes: [String] = [], locatives: [String] = []
        let start = dropPrefixes(s, recording: &prefixes)
        let end = dropLocatives(s, from: start, recording: &locatives)
        let body = s[start ..< end]
        var numberStart = body.endIndex
        while numberStart > body.startIndex && AddressNumber.isNumberScalar(body[numberStart - 1]) { numberStart -= 1 }
        var number: AddressNumber? = nil
        while numberStart < body.endIndex {
            if ChineseNumeral.isNumeral(body[numberStart]), let n = AddressNumber.parse(body[numberStart...]) {
                number = n
                break
            }
            numberStart += 1
        }
        let text = AddressText.string(body)
        return NormalizedAddress(
            text: text, road: number == nil ? text : AddressText.string(body[..<numberStart]),
            number: number, prefixes: prefixes, locatives: locatives, remark: remark)
    }

    /// The texts a place or shop name is looked up under, most specific first: the whole
    /// folded address (no remark cut: names hold brackets, `好德便利店（场中路店）`) with every
    /// dropped prefix kept, then one fewer each time from the outside; for each, with every
    /// trailing locative kept, then one fewer each time (a place may be named
    /// `沪太路/真大路路口`; `大场镇社区事务受理服务中心` starts with a street's name).
    public func nameVariants(_ address: String) -> [String] {
        let s = AddressText.foldedScalars(address)
        var prefixes: [String] = [], locatives: [String] = []
        let start = dropPrefixes(s, recording: &prefixes)
        let end = dropLocatives(s, from: start, recording: &locatives)
        let core = AddressText.string(s[start ..< end])
        var out: [String] = []
        for i in 0 ... prefixes.count {
            let head = prefixes[i...].joined()
            var k = locatives.count
            while k >= 0 {
                out.append(head + core + locatives[0 ..< k].joined())
                k -= 1
            }
        }
        return out
    }

    /// Drops the district's names at the start (rule 3); returns where the rest starts.
    private func dropPrefixes(_ s: [Unicode.Scalar], recording prefixes: inout [String]) -> Int {
        var start = 0
        prefixLoop: while start < s.count, let candidates = prefixesByFirst[s[start]] {
            for p in candidates where p.count < s.count - start && s[start ..< start + p.count].elementsEqual(p) {
                prefixes.append(AddressText.string(p[...]))
                start += p.count
                continue prefixLoop
            }
            break
        }
        return start
    }

    /// Drops trailing locatives after `start` (rule 4), recorded in reading order; returns where the text ends.
    private func dropLocatives(_ s: [Unicode.Scalar], from start: Int, recording locatives: inout [String]) -> Int {
        var end = s.count
        locativeLoop: while true {
            for l in locativeScalars where l.count < end - start && s[(end - l.count) ..< end].elementsEqual(l) {
                locatives.append(AddressText.string(l[...]))
                end -= l.count
                continue locativeLoop
            }
            break
        }
        locatives.reverse()
        return end
    }

    @inlinable static func isSeparator(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x2C, 0x3B, 0x28, 0x5B, 0x3001, 0x3002, 0x3010: return true  // , ; ( [ 、 。 【
        default: return false
        }
    }
}
