import Configuration
import Foundation
import TandemTestSupport
import Testing

@testable import TandemNode

@Suite("The demo cities' configs")
struct ConfigurationTests {
    /// A configuration from the defaults and `values` alone, with no file.
    static func configuration(_ values: [String: String]) throws -> NodeConfiguration {
        let provider = InMemoryProvider(values: Dictionary(uniqueKeysWithValues: values.map { key, value in
            (AbsoluteConfigKey(key.split(separator: ".").map(String.init)), ConfigValue(.string(value), isSecret: false))
        }))
        return try NodeConfiguration(reader: ConfigReader(provider: provider), baseDirectory: NSTemporaryDirectory())
    }

    @Test(
        "each city's config reads, and its sample records load, signed by its own key",
        arguments: [("default.yaml", "paris", 8443, Samples.paris), ("mexico-city.yaml", "mexico-city", 8444, Samples.mexicoCity), ("rennes.yaml", "rennes", 8445, Samples.rennes)])
    func city(file: String, slug: String, port: Int, samples: Int) async throws {
        let path = TestNode.repositoryRoot.appendingPathComponent("Config/\(file)").path
        let location = ConfigReader(provider: InMemoryProvider(values: ["filePath": .init(.string(path), isSecret: false)]))
        let folder = NSTemporaryDirectory() + "tandem-config-" + UUID().uuidString
        let reader = ConfigReader(providers: [
            InMemoryProvider(values: ["data.dir": .init(.string(folder), isSecret: false)]),
            try await FileProvider<YAMLSnapshot>(config: location),
        ])

        let configuration = try NodeConfiguration(reader: reader, baseDirectory: TestNode.repositoryRoot.appendingPathComponent("Config").path)
        let runtime = try await NodeRuntime.prepare(configuration)

        #expect(configuration.slug.rawValue == slug)
        #expect(configuration.port == port)
        #expect(runtime.samplesLoaded == samples)
        #expect(try runtime.database.allRecords().allSatisfy { $0.origin.rawValue == slug && $0.signer == runtime.node.did.description && $0.isUnderstood })
        #expect(try await NodeRuntime.prepare(runtime.configuration).samplesLoaded == 0)
    }
}
