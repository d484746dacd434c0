import Foundation
import Testing

@testable import TandemCore

@Suite("RFC 8785 canonical JSON")
struct CanonicalJSONTests {
    static let vectorNames = ["arrays", "french", "structures", "unicode", "values", "weird"]

    static func vector(_ folder: String, _ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Vectors/rfc8785/\(folder)/\(name)", withExtension: "json"))
        return Array(try Data(contentsOf: url))
    }

    @Test("every published input canonicalizes to its published output, byte for byte", arguments: vectorNames)
    func publishedVector(name: String) throws {
        let input = try Self.vector("input", name)
        let expected = try Self.vector("output", name)

        let canonical = try JSONParser.parse(input).canonicalBytes()

        #expect(canonical == expected, "\(String(decoding: canonical, as: UTF8.self))")
    }

    /// RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript serialization.
    @Test(
        "numbers are written as ECMAScript writes them",
        arguments: [
            ("0000000000000000", "0"), ("8000000000000000", "0"), ("0000000000000001", "5e-324"),
            ("8000000000000001", "-5e-324"), ("7fefffffffffffff", "1.7976931348623157e+308"),
            ("ffefffffffffffff", "-1.7976931348623157e+308"), ("4340000000000000", "9007199254740992"),
            ("c340000000000000", "-9007199254740992"), ("4430000000000000", "295147905179352830000"),
            ("44b52d02c7e14af5", "9.999999999999997e+22"), ("44b52d02c7e14af6", "1e+23"),
            ("44b52d02c7e14af7", "1.0000000000000001e+23"), ("444b1ae4d6e2ef4e", "999999999999999700000"),
            ("444b1ae4d6e2ef4f", "999999999999999900000"), ("444b1ae4d6e2ef50", "1e+21"),
            ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"), ("3eb0c6f7a0b5ed8d", "0.000001"),
            ("41b3de4355555553", "333333333.3333332"), ("41b3de4355555554", "333333333.33333325"),
            ("41b3de4355555555", "333333333.3333333"), ("41b3de4355555556", "333333333.3333334"),
            ("41b3de4355555557", "333333333.33333343"), ("becbf647612f3696", "-0.0000033333333333333333"),
            ("43143ff3c1cb0959", "1424953923781206.2"),
        ])
    func ecmaScriptNumber(bits: String, expected: String) throws {
        let value = Double(bitPattern: try #require(UInt64(bits, radix: 16)))

        #expect(try JSONNumber.double(value).ecmaScriptString() == expected)
    }

    @Test("a number that is not finite has no canonical form")
    func nonFiniteNumber() {
        #expect(throws: CanonicalizationError.self) { try JSONValue.number(.double(.nan)).canonicalBytes() }
        #expect(throws: CanonicalizationError.self) { try JSONValue.number(.double(.infinity)).canonicalBytes() }
    }

    @Test("integers beyond 2^53 are canonicalized as the double ECMAScript reads")
    func largeInteger() throws {
        #expect(try JSONParser.parse("[9007199254740993, -0, 1.0, 100]").canonicalString() == "[9007199254740992,0,1,100]")
    }

    @Test("keys are ordered by UTF-16 code units, not by Unicode scalars")
    func utf16KeyOrder() throws {
        // U+1F600 is D83D DE00 in UTF-16, so it sorts before U+FB33 although its scalar is larger.
        let canonical = try JSONParser.parse(#"{"\ufb33": 1, "\ud83d\ude00": 2, "a": 3}"#).canonicalString()

        #expect(canonical == "{\"a\":3,\"😀\":2,\"דּ\":1}")
    }

    @Test("strings keep their exact code points: canonically equivalent keys stay distinct")
    func noNormalization() throws {
        let value = try JSONParser.parse(#"{"\u00c5": 1, "A\u030a": 2}"#)

        #expect(value.objectValue?.count == 2)
        #expect(try value.canonicalString() == "{\"A\u{030A}\":2,\"\u{00C5}\":1}")
    }

    @Test("control characters are escaped, and nothing else is")
    func stringEscaping() throws {
        let value = JSONValue.string("\u{08}\t\n\u{0C}\r\u{01}\u{1F}\"\\/\u{7F}\u{2028}é😀")

        #expect(try value.canonicalString() == "\"\\b\\t\\n\\f\\r\\u0001\\u001f\\\"\\\\/\u{7F}\u{2028}é😀\"")
    }

    @Test("serialized output keeps member order and round-trips")
    func orderedSerialization() throws {
        let text = #"{"z":1,"a":[true,null,"x"],"m":{"é":-3}}"#

        let value = try JSONParser.parse(text)

        #expect(try value.serialized() == text)
        #expect(try JSONParser.parse(try value.serialized(pretty: true)) == value)
    }
}
