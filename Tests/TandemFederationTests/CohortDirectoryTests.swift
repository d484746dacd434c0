import Foundation
import TandemCore
import TandemCrypto
import TandemStore
import Testing

@testable import TandemFederation

@Suite struct CohortDirectoryTests {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test func theExampleDirectoryReads() throws {
        let path = Self.repositoryRoot.appendingPathComponent("Federation/cohort.example.yaml").path
        let directory = try CohortDirectory.load(path: path)
        #expect(directory.name == "la-27e-region-tandem")
        #expect(directory.members.map(\.slug.rawValue) == ["paris", "mexico-city", "rennes"])
        #expect(directory.member(NodeSlug("paris")!)?.trust == .system)
        #expect(directory.member(NodeSlug("mexico-city")!)?.trust == .caFile(Self.repositoryRoot.appendingPathComponent("Federation/certs/mexico-city-ca.pem").path))
        #expect(directory.member(NodeSlug("rennes")!)?.trust == .fingerprint("30dc36d3c5fcb9d41e49827fe1dac66782f500eb46d01259829afe457175b9b6"))
        #expect(directory.member(NodeSlug("rennes")!)?.keys.count == 2)
    }

    @Test func anEntryReadsBack() throws {
        let key = DIDKey(try Ed25519PrivateKey().publicKey)
        let entry = CohortDirectory.entry(
            slug: NodeSlug("lyon")!, lab: "Lab \"Erasme\"", city: "Lyon", country: "FR", url: "https://127.0.0.1:9000",
            fingerprint: String(repeating: "0A:", count: 31) + "0A", keys: [key])
        let directory = try CohortDirectory.parse("members:\n" + entry, path: "inline")
        #expect(directory.members.first?.lab == "Lab \"Erasme\"")
        #expect(directory.members.first?.keys == [key])
    }

    @Test(arguments: [
        ("members: [{slug: Paris}]", "members[0].slug: \"Paris\" is not a node slug"),
        ("members:\n  - {slug: a, lab: x, city: y, country: FR, url: http://a, tls: {trust: system}}", "members[0] (a).url: \"http://a\" must be an https://host[:port] address"),
        ("members:\n  - {slug: a, lab: x, city: y, country: FR, url: https://a, tls: {trust: fingerprint, sha256: abc}}", "members[0] (a).tls.sha256: expected the certificate's SHA-256 fingerprint (64 hex digits)"),
        ("members:\n  - {slug: a, lab: x, city: y, country: FR, url: https://a, tls: {trust: system}, keys: [did:key:zNope]}", "members[0] (a).keys[0]: expected an Ed25519 did:key (did:key:z6Mk…)"),
        ("members:\n  - {slug: a, lab: x, city: y, country: FR, url: https://a, tls: {trust: system}}\n  - {slug: a, lab: x, city: y, country: FR, url: https://b, tls: {trust: system}}", "members[1].slug: a is listed twice"),
        ("members: [", "not valid YAML"),
    ])
    func aBadDirectoryNamesTheField(yaml: String, message: String) {
        #expect {
            try CohortDirectory.parse(yaml, path: "bad.yaml")
        } throws: { error in
            "\(error)".hasPrefix("cohort directory bad.yaml: ") && "\(error)".contains(message)
        }
    }
}

@Suite struct KeyRingTests {
    static func directory(_ slug: String, _ key: Ed25519PrivateKey) throws -> CohortDirectory {
        try CohortDirectory.parse(
            "members:\n" + CohortDirectory.entry(slug: NodeSlug(slug)!, lab: "l", city: "c", country: "FR", url: "https://x", fingerprint: nil, keys: [DIDKey(key.publicKey)]),
            path: "inline")
    }

