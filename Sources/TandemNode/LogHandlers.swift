import Foundation
import Logging
import TandemCore

/// Log records as one JSON object a line on standard error (`log.format: json`), for log
/// collectors: `{"time", "level", "label", "message", "metadata", "source"}`.
public struct JSONLogHandler: LogHandler {
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String, function: String, line: UInt
    ) {
        let merged = metadata.merging(explicit ?? [:]) { $1 }
        var record: JSONObject = [
            "time": .string(Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))),
            "level": .string(level.rawValue), "label": .string(label), "message": .string(message.description),
        ]
        if !merged.isEmpty { record["metadata"] = .object(JSONObject(merged.sorted { $0.key < $1.key }.map { (key: $0.key, value: Self.json($0.value)) })) }
        record["source"] = .string(source)
        let text = ((try? JSONValue.object(record).serialized()) ?? #"{"message":"unprintable log record"}"#) + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let value): .string(value.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let values): .object(JSONObject(values.sorted { $0.key < $1.key }.map { (key: $0.key, value: json($0.value)) }))
        }
    }
}
