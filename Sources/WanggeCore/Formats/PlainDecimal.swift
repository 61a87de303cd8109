/// Reads the plain decimals that fill coordinate columns (`121.4432584`, `-0.5`, `31`) straight
/// from bytes, giving exactly the `Double` that `Double(String)` (glibc's correctly rounded
/// `strtod`) gives for the same text, without making a `String`.
///
/// Why it is exact (Clinger's fast path): the text `[+-]d…d[.d…d]` is m / 10^k for the integer m
/// of all its digits and k fractional digits. When m < 2^53 and k ≤ 22, both m and 10^k are
/// doubles exactly, and IEEE division is correctly rounded, so `Double(m) / 10^k` is the double
/// nearest to the decimal's exact value — the one `strtod` returns. Any other text (an exponent,
/// `inf`, `nan`, hexadecimal, more digits, an empty part) answers nil and the caller takes the
/// general path, which also words the error.
public enum PlainDecimal {
    /// 10^0 … 10^22, all exact doubles.
    private static let powersOfTen: [Double] = (0 ... 22).map { k in (0 ..< k).reduce(1.0) { r, _ in r * 10 } }

    /// The value of `text` when it is a plain decimal within the fast path's bounds, else nil.
    public static func value(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let n = text.count
        guard n > 0 else { return nil }
        var negative = false
        if text[0] == 0x2D || text[0] == 0x2B {
            negative = text[0] == 0x2D
            i = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0, fractionDigits = 0
        var seenPoint = false
        while i < n {
            let c = text[i]
            if c >= 0x30 && c <= 0x39 {
                // Leading zeros add nothing to m; at most 19 digits keep m inside UInt64.
                if mantissa != 0 || c != 0x30 { digits += 1 }
                guard digits <= 19 else { return nil }
                mantissa = mantissa &* 10 &+ UInt64(c &- 0x30)
                if seenPoint { fractionDigits += 1 }
            } else if c == 0x2E && !seenPoint {
                seenPoint = true
            } else {
                return nil
            }
            i += 1
        }
        // "+", "-", ".", "-." and "1." / ".5" forms: only digits on both sides of a point.
        let start = text[0] == 0x2D || text[0] == 0x2B ? 1 : 0
        guard n > start, text[start] != 0x2E, text[n - 1] != 0x2E else { return nil }
        guard mantissa < (1 << 53), fractionDigits <= 22 else { return nil }
        let magnitude = Double(mantissa) / powersOfTen[fractionDigits]
        return negative ? -magnitude : magnitude
    }
}
