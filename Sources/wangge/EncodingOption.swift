import ArgumentParser
import WanggeCore

/// `--encoding`: the encoding of an input file, when it must not be detected.
public struct EncodingOption: ParsableArguments, Sendable {
    @Option(
        help:
            "The input's encoding: utf-8 or gb18030 (also gbk, gb2312). Default: UTF-8 when the file is valid UTF-8 (a BOM is skipped), else GB18030, with a notice."
    )
    public var encoding: TextEncoding?

    public init() {}

    /// `bytes` as UTF-8: decoded as `--encoding` says, or detected (``TextEncoding/decode(_:as:)``);
    /// a file read as GB18030 is noted on standard error.
    public func decode(_ bytes: [UInt8], name: String) throws(TextDecodingError) -> [UInt8] {
        let decoded = try TextEncoding.decode(bytes, as: encoding)
        if let notUTF8 = decoded.notUTF8 { noteGB18030(name: name, notUTF8: notUTF8) }
        return decoded.bytes
    }
}
