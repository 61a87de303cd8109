/// A unit grid cell code (单元网格编码): 15 characters of `[0-9A-Z]`, the 9-character official
/// street/town code, a 3-character community number and a 3-character sequence.
///
/// The one place the code's structure is known: the street and community a cell belongs to
/// are prefixes of its code. Codes read back from stored orders are taken as they are (a
/// shorter text gives itself as its prefixes); codes entering the grid are checked with
/// ``problem(_:)``.
public struct CellCode: Hashable, Sendable, CustomStringConvertible {
    /// Characters of the street/town code, and of street and community codes together.
    public static let streetLength = 9, communityLength = 12, length = 15

    /// The code as written.
    public var text: String

    /// A code as it is, unchecked (see ``init(validating:)``).
    public init(_ text: String) { self.text = text }

    /// A well-formed code, or nil (``problem(_:)`` says why).
    public init?(validating text: String) {
        guard Self.problem(text) == nil else { return nil }
        self.text = text
    }

    /// The official street/town code: the first 9 characters.
    public var street: String { String(text.prefix(Self.streetLength)) }
    /// The community code: the first 12 characters.
    public var community: String { String(text.prefix(Self.communityLength)) }
    /// The sequence of the cell within its community (its last 3 digits) when the code has
    /// 15 characters ending in digits, else nil.
    public var sequence: Int? { text.count == Self.length ? Int(text.suffix(3)) : nil }

    public var description: String { text }

    /// What is wrong with `text` as a cell code (nil: it is well formed), in words that can
    /// follow the code in a message.
    public static func problem(_ text: String) -> String? {
        let count = text.utf8.count
        if let bad = text.unicodeScalars.first(where: { !(("0" ... "9").contains($0) || ("A" ... "Z").contains($0)) }) {
            return "has the character \"\(bad)\"; a cell code is made of digits and capital letters A-Z"
        }
        guard count == length else { return "has \(count) characters; a cell code has \(length)" }
        return nil
    }
}
