/// CSV for spreadsheets (Excel, WPS): the UTF-8 byte order mark, without which Excel on a
/// Chinese Windows reads UTF-8 as GBK (乱码), and the neutralisation of formula injection in
/// files meant for people (OWASP "CSV Injection").
extension CSVWriter {
    /// The UTF-8 byte order mark, EF BB BF.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// A writer whose output starts with the UTF-8 byte order mark when `bom` is true.
    public init(bom: Bool, capacity: Int = 1 << 16) {
        self.init(capacity: capacity)
        if bom { append(escaped: Self.byteOrderMark) }
    }

    /// Writes a record of a CSV meant for people: every text field that a spreadsheet would
    /// take for a formula is neutralised (``neutralised(_:)``); numbers are left as they are.
    public mutating func write(neutralising fields: [String]) {
        write(fields.map(Self.neutralised))
    }

    /// `field` prefixed with `'` when it starts with `=`, `+`, `-`, `@`, a tab or a carriage
    /// return and is not a plain decimal number (`-1.23`, `+5`, `-2e-3` stay numbers: a
    /// spreadsheet reads them as the same number, nothing else).
    public static func neutralised(_ field: String) -> String {
        guard let first = field.utf8.first, [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains(first) else { return field }
        if isPlainNumber(field) { return field }
        return "'" + field
    }

    /// `[+-]digits[.digits][(e|E)[+-]digits]`, or with the digits only after the point.
    static func isPlainNumber(_ text: String) -> Bool {
        var u = Substring(text).utf8[...]
        func digits() -> Int {
            var n = 0
            while let c = u.first, c >= 0x30, c <= 0x39 { u = u.dropFirst(); n += 1 }
            return n
        }
        if let c = u.first, c == 0x2B || c == 0x2D { u = u.dropFirst() }
        var mantissa = digits()
        if u.first == 0x2E { u = u.dropFirst(); mantissa += digits() }
        guard mantissa > 0 else { return false }
        if let c = u.first, c == 0x65 || c == 0x45 {
            u = u.dropFirst()
            if let s = u.first, s == 0x2B || s == 0x2D { u = u.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return u.isEmpty
    }
}
