import Foundation
import Logging
import TandemCore

/// A node's log lines on standard error, one per record, in either format `log.format` names:
/// - `text`, as swift-log's `StreamLogHandler` writes them
///   (`2026-11-22T08:00:00+0000 info tandem.paris: key=value [source] message`);
/// - `json`, one object a line for log collectors: `{"time", "level", "label", "message", "metadata", "source"}`.
///
/// Metadata is put in words only when a line is written: every request sets its id on its
/// logger, and most requests write nothing (`StreamLogHandler` formats it at each set).
public struct NodeLogHandler: LogHandler {
    public enum Format: Sendable {
        case text, json
    }

    public let label: String
    public let format: Format
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    public init(label: String, format: Format) {
        self.label = label
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // The logger's metadata, then the line's own, then its error's.
        var merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let sorted = merged.sorted { $0.key < $1.key }
        let line: String
        switch format {
        case .text:
            let words = sorted.isEmpty ? "" : " " + sorted.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            line = "\(Self.localTime()) \(event.level) \(label):\(words) [\(event.source)] \(event.message)"
        case .json:
            var record: JSONObject = [
                "time": .string(Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))),
                "level": .string(event.level.rawValue), "label": .string(label), "message": .string(event.message.description),
            ]
            if !sorted.isEmpty { record["metadata"] = .object(JSONObject(sorted.map { (key: $0.key, value: Self.json($0.value)) })) }
            record["source"] = .string(event.source)
            line = (try? JSONValue.object(record).serialized()) ?? #"{"message":"unprintable log record"}"#
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let value): .string(value.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let values): .object(JSONObject(values.sorted { $0.key < $1.key }.map { (key: $0.key, value: json($0.value)) }))
        }
    }

    /// Local time to the second, as `StreamLogHandler` writes it.
    private static func localTime() -> String {
        var now = time(nil)
        var local = tm()
        guard localtime_r(&now, &local) != nil else { return "<unknown>" }
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
