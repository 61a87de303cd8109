import ArgumentParser
import Foundation
import WanggeCore

/// A destination for output: a file (written whole, then moved into place) or standard output.
public struct OutputSink {
    public let path: String
    private let handle: FileHandle
    private let temporary: String?

    public init(_ path: String) throws {
        self.path = path
        if path == "-" {
            handle = FileHandle.standardOutput
            temporary = nil
        } else {
            let tmp = path + ".partial"
            guard FileManager.default.createFile(atPath: tmp, contents: nil) else {
                throw OutputFileError(path: path)
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: tmp))
            temporary = tmp
        }
    }

    /// Writes `bytes` whole (straight from the array: no copy into a `Data`), or throws naming
    /// the destination and the system's reason (a full disk, a closed pipe).
    public func write(_ bytes: [UInt8]) throws {
        let fd = handle.fileDescriptor
        try bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    throw OutputFileError(path: path == "-" ? "standard output" : path, reason: String(cString: strerror(errno)))
                }
                done += n
            }
        }
    }

    /// Abandons a file output after an error (nothing appears at `path`).
    public func discard() {
        guard let temporary else { return }
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporary)
    }

    /// Finishes the output: a file appears only once complete.
    public func close() throws {
        guard let temporary else { return }
        try handle.close()
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
}
