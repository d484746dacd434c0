import Testing

@testable import TandemCore

@Suite("Strict JSON parsing")
struct JSONParserTests {
    @Test(
        "malformed JSON is refused with the line and column where it breaks",
        arguments: [
            ("{\n  \"a\": 1,\n  \"b\": tru\n}", 3, 8, "invalid literal"),
            ("{\"a\": 1,}", 1, 9, "expected a string key"),
            ("[1, 2", 1, 6, "unexpected end of input inside an array"),
            ("{\"a\": 01}", 1, 8, "leading zeros"),
            ("\"abc", 1, 5, "unterminated string"),
            ("{\"a\": 1} x", 1, 10, "unexpected content after"),
            ("{\"a\": \"\\x\"}", 1, 9, "invalid escape"),
            ("[1e999]", 1, 2, "out of range"),
            ("", 1, 1, "unexpected end of input"),
        ])
    func malformed(text: String, line: Int, column: Int, message: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }

        #expect(error?.line == line)
        #expect(error?.column == column)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test("duplicate keys are refused")
    func duplicateKeys() {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"title": "a", "title": "b"}"#) }
        #expect(error?.message == "duplicate key \"title\" in object")
    }

    @Test("lone surrogates and invalid UTF-8 are refused")
    func invalidUnicode() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"["\ud800"]"#) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"["\udc00x"]"#) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test("deep nesting is refused instead of exhausting the stack")
    func deepNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        #expect(error?.message.contains("nesting deeper than") == true)
    }

    @Test("integers are kept exact, other numbers become doubles")
    func numbers() throws {
        let value = try JSONParser.parse("[42, -7, 9007199254740993, 1.5, 2e3, 1.0]")
        let numbers = try #require(value.arrayValue).compactMap(\.numberValue)

        #expect(numbers.map(\.exactInteger) == [42, -7, 9_007_199_254_740_993, nil, nil, nil])
        #expect(numbers.map(\.doubleValue) == [42, -7, 9_007_199_254_740_992, 1.5, 2000, 1])
    }

    @Test("a stream of documents is read with the line each starts on")
    func sequence() throws {
        let values = try JSONParser.parseSequence(Array("{\"a\":1}\n\n{\n \"b\": 2\n}\n[3]".utf8))

        #expect(values.map(\.line) == [1, 3, 6])
    }
}

@Suite("Constant-time comparison")
struct ConstantTimeTests {
    @Test("equal only when every byte is", arguments: [("abc", "abc", true), ("abc", "abd", false), ("abc", "bbc", false), ("abc", "abcd", false), ("", "", true), ("é", "e\u{301}", false)])
    func equal(left: String, right: String, same: Bool) {
        #expect(ConstantTime.equal(left, right) == same)
    }
}
