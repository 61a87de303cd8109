import Foundation

/// Times as 12345 exports and Chinese spreadsheets write them.
///
/// Accepted: ISO 8601 — `YYYY-MM-DD`, then `T` or a space, `HH:MM`, optional `:SS` and
/// fraction, and an optional zone `Z`, `±HH:MM`, `±HHMM` or `±HH` — and what Excel and WPS
/// export on a Chinese system: `2025/7/1 9:00[:00]` and `2025年7月1日 9:00[:00]` (months,
/// days and hours may have one digit in every form). A time without a zone is China Standard
/// Time (UTC+08:00), as the hotline's own systems record it. A date alone is midnight.
public enum Timestamp {
    /// The accepted forms, for messages.
    public static let forms =
        "ISO 8601 (2025-07-01T09:00:00+08:00), 2025-07-01 09:00[:00], 2025/7/1 9:00[:00] or 2025年7月1日 9:00, China Standard Time unless a zone is given"

    /// Seconds since 1970-01-01T00:00:00Z, or nil when `text` is not such a time.
    public static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// The same as ``parse(_:)`` on UTF-8 bytes (no closures: `assign` parses every row's time).
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var c = Cursor(bytes: bytes)
        guard let year = c.digits(4, 4) else { return nil }
        let month: Int, day: Int
        var isISO = false
        if c.take(45) || c.take(47) {
            let separator = bytes[c.position - 1]
            isISO = separator == 45
            guard let m = c.digits(1, 2), c.take(separator), let d = c.digits(1, 2) else { return nil }
            month = m; day = d
        } else if c.take(Self.nian) {
            guard let m = c.digits(1, 2), c.take(Self.yue), let d = c.digits(1, 2), c.take(Self.ri) else { return nil }
            month = m; day = d
        } else {
            return nil
        }
        guard (1 ... 12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var hour = 0, minute = 0, second = 0.0
        var offsetSeconds = 8 * 3600
        var hasTime = isISO && c.take(84)
        if !hasTime && c.first == 32 {
            while c.take(32) {}
            hasTime = true
        }
        if hasTime {
            guard let h = c.digits(1, 2), c.take(58), let m = c.digits(2, 2), h < 24, m < 60 else { return nil }
            hour = h; minute = m
            if c.take(58) {
                guard let sec = c.digits(2, 2), sec < 61 else { return nil }
                second = Double(sec)
                if c.take(46) || c.take(44) {
                    var scale = 0.1
                    var any = false
                    while let d = c.first, d >= 48 && d <= 57 { second += Double(d - 48) * scale; scale /= 10; c.position += 1; any = true }
                    guard any else { return nil }
                }
            }
            if c.take(90) {
                offsetSeconds = 0
            } else if let sign = c.first, sign == 43 || sign == 45 {
                c.position += 1
                guard let oh = c.digits(2, 2), oh <= 14 else { return nil }
                var om = 0
                if c.take(58) { guard let m = c.digits(2, 2) else { return nil }; om = m } else if let m = c.digits(2, 2) { om = m }
                offsetSeconds = (oh * 3600 + om * 60) * (sign == 45 ? -1 : 1)
            }
        }
        guard c.position == c.end else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Double(days * 86400 + hour * 3600 + minute * 60 - offsetSeconds) + second
    }

    /// Reads a time's text left to right, spaces and tabs around it ignored.
    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0, end: Int

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            end = bytes.count
            while position < end && (bytes[position] == 0x20 || bytes[position] == 0x09) { position += 1 }
            while end > position && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        }

        var first: UInt8? { position < end ? bytes[position] : nil }

        /// Between `least` and `most` decimal digits.
        mutating func digits(_ least: Int, _ most: Int) -> Int? {
            var v = 0, count = 0
            while count < most && position < end, bytes[position] >= 48 && bytes[position] <= 57 {
                v = v * 10 + Int(bytes[position] - 48)
                position += 1; count += 1
            }
            return count >= least ? v : nil
        }

        mutating func take(_ c: UInt8) -> Bool {
            if position < end && bytes[position] == c { position += 1; return true }
            return false
        }

        mutating func take(_ word: (UInt8, UInt8, UInt8)) -> Bool {
            guard end - position >= 3, bytes[position] == word.0, bytes[position + 1] == word.1, bytes[position + 2] == word.2 else { return false }
            position += 3
            return true
        }
    }

    /// 年, 月, 日 in UTF-8.
    static let nian: (UInt8, UInt8, UInt8) = (0xE5, 0xB9, 0xB4), yue: (UInt8, UInt8, UInt8) = (0xE6, 0x9C, 0x88),
        ri: (UInt8, UInt8, UInt8) = (0xE6, 0x97, 0xA5)

    /// The start of the China Standard Time day holding `epoch`.
    public static func dayStart(_ epoch: Double) -> Double {
        let local = (epoch + 8 * 3600) / 86_400
        return local.rounded(.down) * 86_400 - 8 * 3600
    }

    /// Months since 1970-01 of the China Standard Time month holding `epoch`.
    public static func monthIndex(_ epoch: Double) -> Int {
        let local = Int(((epoch + 8 * 3600) / 86_400).rounded(.down))
        let (y, m, _) = civilFromDays(local)
        return (y - 1970) * 12 + (m - 1)
    }

    /// Formats seconds since the epoch as `YYYY-MM-DDTHH:MM:SS+08:00` (China Standard Time).
    public static func format(_ epoch: Double) -> String {
        let local = Int((epoch + 8 * 3600).rounded(.down))
        let days = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let secs = local - days * 86400
        let (y, m, d) = civilFromDays(days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))+08:00"
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
