/// A dictionary key for Chinese text: its UTF-8 bytes, hashed as bytes. Hashing a `String`
/// with non-ASCII characters normalises it to NFC on every lookup, which dominated the
/// resolver's time; the layer and the queries are folded the same way (``AddressText``)
/// and compared byte for byte.
struct TextKey: Hashable, Sendable {
    var bytes: [UInt8]

    init(_ text: String) { bytes = Array(text.utf8) }

    init(_ scalars: ArraySlice<Unicode.Scalar>) { bytes = AddressText.utf8(scalars) }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (a: TextKey, b: TextKey) -> Bool { a.bytes == b.bytes }
}
