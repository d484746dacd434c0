/// JSON output. The canonical form is RFC 8785 (JCS): members sorted by UTF-16 code units, no
/// whitespace, minimal string escaping, and numbers written as ECMAScript's Number.toString does.
extension JSONValue {
    /// The canonical UTF-8 bytes of this value.
    public func canonicalBytes() throws(CanonicalizationError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        try write(to: &output, canonical: true, indent: nil, level: 0)
        return output
    }

    /// The canonical form as a string.
    public func canonicalString() throws(CanonicalizationError) -> String {
        String(decoding: try canonicalBytes(), as: UTF8.self)
    }

    /// This value as JSON text with members in their original order, on one line or indented.
    public func serialized(pretty: Bool = false) throws(CanonicalizationError) -> String {
        var output: [UInt8] = []
        try write(to: &output, canonical: false, indent: pretty ? 2 : nil, level: 0)
        return String(decoding: output, as: UTF8.self)
    }

    private func write(to output: inout [UInt8], canonical: Bool, indent: Int?, level: Int) throws(CanonicalizationError) {
        func newline(_ level: Int) {
            guard let indent else { return }
            output.append(0x0A)
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
        }
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(.integer(let value)) where !canonical: output.append(contentsOf: String(value).utf8)
        case .number(let number): output.append(contentsOf: try number.ecmaScriptString().utf8)
        case .string(let string): JSONValue.writeString(string, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(level + 1)
                try element.write(to: &output, canonical: canonical, indent: indent, level: level + 1)
            }
            if !elements.isEmpty { newline(level) }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            let members =
                canonical
                ? object.members.map { (utf16: Array($0.key.utf16), member: $0) }
                    .sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }.map(\.member)
                : object.members
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(level + 1)
                JSONValue.writeString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                if indent != nil { output.append(UInt8(ascii: " ")) }
                try member.value.write(to: &output, canonical: canonical, indent: indent, level: level + 1)
            }
            if !members.isEmpty { newline(level) }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Writes a JSON string with RFC 8785 §3.2.2.2 escaping: only '"', '\' and control characters.
    static func writeString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        let plain = string.withUTF8 { utf8 in
            // Fast path: nothing to escape, so the bytes go out as they are.
            guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            output.append(contentsOf: utf8)
            return true
        }
        if plain {
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

extension JSONNumber {
    /// ECMAScript's Number::toString (ECMA-262 §6.1.6.1.20), which RFC 8785 §3.2.2.3 requires.
    public func ecmaScriptString() throws(CanonicalizationError) -> String {
        let value = doubleValue
        guard value.isFinite else { throw CanonicalizationError(message: "\(value) is not a JSON number") }
        if value == 0 { return "0" }
        if value < 0 { return "-" + (try JSONNumber.double(-value).ecmaScriptString()) }
        // Swift's description gives the shortest digits that round-trip, as ECMAScript asks; only
        // the layout differs, so take the digits and the exponent out of it and lay them out again.
        let (digits, n) = Self.shortestDigits(of: value)
        let k = digits.count
        if k <= n && n <= 21 {
            return digits + String(repeating: "0", count: n - k)
        }
        if 0 < n && n <= 21 {
            return String(digits.prefix(n)) + "." + String(digits.dropFirst(n))
        }
        if -6 < n && n <= 0 {
            return "0." + String(repeating: "0", count: -n) + digits
        }
        let exponent = n - 1
        let sign = exponent < 0 ? "-" : "+"
        let mantissa = k == 1 ? digits : String(digits.prefix(1)) + "." + String(digits.dropFirst())
        return mantissa + "e" + sign + String(abs(exponent))
    }

    /// The significant digits s and the exponent n with value = 0.s × 10^n, for a positive value.
    private static func shortestDigits(of value: Double) -> (digits: String, n: Int) {
        let text = value.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1])! : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerPart = String(mantissa[0])
        let fractionPart = mantissa.count == 2 ? String(mantissa[1]) : ""
        var digits = Substring(integerPart + fractionPart)
        let leadingZeros = digits.prefix { $0 == "0" }.count
        digits = digits.dropFirst(leadingZeros)
        while digits.last == "0" { digits = digits.dropLast() }
        return (String(digits), integerPart.count + exponent - leadingZeros)
    }
}

/// A value that has no canonical form (a number that is not finite).
public struct CanonicalizationError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { "cannot canonicalize: \(message)" }
}
