import Foundation

/// Text files of lines, of any size. swift-corelibs-foundation's `String.write(toFile:)` hands the
/// whole text to one write loop, and past 2 GiB on Linux (where one `write(2)` writes at most
/// 2,147,479,552 bytes) the rest of the file came out wrong: a million-document corpus had a
/// document cut at that byte and another spliced in. Lines go out here in pieces of at most
/// 8 MiB, to a file beside the target that is renamed into place once complete.
public enum LineFile {
    static let piece = 8 << 20

    /// Writes each line followed by a newline to `path`, replacing it only when all were written.
    public static func write(_ lines: some Sequence<String>, to path: String) throws {
        let partial = path + ".partial-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: partial, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: partial])
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
            defer { try? handle.close() }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(piece + (64 << 10))
            for line in lines {
                buffer += line.utf8
                buffer.append(UInt8(ascii: "\n"))
                if buffer.count >= piece {
                    try handle.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try handle.write(contentsOf: buffer)
            try handle.synchronize()
            guard rename(partial, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }
}
