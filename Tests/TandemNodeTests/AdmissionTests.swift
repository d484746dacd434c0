import Foundation
import TandemCore
import TandemCrypto
import TandemFederation
import TandemStore
import Testing

@testable import TandemNode

/// The one admission policy, asked by a sync (a peer's feed) and by an import or a local write: the
/// same document gets the same answer from both, but for this node's own records.
@Suite("Admission: may this document be stored, and as what")
struct AdmissionTests {
    /// Mexico City's node, in a cohort with Paris and Nantes; its own key rotated once.
    struct Cohort: Sendable {
        let paris = try! Ed25519PrivateKey()
        let nantes = try! Ed25519PrivateKey()
        let retired = try! Ed25519PrivateKey()
        let own = try! Ed25519PrivateKey()
        let stranger = try! Ed25519PrivateKey()
        let rotation = Timestamp("2026-06-01T00:00:00Z")!

        func admission() throws -> Admission {
            var entries = ""
            for (slug, key) in [("paris", paris), ("nantes", nantes), ("mexico-city", retired)] {
                entries += CohortDirectory.entry(
                    slug: NodeSlug(slug)!, lab: "Lab", city: slug, country: "FR", url: "https://\(slug).example", fingerprint: nil,
                    keys: [DIDKey(key.publicKey)]) + "\n"
            }
            let directory = try CohortDirectory.parse("cohort: test\nmembers:\n" + entries, path: "inline")
            let statement = try KeyRotation.statement(node: NodeSlug("mexico-city")!, from: retired, to: own.publicKey, at: rotation)
            let keys = KeyRing(directory: directory, statements: [statement], own: (NodeSlug("mexico-city")!, DIDKey(own.publicKey)))
            return Admission(node: NodeSlug("mexico-city")!, directory: directory, keys: keys, kinds: .standard)
        }

        func document(
            origin: String, key: Ed25519PrivateKey, type: String = "CaseStudy", extra: (String, JSONValue)? = nil,
            signed: String = "2026-11-01T10:00:00Z"
        ) throws -> JSONValue {
            var content: JSONObject = ["title": "Un cas", "summary": "Un résumé.", "language": "fr", "status": "pilot"]
            if let (key, value) = extra { content[key] = value }
            let document: JSONObject = [
                "type": .string(type), "id": .string(RecordID().description), "origin": .string(origin), "version": 1,
                "updated": .string(signed), "visibility": "public", "deleted": false, "content": .object(content),
            ]
            return .object(try EddsaJcs2022.sign(document, with: key, created: Timestamp(signed)!))
        }
    }

    static let cohort = Cohort()

    enum Expected: Equatable, Sendable, CustomStringConvertible {
        case understood, notUnderstood, own
        case refused(Rejection.Rule, String)

        var description: String {
            switch self {
            case .understood: "stored, understood"
            case .notUnderstood: "stored, not understood"
            case .own: "skipped as our own"
            case .refused(let rule, let text): "refused (\(rule.rawValue): …\(text)…)"
            }
        }
    }

    static func outcome(_ decision: Admission.Decision) -> Expected {
        switch decision {
        case .admit(let verified): verified.document.kind == nil ? .notUnderstood : .understood
        case .own: .own
        case .refuse(let rejection): .refused(rejection.rule, rejection.detail)
        }
    }

    static func matches(_ outcome: Expected, _ expected: Expected) -> Bool {
        switch (outcome, expected) {
        case (.refused(let rule, let detail), .refused(let expectedRule, let fragment)): rule == expectedRule && detail.contains(fragment)
        default: outcome == expected
        }
    }

