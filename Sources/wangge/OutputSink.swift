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

    public func write(_ bytes: [UInt8]) { handle.write(Data(bytes)) }

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
