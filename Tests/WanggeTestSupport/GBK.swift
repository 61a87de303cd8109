import Glibc

/// What the tests of several targets share. Kept apart from the code under test: the
/// fixtures it makes are made independently of the decoders they check.
public enum TestText {
    /// `text` encoded as GBK by glibc's iconv (what Excel on a Chinese Windows saves).
    public static func gbk(_ text: String) -> [UInt8] {
        guard let cd = iconv_open("GBK", "UTF-8"), cd != iconv_t(bitPattern: -1) else { preconditionFailure("iconv has no GBK") }
        defer { iconv_close(cd) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 8)
        let written = input.withUnsafeMutableBufferPointer { i in
            output.withUnsafeMutableBufferPointer { o in
                var ip = UnsafeMutableRawPointer(i.baseAddress!).assumingMemoryBound(to: CChar.self) as UnsafeMutablePointer<CChar>?
                var op = UnsafeMutableRawPointer(o.baseAddress!).assumingMemoryBound(to: CChar.self) as UnsafeMutablePointer<CChar>?
                var il = i.count, ol = o.count
                precondition(iconv(cd, &ip, &il, &op, &ol) != -1, "not encodable as GBK")
                return o.count - ol
            }
        }
        return Array(output[..<written])
    }
}
