import Foundation
import Yams

/// What the binary carries so that it runs from any folder: the demo cities' configs and their
/// sample records, as `Config/` holds them (`Scripts/embed-config.py` copies them in).
public enum BuiltIn {
    /// How a path into the binary's `Config/` is written: `builtin:samples/paris.jsonl`.
    public static let prefix = "builtin:"

    /// The demo cities' config files, in the order `tandem demo` starts them.
    public static let cities = ["default.yaml", "mexico-city.yaml", "rennes.yaml"]

    /// The sample record sets it carries, as `samples.file` names them.
    public static var samples: [String] { files.keys.filter { $0.hasPrefix("samples/") }.sorted().map { prefix + $0 } }

    /// The text of a file of the binary's `Config/` (`default.yaml`, `samples/paris.jsonl`).
    public static func file(_ path: String) -> String? {
        files[path].map { $0 + "\n" }
    }

    /// The values of a built-in config file, as config keys (`http.port`) and their text.
    public static func values(of path: String) throws(ConfigurationError) -> [String: String] {
        guard let text = file(path) else { throw ConfigurationError(key: "config", "the binary has no config \(path)") }
        var values: [String: String] = [:]
        func flatten(_ node: Any, _ key: String) {
            if let mapping = node as? [String: Any] {
                for (name, value) in mapping { flatten(value, key.isEmpty ? name : key + "." + name) }
            } else {
                values[key] = "\(node)"
            }
        }
        do { flatten(try Yams.load(yaml: text) ?? [:], "") } catch { throw ConfigurationError(key: "config", "the built-in \(path) is not valid YAML") }
        return values
    }
}
