/// Character-level folding shared by the layer and the queries, so both sides compare alike:
/// full-width ASCII forms (U+FF01–U+FF5E) become their ASCII letters, digits and punctuation;
/// spaces (ASCII, tab, ideographic U+3000, no-break) and line breaks are dropped.
public enum AddressText {
    /// The folded scalars of `text`.
    public static func foldedScalars(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars {
            let v = s.value
            if v >= 0xFF01 && v <= 0xFF5E {
                out.append(Unicode.Scalar(v - 0xFEE0)!)
            } else if v == 0x20 || v == 0x09 || v == 0x0A || v == 0x0D || v == 0x3000 || v == 0xA0 {
                continue
            } else {
                out.append(s)
            }
        }
        return out
    }

    /// `text` folded, as a string.
    public static func folded(_ text: String) -> String { string(foldedScalars(text)[...]) }

    /// A string from scalars (encoded by hand: appending to a `UnicodeScalarView` is slow).
    static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        String(decoding: utf8(scalars), as: UTF8.self)
    }

    /// The UTF-8 encoding of scalars.
    static func utf8(_ scalars: ArraySlice<Unicode.Scalar>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(scalars.count * 3)
        for s in scalars {
            let v = s.value
            if v < 0x80 {
                out.append(UInt8(v))
            } else if v < 0x800 {
                out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F)))
            } else if v < 0x10000 {
                out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
            } else {
                out.append(UInt8(0xF0 | (v >> 18))); out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
                out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
            }
        }
        return out
    }

    /// Character bigrams of `scalars` (a single scalar counts as one "bigram" of itself), the
    /// unit of the similarity scores (Dice coefficient) and of the substring index.
    static func bigrams(_ scalars: ArraySlice<Unicode.Scalar>) -> [UInt64] {
        if scalars.count == 1 { return [UInt64(scalars.first!.value)] }
        var out: [UInt64] = []
        out.reserveCapacity(max(0, scalars.count - 1))
        var i = scalars.startIndex
        while i + 1 < scalars.endIndex {
            out.append(UInt64(scalars[i].value) << 32 | UInt64(scalars[i + 1].value))
            i += 1
        }
        return out
    }

    /// The Dice coefficient of the bigram multisets of `a` and `b`: 2·|common| / (|a| + |b|),
    /// 1 for equal texts, 0 for nothing in common.
    public static func similarity(_ a: String, _ b: String) -> Double {
        let x = bigrams(foldedScalars(a)[...]), y = bigrams(foldedScalars(b)[...])
        guard !x.isEmpty || !y.isEmpty else { return 1 }
        var counts: [UInt64: Int] = [:]
        for g in x { counts[g, default: 0] += 1 }
        var common = 0
        for g in y { if let c = counts[g], c > 0 { counts[g] = c - 1; common += 1 } }
        return 2 * Double(common) / Double(x.count + y.count)
    }
}
