/// A strict RFC 8259 JSON reader producing ``JSONValue``.
///
/// Why not `JSONSerialization`: on Linux it rounds some decimals to a neighbouring double
/// (`121.40812683105469` comes back as `…464`), which moves a vertex off a shared edge and
/// breaks exact point location. Numbers here go through `Double(_:)` (correctly rounded,
/// so a shortest round-trip decimal comes back bit for bit). Errors name the line and column.
/// The text must be UTF-8: a string holding an invalid sequence is an error naming its byte
/// offset (never decoded with replacement characters, which would make distinct ids equal).
public struct JSONParseError: Error, CustomStringConvertible, Sendable {
    public let line: Int
    public let column: Int
    public let message: String
    /// Where the error is, in bytes from the start of the input.
    public var byteOffset = 0
    public var description: String { "line \(line), column \(column): \(message)" }
}

public enum JSONParser {
    /// Nesting deeper than this is refused rather than risking the stack.
    public static let maximumDepth = 512

    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer)
            reader.skipWhitespace()
            let value = try reader.value(depth: 0)
            reader.skipWhitespace()
            guard reader.position == buffer.count else { throw reader.error("unexpected text after the JSON value") }
            return value
        }
    }

    /// Parses a document and, when it is an array, hands `body` each element as it is read
    /// instead of building the array, so a body of millions of elements costs one element's
    /// memory at a time (with `true`); any other document is handed over whole, once (with
    /// `false`). Returns whether the
    /// document was an array. Errors are those of ``parse(_:)``, thrown where they occur
    /// (`body` may have seen the elements before).
    @discardableResult
    public static func forEachElement(_ bytes: [UInt8], _ body: (JSONValue, _ isElement: Bool) throws -> Void) throws -> Bool {
        try bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer)
            reader.skipWhitespace()
            var isArray = false
            if reader.position < buffer.count, buffer[reader.position] == UInt8(ascii: "[") {
                isArray = true
                try reader.elements { try body($0, true) }
            } else {
                try body(try reader.value(depth: 0), false)
            }
            reader.skipWhitespace()
            guard reader.position == buffer.count else { throw reader.error("unexpected text after the JSON value") }
            return isArray
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            // A UTF-8 byte-order mark is tolerated.
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        }

        func error(_ message: String) -> JSONParseError {
            var line = 1, column = 1
            for i in 0 ..< min(position, bytes.count) {
                if bytes[i] == UInt8(ascii: "\n") { line += 1; column = 1 } else if bytes[i] & 0xC0 != 0x80 { column += 1 }
            }
            return JSONParseError(line: line, column: column, message: message, byteOffset: position)
        }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < JSONParser.maximumDepth else { throw error("nested deeper than \(JSONParser.maximumDepth) levels") }
            guard position < bytes.count else { throw error("unexpected end of input, expected a value") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"): return .number(try number())
            default: throw error("unexpected character \(describe(bytes[position])), expected a value")
            }
        }

        func describe(_ byte: UInt8) -> String {
            (0x21 ... 0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        }

        mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw error("unexpected end of input") }
            for i in 0 ..< count where bytes[position + i] != word.utf8Start[i] {
                throw error("invalid literal, expected \(word)")
            }
            position += count
        }

        mutating func object(depth: Int) throws -> JSONValue {
            position += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a member name in double quotes") }
                let key = try string()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':' after member name \"\(key)\"") }
                position += 1
                skipWhitespace()
                members[key] = try value(depth: depth + 1)
                skipWhitespace()
                guard position < bytes.count else { throw error("unexpected end of input inside an object") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
                throw error("expected ',' or '}' in an object, found \(describe(bytes[position]))")
            }
        }

        /// The top-level array's elements, one at a time.
        mutating func elements(_ body: (JSONValue) throws -> Void) throws {
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return }
            while true {
                skipWhitespace()
                try body(try value(depth: 1))
                skipWhitespace()
                guard position < bytes.count else { throw error("unexpected end of input inside an array") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return }
                throw error("expected ',' or ']' in an array, found \(describe(bytes[position]))")
            }
        }

        mutating func array(depth: Int) throws -> JSONValue {
            position += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return .array(elements) }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard position < bytes.count else { throw error("unexpected end of input inside an array") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(elements) }
                throw error("expected ',' or ']' in an array, found \(describe(bytes[position]))")
            }
        }

        mutating func number() throws -> Double {
            let start = position
            func digits() -> Int {
                let s = position
                while position < bytes.count, (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
                return position - s
            }
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            let integerStart = position
            guard digits() > 0 else { throw error("a number needs digits") }
            if bytes[integerStart] == UInt8(ascii: "0"), position - integerStart > 1 {
                position = integerStart; throw error("a number may not have leading zeros")
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { throw error("a number needs digits after the decimal point") }
            }
            if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw error("a number needs digits in its exponent") }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start ..< position]), as: UTF8.self)
            guard let value = Double(text) else { throw error("number \(text) cannot be read") }
            return value
        }

        mutating func string() throws -> String {
            position += 1
            let start = position
            // Fast path: no escapes.
            while position < bytes.count {
                let b = bytes[position]
                if b == UInt8(ascii: "\"") {
                    let raw = UnsafeBufferPointer(rebasing: bytes[start ..< position])
                    guard let s = String(validating: raw, as: UTF8.self) else { throw invalidUTF8(start) }
                    position += 1
                    return s
                }
                if b == UInt8(ascii: "\\") { break }
                if b < 0x20 { throw error("control character in a string (escape it)") }
                position += 1
            }
            var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start ..< position]))
            while position < bytes.count {
                let b = bytes[position]
                if b == UInt8(ascii: "\"") {
                    // Escapes are ASCII and produce valid UTF-8: checking the raw text suffices.
                    if TextEncoding.invalidUTF8(UnsafeBufferPointer(rebasing: bytes[start ..< position])) != nil { throw invalidUTF8(start) }
                    position += 1
                    return String(decoding: scalars, as: UTF8.self)
                }
                if b < 0x20 { throw error("control character in a string (escape it)") }
                if b != UInt8(ascii: "\\") { scalars.append(b); position += 1; continue }
                position += 1
                guard position < bytes.count else { break }
                let e = bytes[position]
                position += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(e)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800 ..< 0xDC00).contains(code) {
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired UTF-16 surrogate in a \\u escape")
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00 ..< 0xE000).contains(low) else { throw error("unpaired UTF-16 surrogate in a \\u escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00 ..< 0xE000).contains(code) {
                        throw error("unpaired UTF-16 surrogate in a \\u escape")
                    }
                    scalars.append(contentsOf: Array(String(Character(Unicode.Scalar(code)!)).utf8))
                default:
                    position -= 2
                    throw error("invalid escape \\\(Character(Unicode.Scalar(e)))")
                }
            }
            throw error("unterminated string")
        }

        /// The error for the first invalid UTF-8 sequence of the string text starting at `start`.
        mutating func invalidUTF8(_ start: Int) -> JSONParseError {
            let bad = TextEncoding.invalidUTF8(UnsafeBufferPointer(rebasing: bytes[start ..< position])) ?? 0 ..< 0
            position = start + bad.lowerBound
            let shown = bytes[position ..< min(start + bad.upperBound, position + 4)].map { "0x" + String($0, radix: 16, uppercase: true) }
            return error("invalid UTF-8 (\(shown.joined(separator: " "))) in a string at byte offset \(position); send UTF-8")
        }

        mutating func hex4() throws -> UInt32 {
            guard position + 4 <= bytes.count else { throw error("a \\u escape needs 4 hex digits") }
            var v: UInt32 = 0
            for _ in 0 ..< 4 {
                let b = bytes[position] | 0x20
                let d: UInt8
                switch b {
                case UInt8(ascii: "0") ... UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
                case UInt8(ascii: "a") ... UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
                default: throw error("a \\u escape needs 4 hex digits")
                }
                v = v << 4 | UInt32(d)
                position += 1
            }
            return v
        }
    }
}
