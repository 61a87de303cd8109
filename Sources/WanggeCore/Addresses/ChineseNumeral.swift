/// Reads the numbers written in Chinese addresses: ASCII digits (`484`), Chinese digits read
/// one by one (`二零零` → 200, `〇` as `零`), and Chinese numerals with the units 十, 百, 千
/// (`十二` → 12, `二百` → 200, `一百零五` → 105, `两百` → 200). A digit right after a unit with
/// no 零 between them counts one unit lower, as spoken (`一百二` → 120, `二百五` → 250,
/// `三千二` → 3200). Anything else (mixed scripts, units out of order, empty text) is not a
/// number. Values are limited to six digits, far above any house number.
public enum ChineseNumeral {
    /// The value of one digit character (`0`–`9`, `零〇一二两三四五六七八九`), or nil.
    @inlinable public static func digit(_ s: Unicode.Scalar) -> Int? {
        switch s.value {
        case 0x30 ... 0x39: return Int(s.value - 0x30)
        case 0x96F6, 0x3007: return 0  // 零 〇
        case 0x4E00: return 1  // 一
        case 0x4E8C, 0x4E24: return 2  // 二 两
        case 0x4E09: return 3  // 三
        case 0x56DB: return 4  // 四
        case 0x4E94: return 5  // 五
        case 0x516D: return 6  // 六
        case 0x4E03: return 7  // 七
        case 0x516B: return 8  // 八
        case 0x4E5D: return 9  // 九
        default: return nil
        }
    }

    /// The value of a unit character (十 10, 百 100, 千 1000), or nil.
    @inlinable public static func unit(_ s: Unicode.Scalar) -> Int? {
        switch s.value {
        case 0x5341: return 10  // 十
        case 0x767E: return 100  // 百
        case 0x5343: return 1000  // 千
        default: return nil
        }
    }

    /// Whether `s` may appear in a number (a digit or a unit).
    @inlinable public static func isNumeral(_ s: Unicode.Scalar) -> Bool { digit(s) != nil || unit(s) != nil }

    /// The value of `text`, or nil when it is not a number by the rules above.
    public static func value(_ text: String) -> Int? { value(Array(text.unicodeScalars)[...]) }

    /// The value of `scalars`, or nil when they are not a number by the rules above.
    public static func value(_ scalars: ArraySlice<Unicode.Scalar>) -> Int? {
        guard !scalars.isEmpty, scalars.count <= 12 else { return nil }
        if scalars.allSatisfy({ $0.value >= 0x30 && $0.value <= 0x39 }) {
            guard scalars.count <= 6 else { return nil }
            return scalars.reduce(0) { $0 * 10 + Int($1.value - 0x30) }
        }
        if !scalars.contains(where: { unit($0) != nil }) {
            // Digits read one by one: 二零零 = 200. ASCII digits may not mix with Chinese ones.
            guard scalars.count <= 6 else { return nil }
            var total = 0
            for s in scalars {
                guard let d = digit(s), s.value > 0x39 else { return nil }
                total = total * 10 + d
            }
            return total
        }
        var total = 0
        var pending: Int? = nil  // a digit not yet multiplied by a unit
        var lastUnit = Int.max  // units must strictly decrease
        var zeroSinceUnit = false
        var previousWasUnit = false
        for s in scalars {
            if let d = digit(s) {
                if let p = pending {
                    // Only 零 may precede another digit (一百零五).
                    guard p == 0 else { return nil }
                }
                if d == 0 { zeroSinceUnit = true }
                pending = d
                previousWasUnit = false
            } else if let u = unit(s) {
                guard u < lastUnit, !previousWasUnit || pending != nil else { return nil }
                let n: Int
                if let p = pending, p != 0 { n = p } else if pending == nil && u == 10 { n = 1 } else { return nil }
                total += n * u
                lastUnit = u
                pending = nil
                zeroSinceUnit = false
                previousWasUnit = true
            } else {
                return nil
            }
        }
        if let p = pending {
            if previousWasUnit == false && !zeroSinceUnit && lastUnit != Int.max && lastUnit >= 100 {
                // 一百二 = 120, 二百五 = 250: the spoken short form, one unit lower.
                total += p * (lastUnit / 10)
            } else {
                total += p
            }
        }
        return total
    }
}