    @Test func aChainOfRotationsIsFollowedInAnyOrderAndRetiresEachKey() throws {
        let first = try Ed25519PrivateKey()
        let second = try Ed25519PrivateKey()
        let third = try Ed25519PrivateKey()
        let paris = NodeSlug("paris")!
        let one = try KeyRotation.statement(node: paris, from: first, to: second.publicKey, at: Timestamp("2026-01-01T00:00:00Z")!)
        let two = try KeyRotation.statement(node: paris, from: second, to: third.publicKey, at: Timestamp("2026-06-01T00:00:00Z")!)
        var ring = KeyRing(directory: try Self.directory("paris", first))
        // Newest first: the second statement only becomes acceptable once the first is in.
        let (accepted, refused) = ring.accept([.success(try KeyRotation.verify(try JSONParser.parse(two.statement))), .success(one)])
        #expect(accepted.count == 2 && refused.isEmpty)
        #expect(ring.owner(of: DIDKey(third.publicKey)) == paris)
        #expect(ring.problem(key: DIDKey(first.publicKey), origin: paris, signedAt: Timestamp("2025-12-31T00:00:00Z")) == nil)
        #expect(ring.problem(key: DIDKey(first.publicKey), origin: paris, signedAt: Timestamp("2026-02-01T00:00:00Z"))?.contains("retired at 2026-01-01T00:00:00Z") == true)
        #expect(ring.problem(key: DIDKey(third.publicKey), origin: paris, signedAt: .now()) == nil)
        #expect(ring.problem(key: DIDKey(third.publicKey), origin: NodeSlug("rennes")!, signedAt: .now())?.contains("a key of paris, not of rennes") == true)
    }

    @Test("a key rotates once: a second statement from the same key (a leaked key forking the history) is refused, in either order")
    func aKeyRotatesOnce() throws {
        let first = try Ed25519PrivateKey()
        let real = try Ed25519PrivateKey().publicKey
        let thief = try Ed25519PrivateKey().publicKey
        let paris = NodeSlug("paris")!
        let genuine = try KeyRotation.statement(node: paris, from: first, to: real, at: Timestamp("2026-06-01T00:00:00Z")!)
        let fork = try KeyRotation.statement(node: paris, from: first, to: thief, at: Timestamp("2026-05-01T00:00:00Z")!)

        var ring = KeyRing(directory: try Self.directory("paris", first), statements: [genuine])
        let (accepted, refused) = ring.accept([.success(fork)])

        #expect(accepted.isEmpty && refused.count == 1)
        #expect(refused.first?.description.contains("already rotated to \(DIDKey(real))") == true)
        #expect(ring.owner(of: DIDKey(thief)) == nil)
        #expect(ring.problem(key: DIDKey(real), origin: paris, signedAt: .now()) == nil)
        // Both in one batch: the first one read wins, the other is refused.
        var both = KeyRing(directory: try Self.directory("paris", first))
        #expect(both.accept([.success(genuine), .success(fork)]).refused.count == 1)
        #expect(both.owner(of: DIDKey(thief)) == nil)
    }

    @Test func aStatementNotSignedByAPreviousKeyIsRefused() throws {
        let real = try Ed25519PrivateKey()
        let thief = try Ed25519PrivateKey()
        var ring = KeyRing(directory: try Self.directory("paris", real))
        let selfSigned = try KeyRotation.statement(node: NodeSlug("paris")!, from: thief, to: try Ed25519PrivateKey().publicKey)
        let (accepted, refused) = ring.accept([.success(selfSigned)])
        #expect(accepted.isEmpty && refused.count == 1)
        #expect(ring.owner(of: DIDKey(thief.publicKey)) == nil)

        // A statement whose proof was made by another key than the previous key it names.
        let signedByThief = try KeyRotation.statement(node: NodeSlug("paris")!, from: thief, to: try Ed25519PrivateKey().publicKey)
        var altered = try #require(try JSONParser.parse(signedByThief.statement).objectValue)
        altered["previousKey"] = .string(DIDKey(real.publicKey).description)
        #expect(throws: RotationError.self) { try KeyRotation.verify(.object(altered)) }
    }
}
