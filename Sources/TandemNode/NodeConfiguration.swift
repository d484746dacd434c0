import Configuration
import Foundation
import Logging
import TandemCore
import TandemFederation

/// Everything a node reads from its config, checked once at start.
///
/// Keys (YAML in `Config/`, overridden by environment variables such as `HTTP_PORT`, and by flags):
/// - `node.slug` (`paris`), `node.lab`, `node.city`, `node.country`: who this node is.
/// - `node.key` (`<data.dir>/node.pem`): the Ed25519 signing key, made on first start when missing.
/// - `http.host` (`127.0.0.1`), `http.port` (`8443`), `http.maxBodySize` (`1048576` bytes).
/// - `http.idleTimeout` (`30` seconds): a connection with no request under way is closed after this.
/// - `http.requestTimeout` (`30` seconds): from a request's head to the end of its response.
/// - `tls.certificate`, `tls.key` (empty): PEM files; when both are empty a self-signed
///   certificate is made in the data folder.
/// - `data.dir` (`./.tandem/paris`): the SQLite database, keys and certificate.
/// - `samples.file` (`samples/paris.jsonl`, relative to the config file; `builtin:samples/paris.jsonl`
///   names the copy the binary carries): records loaded into an empty database; empty for none.
/// - `web.sessionLifetime` (`28800` seconds): how long a browser stays signed in after signing in.
/// - `browse.facetTimeLimit` (`0.5` seconds; `0` counts none): how long one request may count
///   facets; those not counted by then are left out and named (`facetsTimedOut`).
/// - `log.level` (`info`), `log.format` (`text`; `json`: one JSON object a line on standard error).
/// - `node.url` (`https://<http.host>:<http.port>`): the address peers use, as the cohort directory lists it.
/// - `federation.directory` (empty: no cohort): the cohort directory file, relative to the config file.
/// - `sync.interval` (`300` seconds; `0` turns the scheduled sync off), `sync.timeout` (`10` seconds
///   per request, head and body), `sync.deadline` (`600` seconds per run with one peer),
///   `sync.pageSize` (`200`), `sync.peers` (empty: every other member; or slugs separated by commas).
public struct NodeConfiguration: Sendable {
    public var slug: NodeSlug
    public var lab: String
    public var city: String
    public var country: String
    public var host: String
    public var port: Int
    public var maxBodySize: Int
    public var limits: ConnectionLimits
    public var dataDirectory: String
    public var keyPath: String
    public var certificatePath: String?
    public var certificateKeyPath: String?
    public var samplesPath: String?
    public var logLevel: Logger.Level
    /// Whether logs are JSON lines (`log.format: json`) rather than text.
    public var logsJSON: Bool
    public var publicURL: String?
    public var directoryPath: String?
    public var sync: SyncSettings
    /// How long a browser's sign-in lasts (`web.sessionLifetime`).
    public var sessionLifetime: Duration
    /// How long one list or browse page may spend counting facets (`browse.facetTimeLimit`).
    public var facetTimeLimit: Duration

