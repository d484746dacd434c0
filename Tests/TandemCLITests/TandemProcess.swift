import Foundation
import Testing

/// Runs the built `tandem` binary as a user would, and captures what it prints.
struct TandemProcess {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// The `tandem` executable that `swift build` puts next to the test bundle.
    static var executable: URL {
        get throws {
            let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])].compactMap { $0 }
            for candidate in candidates {
                var folder = candidate.deletingLastPathComponent()
                for _ in 0..<4 {
                    let binary = folder.appendingPathComponent("tandem")
                    if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
                    folder = folder.deletingLastPathComponent()
                }
            }
            throw TestFailure("the tandem binary was not found next to \(candidates); run `swift build` first")
        }
    }

    /// Runs `tandem` with `arguments`; with `fileSizeLimit`, under that limit on the size of any file
    /// it writes (prlimit, as a full disk would stop it).
    static func run(
        _ arguments: [String], stdin: String = "", in folder: String? = nil, environment: [String: String] = [:], fileSizeLimit: Int? = nil
    ) throws -> Output {
        let process = Process()
        (process.executableURL, process.arguments) = try command(arguments, fileSizeLimit: fileSizeLimit)
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let input = Pipe()
        let output = Pipe()
        let error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}

extension TandemProcess {
    /// The executable and arguments that run `tandem` with `arguments`, under a soft limit on the
    /// size of the files it writes when `fileSizeLimit` (bytes) is given; the hard limit stays
    /// unlimited, so the soft one can be lifted while it runs (`prlimit`, from util-linux).
    static func command(_ arguments: [String], fileSizeLimit: Int?) throws -> (URL, [String]) {
        guard let fileSizeLimit else { return (try executable, arguments) }
        return (URL(fileURLWithPath: "/usr/bin/prlimit"), ["--fsize=\(fileSizeLimit):unlimited", "--", try executable.path] + arguments)
    }

    /// Lifts the limit `command` set on a running process: as if space had been freed.
    static func liftFileSizeLimit(of pid: Int32) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        process.arguments = ["--pid", String(pid), "--fsize=unlimited:unlimited"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("prlimit could not lift the file-size limit of \(pid)") }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A fresh temporary folder for one test.
func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "tandem-cli-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
