import Foundation

/// The sample records in `Config/samples/`, as the tests that load them count them.
public enum Samples {
    /// The repository's root folder (this file is `Sources/TandemTestSupport/Samples.swift`).
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// How many records `Config/samples/<city>.jsonl` holds: one per non-empty line.
    public static func count(_ city: String) -> Int {
        let url = repositoryRoot.appendingPathComponent("Config/samples/\(city).jsonl")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return -1 }
        return text.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }.count
    }

    public static var paris: Int { count("paris") }
    public static var mexicoCity: Int { count("mexico-city") }
    public static var rennes: Int { count("rennes") }
}