    /// Reads and checks every key; a bad value throws an error that names its key.
    /// `baseDirectory` resolves relative file paths of the config file (`samples.file`); with
    /// `builtIn`, the config is one the binary carries, and its `samples.file` is in the binary too.
    public init(reader: ConfigReader, baseDirectory: String, builtIn: Bool = false) throws(ConfigurationError) {
        func value(_ key: String, _ defaultValue: String) -> String {
            reader.string(forKey: ConfigKey(key))?.trimmingCharacters(in: .whitespaces) ?? defaultValue
        }
        func optional(_ key: String) -> String? {
            let text = value(key, "")
            return text.isEmpty ? nil : text
        }
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") || path.hasPrefix(BuiltIn.prefix)
                ? path : URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: baseDirectory, isDirectory: true)).path
        }

        let slugText = value("node.slug", "paris")
        guard let slug = NodeSlug(slugText) else {
            throw ConfigurationError(key: "node.slug", "\"\(slugText)\" is not a node slug (lowercase letters, digits and single hyphens)")
        }
        self.slug = slug
        lab = value("node.lab", "La Transfo, Ville de Paris")
        city = value("node.city", "Paris")
        country = value("node.country", "FR")
        guard CountryCode(country) != nil else { throw ConfigurationError(key: "node.country", "\"\(country)\" is not an ISO 3166-1 alpha-2 code such as FR") }
        host = value("http.host", "127.0.0.1")
        let portText = value("http.port", "8443")
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw ConfigurationError(key: "http.port", "\"\(portText)\" is not a port number (0 to 65535)")
        }
        self.port = port
        let sizeText = value("http.maxBodySize", "1048576")
        guard let maxBodySize = Int(sizeText), maxBodySize >= 1024 else {
            throw ConfigurationError(key: "http.maxBodySize", "\"\(sizeText)\" is not a size in bytes of at least 1024")
        }
        self.maxBodySize = maxBodySize
        dataDirectory = value("data.dir", "./.tandem/\(slug)")
        keyPath = optional("node.key") ?? dataDirectory + "/node.pem"
        certificatePath = optional("tls.certificate")
        certificateKeyPath = optional("tls.key")
        guard (certificatePath == nil) == (certificateKeyPath == nil) else {
            throw ConfigurationError(key: certificatePath == nil ? "tls.certificate" : "tls.key", "tls.certificate and tls.key go together: set both, or neither for a self-signed certificate")
        }
        samplesPath = optional("samples.file").map { builtIn && !$0.hasPrefix("/") && !$0.hasPrefix(BuiltIn.prefix) ? BuiltIn.prefix + $0 : resolve($0) }
        let levelText = value("log.level", "info")
        guard let logLevel = Logger.Level(rawValue: levelText) else {
            throw ConfigurationError(key: "log.level", "\"\(levelText)\" is not one of trace, debug, info, notice, warning, error, critical")
        }
        self.logLevel = logLevel
        let formatText = value("log.format", "text")
        guard formatText == "text" || formatText == "json" else {
            throw ConfigurationError(key: "log.format", "\"\(formatText)\" is not text or json")
        }
        logsJSON = formatText == "json"
        publicURL = optional("node.url")
        directoryPath = optional("federation.directory").map(resolve)
        func seconds(_ key: String, _ defaultValue: String, allowZero: Bool) throws(ConfigurationError) -> Duration {
            let text = value(key, defaultValue)
            guard let number = Double(text), number >= 0, number <= 86_400 * 7, allowZero || number > 0 else {
                throw ConfigurationError(key: key, "\"\(text)\" is not a number of seconds\(allowZero ? " (0 turns it off)" : " above 0")")
            }
            return .milliseconds(Int(number * 1000))
        }
        limits = ConnectionLimits(
            idleTimeout: try seconds("http.idleTimeout", "30", allowZero: false),
            requestTimeout: try seconds("http.requestTimeout", "30", allowZero: false))
        sessionLifetime = try seconds("web.sessionLifetime", "28800", allowZero: false)
        facetTimeLimit = try seconds("browse.facetTimeLimit", "0.5", allowZero: true)
        let interval = try seconds("sync.interval", "300", allowZero: true)
        let timeout = try seconds("sync.timeout", "10", allowZero: false)
        let deadline = try seconds("sync.deadline", "600", allowZero: false)
        let pageText = value("sync.pageSize", String(FeedPage.defaultLimit))
        guard let pageSize = Int(pageText), (1...FeedPage.maximumLimit).contains(pageSize) else {
            throw ConfigurationError(key: "sync.pageSize", "\"\(pageText)\" is not a page size from 1 to \(FeedPage.maximumLimit)")
        }
        var peers: [NodeSlug]?
        if let list = optional("sync.peers") {
            peers = try list.split(separator: ",").map { item throws(ConfigurationError) in
                let text = item.trimmingCharacters(in: .whitespaces)
                guard let slug = NodeSlug(text) else { throw ConfigurationError(key: "sync.peers", "\"\(text)\" is not a node slug") }
                return slug
            }
        }
        sync = SyncSettings(interval: interval == .zero ? nil : interval, timeout: timeout, deadline: deadline, pageSize: pageSize, peers: peers)
    }

    /// The configuration as a YAML file that reads back to the same values (paths made absolute).
    public var yaml: String {
        let quoted = YAMLText.quoted
        func absolute(_ path: String) -> String { path.hasPrefix(BuiltIn.prefix) ? path : URL(fileURLWithPath: path).standardizedFileURL.path }
        func seconds(_ duration: Duration?) -> String {
            guard let duration else { return "0" }
            let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
            return milliseconds % 1000 == 0 ? String(milliseconds / 1000) : String(Double(milliseconds) / 1000)
        }
        var lines = [
            "node:", "  slug: \(slug)", "  lab: \(quoted(lab))", "  city: \(quoted(city))", "  country: \(country)",
            "  key: \(quoted(absolute(keyPath)))",
        ]
        if let publicURL { lines.append("  url: \(publicURL)") }
        lines += [
            "http:", "  host: \(host)", "  port: \(port)", "  maxBodySize: \(maxBodySize)",
            "  idleTimeout: \(seconds(limits.idleTimeout))", "  requestTimeout: \(seconds(limits.requestTimeout))",
        ]
        if let certificatePath, let certificateKeyPath {
            lines += ["tls:", "  certificate: \(quoted(absolute(certificatePath)))", "  key: \(quoted(absolute(certificateKeyPath)))"]
        }
        lines += ["data:", "  dir: \(quoted(absolute(dataDirectory)))"]
        if let samplesPath { lines += ["samples:", "  file: \(quoted(absolute(samplesPath)))"] }
        if let directoryPath { lines += ["federation:", "  directory: \(quoted(absolute(directoryPath)))"] }
        lines += [
            "sync:", "  interval: \(seconds(sync.interval))", "  timeout: \(seconds(sync.timeout))", "  deadline: \(seconds(sync.deadline))",
            "  pageSize: \(sync.pageSize)",
        ]
        if let peers = sync.peers { lines.append("  peers: \(peers.map(\.rawValue).joined(separator: ","))") }
        lines += ["web:", "  sessionLifetime: \(seconds(sessionLifetime))"]
        lines += ["browse:", "  facetTimeLimit: \(seconds(facetTimeLimit))"]
        lines += ["log:", "  level: \(logLevel.rawValue)", "  format: \(logsJSON ? "json" : "text")"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A logger at the configured level, writing text or JSON lines as `log.format` says.
    public func logger(label: String) -> Logger {
        var logger = Logger(label: label) { [logsJSON] in NodeLogHandler(label: $0, format: logsJSON ? .json : .text) }
        logger.logLevel = logLevel
        return logger
    }

    /// The address peers and people use: `node.url`, else `https://host:port`.
    public var baseURL: String { publicURL ?? "https://\(host):\(port)" }
}

/// How much a client may send and how long it may take, per connection (the HTTP layer enforces them).
///
/// - The request line and headers: each field (the address counts as one) at most
///   `maximumFieldBytes`, all of them at most `maximumHeaderBytes`, at most `maximumFieldCount`
///   fields. Over that the node answers 431 with a problem document and closes the connection.
/// - `idleTimeout`: a connection with no request under way is closed after this long. A client that
///   trickles a request's head never completes a request part, so this also bounds it.
/// - `requestTimeout`: from a request's head to the end of its response. A client that trickles
///   its body, or reads its response too slowly, is cut off when it runs out.
public struct ConnectionLimits: Sendable {
    public static let maximumFieldBytes = 8 * 1024
    public static let maximumHeaderBytes = 16 * 1024
    public static let maximumFieldCount = 100

    public var idleTimeout: Duration
    public var requestTimeout: Duration

    public init(idleTimeout: Duration = .seconds(30), requestTimeout: Duration = .seconds(30)) {
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
    }
}

/// A config value that cannot be used, named by its key.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let key: String
    public let message: String

    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "config key \(key): \(message)" }
}
