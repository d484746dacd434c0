import Foundation

/// The slug that names a node everywhere: `paris`, `mexico-city`, `nantes`.
public struct NodeSlug: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Nil unless `rawValue` is lowercase letters and digits in runs joined by single hyphens, at most 63 bytes.
    public init?(_ rawValue: String) {
        guard Slug.isValid(rawValue, maxLength: 63) else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
    public static func < (lhs: NodeSlug, rhs: NodeSlug) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A record's UUID in its one textual form, lowercase with hyphens, so that equal ids are equal strings.
public struct RecordID: Hashable, Sendable, CustomStringConvertible {
    /// The UUID in lowercase, 8-4-4-4-12: kept as text, the form every path, document and row uses.
    public let description: String

    public init(_ uuid: UUID = UUID()) {
        self.description = uuid.uuidString.lowercased()
    }

    /// Nil unless `text` is a UUID written in lowercase, 8-4-4-4-12. Checked byte by byte: every
    /// read of a record by its address parses one (Foundation's parser was 4 % of a GET).
    public init?(_ text: String) {
        var text = text
        let isValid = text.withUTF8 { bytes in
            bytes.count == 36 && bytes.indices.allSatisfy { index in
                let byte = bytes[index]
                switch index {
                case 8, 13, 18, 23: return byte == UInt8(ascii: "-")
                default: return (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                }
            }
        }
        guard isValid else { return nil }
        self.description = text
    }
}

/// An instant in UTC to the second, written `2026-11-21T10:00:00Z` (RFC 3339), which sorts as text.
public struct Timestamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let description: String

    /// Nil unless `text` is exactly `YYYY-MM-DDTHH:MM:SSZ` and names a real instant.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z"),
            PartialDate(String(decoding: bytes[0..<10], as: UTF8.self))?.precision == .day,
            let hour = Digits.value(bytes[11..<13]), hour < 24,
            let minute = Digits.value(bytes[14..<16]), minute < 60,
            let second = Digits.value(bytes[17..<19]), second < 60
        else { return nil }
        self.description = text
    }

    /// The given instant, truncated to the second.
    public init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        self.description = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))Z"
    }

    /// Any RFC 3339 date (midnight UTC) or date-time, with a fraction and any offset: the instant
    /// in UTC, truncated to the second (a leap second counts as the second before it). For filters.
    public static func rfc3339(_ text: String) -> Timestamp? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, PartialDate(String(decoding: bytes[0..<10], as: UTF8.self))?.precision == .day,
            let year = Digits.value(bytes[0..<4]), let month = Digits.value(bytes[5..<7]), let day = Digits.value(bytes[8..<10])
        else { return nil }
        var components = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        var offset = 0
        if bytes.count > 10 {
            guard bytes.count >= 20, bytes[10] | 0x20 == UInt8(ascii: "t"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                let hour = Digits.value(bytes[11..<13]), hour < 24, let minute = Digits.value(bytes[14..<16]), minute < 60,
                let second = Digits.value(bytes[17..<19]), second <= 60
            else { return nil }
            (components.hour, components.minute, components.second) = (hour, minute, min(second, 59))
            var rest = bytes[19...]
            if rest.first == UInt8(ascii: ".") {
                let digits = rest.dropFirst().prefix { (0x30...0x39).contains($0) }
                guard !digits.isEmpty else { return nil }
                rest = rest.dropFirst(1 + digits.count)
            }
            if rest.count == 1, rest.first! | 0x20 == UInt8(ascii: "z") {
                offset = 0
            } else if rest.count == 6, rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-"), rest[rest.startIndex + 3] == UInt8(ascii: ":"),
                let hours = Digits.value(rest.dropFirst().prefix(2)), hours < 24, let minutes = Digits.value(rest.suffix(2)), minutes < 60
            {
                offset = (hours * 60 + minutes) * 60 * (rest.first == UInt8(ascii: "-") ? -1 : 1)
            } else {
                return nil
            }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let local = calendar.date(from: components) else { return nil }
        return Timestamp(local.addingTimeInterval(TimeInterval(-offset)))
    }

    public static func now() -> Timestamp { Timestamp(Date()) }
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.description < rhs.description }
}

/// A calendar date known to the year, the month or the day: `2019`, `2019-06`, `2019-06-14`.
public struct PartialDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Precision: Sendable { case year, month, day }

    public let description: String
    public let precision: Precision

    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 4 || bytes.count == 7 || bytes.count == 10,
            let year = Digits.value(bytes[0..<4]), year >= 1
        else { return nil }
        if bytes.count == 4 {
            precision = .year
        } else {
            guard bytes[4] == UInt8(ascii: "-"), let month = Digits.value(bytes[5..<7]), (1...12).contains(month) else { return nil }
            if bytes.count == 7 {
                precision = .month
            } else {
                guard bytes[7] == UInt8(ascii: "-"), let day = Digits.value(bytes[8..<10]),
                    (1...PartialDate.days(inMonth: month, year: year)).contains(day)
                else { return nil }
                precision = .day
            }
        }
        description = text
    }

    public static func < (lhs: PartialDate, rhs: PartialDate) -> Bool { lhs.description < rhs.description }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A BCP 47 language tag in its common form: `fr`, `es`, `en`, `es-MX`.
public struct LanguageTag: Hashable, Sendable, CustomStringConvertible {
    public let description: String

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let primary = parts.first, (2...3).contains(primary.count),
            primary.allSatisfy({ $0.isASCII && $0.isLowercase }),
            parts.dropFirst().allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        else { return nil }
        description = text
    }

    /// The language of a tag, without its region or script, in lowercase: `es` for `es-MX` or `ES`.
    public static func primary(of tag: String) -> String {
        tag.split(separator: "-", maxSplits: 1).first.map { $0.lowercased() } ?? ""
    }
}

/// An ISO 3166-1 alpha-2 country code in capitals: `FR`, `MX`.
public struct CountryCode: Hashable, Sendable, CustomStringConvertible {
    public let description: String

    public init?(_ text: String) {
        guard text.utf8.count == 2, text.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else { return nil }
        description = text
    }
}

enum Digits {
    /// The value of a run of ASCII digits, nil if any byte is not a digit.
    static func value(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
