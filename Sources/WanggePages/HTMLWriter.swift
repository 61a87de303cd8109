import Foundation

/// A byte buffer for server-rendered HTML and SVG. Text from the database goes through
/// ``text(_:)`` or ``attribute(_:)``, which escape it, so an order's address or a unit's name
/// can never open a tag; numbers are written without Foundation's formatter, because the
/// dashboard writes tens of thousands of them per page.
public struct HTMLWriter {
    /// `s` with `& < > " '` escaped (for the few pages written elsewhere, as the login form).
    public static func escaped(_ s: String) -> String {
        var w = HTMLWriter(capacity: s.utf8.count + 16)
        w.text(s)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    /// Appends markup written here (never data: use ``text(_:)`` for that).
    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// Appends text with `& < > " '` escaped: safe in element content and quoted attributes.
    mutating func text(_ s: String) {
        for b in s.utf8 {
            switch b {
            case 0x26: bytes.append(contentsOf: "&amp;".utf8)
            case 0x3C: bytes.append(contentsOf: "&lt;".utf8)
            case 0x3E: bytes.append(contentsOf: "&gt;".utf8)
            case 0x22: bytes.append(contentsOf: "&quot;".utf8)
            case 0x27: bytes.append(contentsOf: "&#39;".utf8)
            default: bytes.append(b)
            }
        }
    }

    /// ` name="value"` with the value escaped.
    mutating func attribute(_ name: String, _ value: String) {
        bytes.append(0x20); raw(name); raw("=\""); text(value); bytes.append(0x22)
    }

    /// ` name="n"` for an integer.
    mutating func attribute(_ name: String, _ value: Int) {
        bytes.append(0x20); raw(name); raw("=\""); integer(value); bytes.append(0x22)
    }

    /// An integer in decimal.
    mutating func integer(_ v: Int) {
        if v < 0 { bytes.append(0x2D) }
        var m = v.magnitude
        if m == 0 { bytes.append(0x30); return }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while m > 0 { d[n] = UInt8(48 + m % 10); m /= 10; n += 1 }
            for k in stride(from: n - 1, through: 0, by: -1) { bytes.append(d[k]) }
        }
    }

    /// A number with `places` decimals (0 … 6), rounded half away from zero; "–" when not finite.
    mutating func fixed(_ v: Double, places: Int) {
        guard v.isFinite else { raw("–"); return }
        var scale = 1
        for _ in 0 ..< places { scale *= 10 }
        let scaled = Int((abs(v) * Double(scale)).rounded())
        if v < 0 && scaled != 0 { bytes.append(0x2D) }
        integer(scaled / scale)
        guard places > 0 else { return }
        bytes.append(0x2E)
        var fraction = scaled % scale, divisor = scale / 10
        while divisor > 0 { bytes.append(UInt8(48 + fraction / divisor)); fraction %= divisor; divisor /= 10 }
    }

    /// A ratio as a percentage with one decimal ("93.7%"), or "—" when there is no denominator.
    mutating func percent(_ v: Double?) {
        guard let v else { raw("—"); return }
        fixed(v * 100, places: 1); raw("%")
    }

    mutating func append(_ other: HTMLWriter) { bytes.append(contentsOf: other.bytes) }

    /// Appends bytes that are already markup (a pre-encoded SVG path).
    mutating func raw(bytes more: [UInt8]) { bytes.append(contentsOf: more) }
}
