import Dispatch
import Glibc

/// The encodings input text may come in: UTF-8 (with or without a byte-order mark), or
/// GB18030, which covers GBK and GB2312 — what Excel on a Chinese Windows saves a CSV as.
///
/// Everything inside Wangge is UTF-8: a GB18030 input is transcoded once, up front, with glibc's
/// `iconv`. Nothing is ever decoded with replacement characters: a byte sequence that is not
/// valid in the encoding is an error naming its line and byte offset.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030

    /// An encoding by one of its names, as a `--encoding` option or an HTTP `charset` gives it:
    /// `utf-8`/`utf8`, or `gb18030`, `gbk`, `gb2312`, `cp936` (all read as GB18030, their superset).
    public init?(name: String) {
        switch name.trimmedASCIISpaces.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936", "x-gbk", "euc-cn": self = .gb18030
        default: return nil
        }
    }

    /// What detection and decoding made of some bytes.
    public struct Decoded: Sendable {
        /// The text as UTF-8 (a UTF-8 input is passed through unchanged, its BOM included;
        /// every reader here skips one).
        public var bytes: [UInt8]
        /// The encoding the input was read as.
        public var encoding: TextEncoding
        /// When the input was not UTF-8 and was detected as GB18030: why it was not UTF-8.
        public var notUTF8: TextDecodingError?
    }

    /// Reads `bytes` as `forced`, or, when nil, detects: valid UTF-8 is UTF-8; otherwise text
    /// that decodes as GB18030 is GB18030 (``Decoded/notUTF8`` says where UTF-8 failed);
    /// otherwise the error names the first sequence that is not UTF-8.
    public static func decode(_ bytes: [UInt8], as forced: TextEncoding? = nil) throws(TextDecodingError) -> Decoded {
        switch forced {
        case .utf8?:
            try checkUTF8(bytes)
            return Decoded(bytes: bytes, encoding: .utf8, notUTF8: nil)
        case .gb18030?:
            return Decoded(bytes: try transcodeGB18030(bytes), encoding: .gb18030, notUTF8: nil)
        case nil:
            do {
                try checkUTF8(bytes)
                return Decoded(bytes: bytes, encoding: .utf8, notUTF8: nil)
            } catch let notUTF8 {
                return try gb18030(bytes, notUTF8: notUTF8)
            }
        }
    }

    /// The second step of detection, for bytes already found not to be UTF-8 (`notUTF8` says
    /// where): GB18030 if they decode as such, else `notUTF8`, marked as not GB18030 either.
    public static func gb18030(_ bytes: [UInt8], notUTF8: TextDecodingError) throws(TextDecodingError) -> Decoded {
        guard let text = try? transcodeGB18030(bytes) else {
            var error = notUTF8
            error.alsoNotGB18030 = true
            throw error
        }
        return Decoded(bytes: text, encoding: .gb18030, notUTF8: notUTF8)
    }

    /// Throws when `bytes[range]` is not valid UTF-8, naming the first bad sequence by its byte
    /// offset in `bytes` and its line (`firstLine` being the line `range` starts on).
    public static func checkUTF8(_ bytes: [UInt8], range: Range<Int>? = nil, firstLine: Int = 1) throws(TextDecodingError) {
        let range = range ?? 0 ..< bytes.count
        let bad: Range<Int>? = bytes.withUnsafeBufferPointer { all in
            invalidUTF8(UnsafeBufferPointer(rebasing: all[range])).map { ($0.lowerBound + range.lowerBound) ..< ($0.upperBound + range.lowerBound) }
        }
        guard let bad else { return }
        throw TextDecodingError(
            encoding: .utf8, byteOffset: bad.lowerBound,
            line: firstLine + bytes[range.lowerBound ..< bad.lowerBound].count(where: { $0 == 0x0A }),
            bytes: Array(bytes[bad.lowerBound ..< min(bad.upperBound, bad.lowerBound + 4)]))
    }

    /// The first invalid UTF-8 sequence of `buffer` (offsets within it), or nil when it is all
    /// valid. The standard library's validator: an ASCII fast path, no copy.
    public static func invalidUTF8(_ buffer: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        do {
            _ = try UTF8Span(validating: buffer.span)
            return nil
        } catch {
            return error.byteOffsets
        }
    }

    /// GB18030 (GBK, GB2312) to UTF-8 with glibc's `iconv`. A GB18030 byte-order mark comes out
    /// as a UTF-8 one. A large text is cut at line feeds (a line feed is never part of a GB18030
    /// character) into pieces transcoded on all cores.
    public static func transcodeGB18030(_ bytes: [UInt8], workers: Int = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))) throws(TextDecodingError)
        -> [UInt8]
    {
        let pieces = bytes.count < 1 << 22 || workers <= 1 ? [0 ..< bytes.count] : cuts(bytes, pieces: workers * 2)
        let transcoded = Parallel.map(pieces.count) { k in transcodePiece(bytes, pieces[k]) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 4)
        for piece in transcoded {
            switch piece {
            case .success(let text): output += text
            case .failure(let failure):
                guard let at = failure.offset else {
                    throw TextDecodingError(encoding: .gb18030, byteOffset: 0, line: 1, bytes: [], message: "this system's iconv cannot read GB18030")
                }
                let end = failure.errno == EINVAL ? bytes.count : min(bytes.count, at + 2)
                throw TextDecodingError(
                    encoding: .gb18030, byteOffset: at, line: 1 + bytes[..<at].count(where: { $0 == 0x0A }),
                    bytes: Array(bytes[at ..< end].prefix(4)),
                    message: failure.errno == EINVAL ? "the text ends inside a character" : nil)
            }
        }
        return output
    }

    /// Where and why iconv stopped: `offset` in the whole text (nil: no converter at all).
    struct PieceFailure: Error { let offset: Int?; let errno: Int32 }

    /// About `pieces` ranges covering `bytes`, each ending just after a line feed (the last at the end).
    static func cuts(_ bytes: [UInt8], pieces: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for k in 1 ..< pieces {
            guard var cut = Optional(max(start, k * bytes.count / pieces)), cut < bytes.count else { break }
            while cut < bytes.count && bytes[cut] != 0x0A { cut += 1 }
            guard cut + 1 < bytes.count else { break }
            ranges.append(start ..< cut + 1)
            start = cut + 1
        }
        ranges.append(start ..< bytes.count)
        return ranges
    }

    /// One piece through its own iconv converter. Each GB18030 sequence becomes at most 1.5 times
    /// as many UTF-8 bytes (2 → 3, 4 → 4); should iconv still run out of room (E2BIG), the buffer
    /// grows and it goes on.
    static func transcodePiece(_ bytes: [UInt8], _ range: Range<Int>) -> Result<[UInt8], PieceFailure> {
        guard let converter = iconv_open("UTF-8", "GB18030"), Int(bitPattern: converter) != -1 else {
            return .failure(PieceFailure(offset: nil, errno: errno))
        }
        defer { iconv_close(converter) }
        var output = [UInt8](repeating: 0, count: range.count + range.count / 2 + 16)
        var read = range.lowerBound, written = 0
        while read < range.upperBound {
            let (inUsed, outUsed, error): (Int, Int, Int32?) = bytes.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    var inPointer =
                        UnsafeMutableRawPointer(mutating: input.baseAddress! + read).assumingMemoryBound(to: CChar.self)
                        as UnsafeMutablePointer<CChar>?
                    var inLeft = range.upperBound - read
                    var outPointer =
                        UnsafeMutableRawPointer(out.baseAddress! + written).assumingMemoryBound(to: CChar.self) as UnsafeMutablePointer<CChar>?
                    var outLeft = out.count - written
                    let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    return (range.upperBound - read - inLeft, out.count - written - outLeft, result == -1 ? errno : nil)
                }
            }
            read += inUsed
            written += outUsed
            if error == E2BIG {
                output += [UInt8](repeating: 0, count: output.count / 2 + 16)
            } else if let error {
                return .failure(PieceFailure(offset: read, errno: error))
            }
        }
        output.removeSubrange(written...)
        return .success(output)
    }
}