    static let cases: [(String, @Sendable () throws -> JSONValue, peer: Expected, local: Expected)] = [
        ("a member's document", { try cohort.document(origin: "nantes", key: cohort.nantes) }, .understood, .understood),
        ("a member's document of a kind this version does not know", { try cohort.document(origin: "nantes", key: cohort.nantes, type: "Workshop") }, .notUnderstood, .notUnderstood),
        ("a member's case study with a field this version does not know", { try cohort.document(origin: "nantes", key: cohort.nantes, extra: ("budget", 12_000)) }, .notUnderstood, .notUnderstood),
        (
            "a member's document altered after signing",
            {
                var object = try cohort.document(origin: "nantes", key: cohort.nantes).objectValue!
                object["version"] = 2
                return .object(object)
            }, .refused(.proof, "the signature does not match"), .refused(.proof, "the signature does not match")
        ),
        ("a document from an origin outside the cohort", { try cohort.document(origin: "lyon", key: cohort.stranger) }, .refused(.origin, "lyon is not a member"), .refused(.origin, "lyon is not a member")),
        ("a member's record signed by a stranger", { try cohort.document(origin: "nantes", key: cohort.stranger) }, .refused(.key, "not a key of any cohort member"), .refused(.key, "not a key of any cohort member")),
        ("a member's record signed by another member", { try cohort.document(origin: "paris", key: cohort.nantes) }, .refused(.key, "a key of nantes, not of paris"), .refused(.key, "a key of nantes, not of paris")),
        ("our own record, signed with our key", { try cohort.document(origin: "mexico-city", key: cohort.own) }, .own, .understood),
        ("our own record, signed with our retired key before the rotation", { try cohort.document(origin: "mexico-city", key: cohort.retired, signed: "2026-01-01T00:00:00Z") }, .own, .understood),
        ("our own record, signed with our retired key after the rotation", { try cohort.document(origin: "mexico-city", key: cohort.retired) }, .own, .refused(.key, "after that key of mexico-city was retired")),
        ("our own record, signed by a stranger", { try cohort.document(origin: "mexico-city", key: cohort.stranger) }, .own, .refused(.key, "not a key of any cohort member")),
        ("an array", { [1, 2] }, .refused(.shape, "must be a JSON object"), .refused(.shape, "must be a JSON object")),
        ("a bad envelope", { ["type": "CaseStudy", "origin": "Nantes"] }, .refused(.shape, "origin: must be a node slug"), .refused(.shape, "origin: must be a node slug")),
        (
            "a document over 256 KiB", { try cohort.document(origin: "nantes", key: cohort.nantes, extra: ("problem", .string(String(repeating: "a", count: 300_000)))) },
            .refused(.size, "may be at most 262144"), .refused(.size, "may be at most 262144")
        ),
    ]

    @Test("each document gets the same answer from a peer's feed and from an import, but for this node's own", arguments: 0..<cases.count)
    func admission(index: Int) throws {
        let (name, make, peer, local) = Self.cases[index]
        let document = try make()
        let admission = try Self.cohort.admission()

        let fromPeer = Self.outcome(admission.admit(document, from: .peer))
        let fromFile = Self.outcome(admission.admit(document, from: .local))

        #expect(Self.matches(fromPeer, peer), "\(name) from a peer: \(fromPeer)")
        #expect(Self.matches(fromFile, local), "\(name) from a file: \(fromFile)")
    }

    @Test("what is admitted keeps the exact bytes it came with, and the key that signed it")
    func admittedKeepsItsBytes() throws {
        let text = #"{"type":"Workshop","id":"0193b7c2-5e1a-7c3d-9a40-2f1e8b6d4c11","origin":"nantes","version":1,"updated":"2026-11-01T10:00:00Z","visibility":"public","deleted":false,"content":{"title":"Atelier","futureField":{"nested":[1.5,"é"]}}}"#
        let signed = try EddsaJcs2022.sign(try JSONParser.parse(text).objectValue!, with: Self.cohort.nantes)

        guard case .admit(let verified) = try Self.cohort.admission().admit(.object(signed), from: .peer) else {
            Issue.record("refused")
            return
        }
        #expect(verified.text == (try JSONValue.object(signed).serialized()))
        #expect(verified.signer == DIDKey(Self.cohort.nantes.publicKey).description)
        #expect(verified.document.type == "Workshop" && verified.document.kind == nil)
    }
}
