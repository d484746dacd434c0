import ArgumentParser
import Configuration
import Foundation
import TandemNode
import TandemStore

/// The options every node command shares: which config, which data folder.
struct NodeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The node's YAML config (default: Config/default.yaml when it exists, else the copy of it the binary carries).", valueName: "path"))
    var config: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("The data folder; overrides data.dir.", valueName: "dir"))
    var dataDir: String?

    /// The configuration: flags, then environment variables (HTTP_PORT for http.port), then the YAML
    /// file: `--config`, else `Config/default.yaml` when it exists, else the binary's copy of it
    /// (`builtIn` names another of the binary's configs).
    func load(overrides: [String: String?] = [:], builtIn: String? = nil) async throws -> NodeConfiguration {
        var path = config
        if path == nil, builtIn == nil, FileManager.default.fileExists(atPath: "Config/default.yaml") { path = "Config/default.yaml" }
        var flags = overrides
        flags["data.dir"] = dataDir
        let values = flags.compactMapValues { $0 }.reduce(into: [AbsoluteConfigKey: ConfigValue]()) {
            $0[AbsoluteConfigKey(ConfigKey($1.key))] = ConfigValue(.string($1.value), isSecret: false)
        }
        var providers: [any ConfigProvider] = [InMemoryProvider(name: "flags", values: values), EnvironmentVariablesProvider()]
        var baseDirectory = FileManager.default.currentDirectoryPath
        if let path {
            guard FileManager.default.fileExists(atPath: path) else { throw CommandFailure("config file \(path): no such file") }
            do {
                let location = ConfigReader(provider: InMemoryProvider(values: ["filePath": ConfigValue(.string(path), isSecret: false)]))
                providers.append(try await FileProvider<YAMLSnapshot>(config: location))
            } catch {
                let reason = "\(error)".split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
                throw CommandFailure("config file \(path) is not valid YAML: \(reason)")
            }
            baseDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        } else {
            let values = try BuiltIn.values(of: builtIn ?? "default.yaml").reduce(into: [AbsoluteConfigKey: ConfigValue]()) {
                $0[AbsoluteConfigKey(ConfigKey($1.key))] = ConfigValue(.string($1.value), isSecret: false)
            }
            providers.append(InMemoryProvider(name: "built-in \(builtIn ?? "default.yaml")", values: values))
        }
        return try NodeConfiguration(reader: ConfigReader(providers: providers), baseDirectory: baseDirectory, builtIn: path == nil)
    }
}

/// Opens the node's database (creating the data folder when missing), without serving.
func openDatabase(_ options: NodeOptions) async throws -> AppDatabase {
    try NodeRuntime.openDatabase(try await options.load())
}

/// Prints a line now, even when standard output is a pipe (scripts read these lines as they come).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
