import Foundation
import Testing

@testable import TandemNode

/// The binary carries the demo cities' configs and samples so it runs from any folder; they are
/// `Config/`'s files, byte for byte (`Scripts/embed-config.py` copies them in).
@Suite("What the binary carries")
struct BuiltInTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(
        "each file the binary carries is Config/'s (else run python3 Scripts/embed-config.py)",
        arguments: ["default.yaml", "mexico-city.yaml", "rennes.yaml", "samples/paris.jsonl", "samples/mexico-city.jsonl", "samples/rennes.jsonl"])
    func filesMatchConfig(path: String) throws {
        let onDisk = try String(contentsOf: Self.root.appendingPathComponent("Config/" + path), encoding: .utf8)
        #expect(BuiltIn.file(path) == onDisk)
    }

    @Test("a built-in config reads as its keys, and its samples resolve into the binary")
    func builtInConfig() throws {
        let values = try BuiltIn.values(of: "rennes.yaml")
        #expect(values["node.slug"] == "rennes" && values["http.port"] == "8445" && values["sync.peers"] == "paris")
        #expect(values["samples.file"] == "samples/rennes.jsonl")
        #expect(BuiltIn.samples == ["builtin:samples/mexico-city.jsonl", "builtin:samples/paris.jsonl", "builtin:samples/rennes.jsonl"])
        #expect(throws: ConfigurationError.self) { try BuiltIn.values(of: "lyon.yaml") }
    }
}
