import Foundation

/// The bytes of a file named on the command line, or of standard input.
struct InputFile {
    let name: String
    let bytes: [UInt8]

    static func read(_ path: String?) throws -> InputFile {
        guard let path else {
            return InputFile(name: "stdin", bytes: Array(FileHandle.standardInput.readDataToEndOfFile()))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandFailure("\(path): no such file")
        }
        guard !isDirectory.boolValue else { throw CommandFailure("\(path): is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path): cannot read the file") }
        return InputFile(name: path, bytes: Array(data))
    }
}
