import ArgumentParser
import Foundation
import WanggeCore
import Glibc

/// A file read block by block (a streamed import); closed when the reader goes away.
public final class FileBlockReader {
    private let fd: Int32
    private let path: String

    public init(path: String) throws {
        fd = open(path, O_RDONLY)
        self.path = path
        guard fd >= 0 else { throw InputFileError(path: path, reason: String(cString: strerror(errno))) }
    }

    deinit { close(fd) }

    /// Up to `count` more bytes; empty at the end of the file.
    public func read(_ count: Int) throws -> [UInt8] {
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, filled in
            filled = 0
            while filled < count {
                let n = Glibc.read(fd, buffer.baseAddress! + filled, count - filled)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = n < 0 ? errno : 0; break }
                filled += n
            }
        }
        if failure != 0 { throw InputFileError(path: path, reason: String(cString: strerror(failure))) }
        return bytes
    }
}