/// Bytes that are not valid in the encoding they are read as: where (byte offset from the start
/// of the input, 0-based, and line, 1-based) and which.
public struct TextDecodingError: Error, CustomStringConvertible, Sendable {
    public let encoding: TextEncoding
    public let byteOffset: Int
    public let line: Int
    /// The first bytes of the bad sequence.
    public let bytes: [UInt8]
    /// Detection tried GB18030 too, and that failed as well.
    public var alsoNotGB18030 = false
    public var message: String?

    public init(encoding: TextEncoding, byteOffset: Int, line: Int, bytes: [UInt8], alsoNotGB18030: Bool = false, message: String? = nil) {
        self.encoding = encoding; self.byteOffset = byteOffset; self.line = line; self.bytes = bytes
        self.alsoNotGB18030 = alsoNotGB18030; self.message = message
    }

    public var description: String {
        let hex = bytes.map { "0x" + ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
        let name = encoding == .utf8 ? "UTF-8" : "GB18030"
        var text = "line \(line), byte offset \(byteOffset): " + (message ?? "not valid \(name) (\(hex))")
        if alsoNotGB18030 { text += "; the text is not GB18030 (GBK) either" }
        return text
    }
}

/// Control characters (NUL, the other C0 controls, DEL) have no place in an id or a category
/// name: a NUL cuts the text short in C APIs (two ids would read back as one), the others are
/// invisible in every list. Rows holding one are refused by name.
public enum ControlCharacters {
    /// Whether `byte` is a C0 control or DEL.
    @inline(__always)
    public static func isControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F }

    /// Why `text` cannot be the `field` (`id`, `category`), or nil when it has no control character.
    public static func problem(in text: String, field: String) -> String? {
        for (k, scalar) in text.unicodeScalars.enumerated() where scalar.value < 0x20 || scalar.value == 0x7F {
            return "the \(field) \"\(visible(text))\" contains a control character (U+\(hex4(scalar.value)) at character \(k + 1))"
        }
        return nil
    }

    /// `text` with its control characters written `\u{XXXX}`, for messages.
    public static func visible(_ text: String) -> String {
        guard text.utf8.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F { out += "\\u{\(hex4(scalar.value))}" } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
