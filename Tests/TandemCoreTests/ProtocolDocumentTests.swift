import Foundation
import Testing

@testable import TandemCore

/// PROTOCOL.md is the specification a second implementation is written from: it must name every
/// field the declarations hold, with its limits, so a kind or field added to the code is added there too.
@Suite("PROTOCOL.md and the record kinds' declarations")
struct ProtocolDocumentTests {
    static var protocolText: String {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            return try String(contentsOf: root.appendingPathComponent("PROTOCOL.md"), encoding: .utf8)
        }
    }

    /// The table row of `field` in `section`, if any: `| `name` | type | index |`.
    static func row(_ field: String, in section: Substring) -> Substring? {
        section.split(separator: "\n").first { $0.hasPrefix("| `\(field)` |") }
    }

    /// How the specification writes a limit: 20,000.
    static func number(_ value: some BinaryInteger) -> String {
        let digits = Array(String(value))
        return String(digits.enumerated().flatMap { index, digit in (index > 0 && (digits.count - index) % 3 == 0 ? [","] : []) + [digit] })
    }

    /// The limits a field's row must state: its length, its count, its values.
    static func limits(of type: FieldType) -> [String] {
        switch type {
        case .text(let maxLength, _): [number(maxLength)]
        case .list(let element, let maxCount, let unique): ["at most \(number(maxCount))"] + (unique ? ["unique"] : []) + limits(of: element)
        case .choice(let choice): choice.values.map { "`\($0)`" }
        default: []
        }
    }

    @Test("every kind, field, limit and value the code declares is in the specification", arguments: RecordKinds.standard.all.map(\.type))
    func kindsAreSpecified(type: String) throws {
        let text = try Self.protocolText
        let kind = try #require(RecordKinds.standard.kind(type: type))
        let start = try #require(text.range(of: "### `\(type)` (`/api/v1/\(kind.segment)"), "no section for \(type)").upperBound
        let end = [text.range(of: "\n### ", range: start..<text.endIndex), text.range(of: "\n## ", range: start..<text.endIndex)]
            .compactMap { $0?.lowerBound }.min() ?? text.endIndex
        let section = text[start..<end]
        let practice = try #require(text.range(of: "### `Practice`"))
        for field in kind.fields {
            // The fields every kind shares are specified once, in the practice's table.
            let shared = Field.shared.contains { $0.name == field.name }
            let row = Self.row(field.name, in: shared ? text[practice.lowerBound...] : section)
            #expect(row != nil, "\(type).\(field.name) is not in its table in PROTOCOL.md")
            for limit in Self.limits(of: field.type) {
                #expect(row?.contains(limit) == true, "\(type).\(field.name): PROTOCOL.md does not say \(limit)")
            }
            #expect(row?.contains("required") == field.isRequired, "\(type).\(field.name): PROTOCOL.md and the code disagree on required")
        }
    }
}
