import Foundation
import TandemCore
import TandemCrypto
import TandemFederation
import TandemStore

/// An archive that proves itself (PROTOCOL.md §17): every version held of one origin's records (or
/// of all), each origin's key history (the keys it started with and its signed rotation
/// statements) and a README; anyone can check every document against it offline, with Tandem or
/// with any eddsa-jcs-2022 verifier. When a lab closes, another node adopts its archive.
public enum NodeBundle {
    static let documents = "documents.jsonl"
    static let origins = "origins"
    static let manifest = "bundle.json"
    static let readme = "README.md"

    /// One origin's file, `origins/<slug>.json`: who it was and the keys it signed with.
    struct Origin {
        let slug: NodeSlug
        let lab: String
        let city: String
        let country: String
        /// The keys it started with (did:key); the rotations link the later ones.
        let keys: [DIDKey]
        /// Its rotation statements, as signed.
        let rotations: [JSONValue]

        var json: JSONObject {
            [
                "slug": .string(slug.rawValue), "lab": .string(lab), "city": .string(city), "country": .string(country),
                "keys": .array(keys.map { .string($0.description) }), "rotations": .array(rotations),
            ]
        }

        init(slug: NodeSlug, lab: String, city: String, country: String, keys: [DIDKey], rotations: [JSONValue]) {
            (self.slug, self.lab, self.city, self.country, self.keys, self.rotations) = (slug, lab, city, country, keys, rotations)
        }

        init(json: JSONValue, file: String) throws(BundleError) {
            guard let object = json.objectValue, let slug = object["slug"]?.stringValue.flatMap(NodeSlug.init), file == slug.rawValue + ".json",
                let keyTexts = object["keys"]?.arrayValue?.compactMap(\.stringValue), !keyTexts.isEmpty
            else { throw BundleError("\(NodeBundle.origins)/\(file): needs slug (its file's name), keys and rotations") }
            var keys: [DIDKey] = []
            for text in keyTexts {
                guard let key = try? DIDKey(parsing: text) else { throw BundleError("\(NodeBundle.origins)/\(file): \(text) is not an Ed25519 did:key") }
                keys.append(key)
            }
            self.init(
                slug: slug, lab: object["lab"]?.stringValue ?? slug.rawValue, city: object["city"]?.stringValue ?? "", country: object["country"]?.stringValue ?? "",
                keys: keys, rotations: object["rotations"]?.arrayValue ?? [])
        }

        /// As a member of a directory used only to check documents (never to sync with).
        var member: CohortDirectory.Member {
            CohortDirectory.Member(slug: slug, lab: lab, city: city, country: country, url: "", trust: .system, keys: keys)
        }
    }

    /// What `export` wrote.
    public struct Summary: Sendable {
        public let origins: [NodeSlug]
        public let documents: Int
    }

    /// Writes the archive of `origin` (nil: every origin held) into `folder`, a new or empty one.
    public static func export(_ runtime: NodeRuntime, origin: NodeSlug?, to folder: String) throws -> Summary {
        let files = FileManager.default
        if files.fileExists(atPath: folder), (try? files.contentsOfDirectory(atPath: folder))?.isEmpty != true {
            throw BundleError("\(folder) exists and is not an empty folder; an archive goes into a new one")
        }
        let database = runtime.database
        let documents = try database.allVersions(origin: origin)
        let held = Set(try database.allRecords().map(\.origin))
        let slugs = origin.map { [$0] } ?? held.sorted()
        guard !documents.isEmpty else { throw BundleError("this node holds no record of \(origin.map(\.rawValue) ?? "any origin")") }
        let statements = try database.keyStatements()
        let archived = try database.archivedOrigins()
        var origins: [Origin] = []
        for slug in slugs {
            let rotations = try statements.filter { $0.origin == slug }.map { try JSONParser.parse($0.statement) }
            if let member = runtime.directory.member(slug) {
                origins.append(Origin(slug: slug, lab: member.lab, city: member.city, country: member.country, keys: member.keys, rotations: rotations))
            } else if let kept = archived.first(where: { $0.origin == slug }) {
                let keys = kept.keys.compactMap { try? DIDKey(parsing: $0) }
                origins.append(Origin(slug: slug, lab: kept.lab, city: kept.city, country: kept.country, keys: keys, rotations: rotations))
            } else if slug == runtime.slug {
                // This node, outside any cohort: the key it started with is the first one its own rotations retired.
                let own = statements.filter { $0.origin == slug }.sorted { $0.rotated < $1.rotated }
                let first = own.first.flatMap { try? DIDKey(parsing: $0.previousKey) } ?? runtime.node.did
                let configuration = runtime.configuration
                origins.append(Origin(slug: slug, lab: configuration.lab, city: configuration.city, country: configuration.country, keys: [first], rotations: rotations))
            } else {
                throw BundleError("no key history for \(slug): it is neither a member of the cohort nor an archive this node keeps")
            }
        }
        try files.createDirectory(atPath: folder + "/" + Self.origins, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try LineFile.write(documents, to: folder + "/" + Self.documents)
        for origin in origins {
            try JSONValue.object(origin.json).serialized(pretty: true).write(toFile: "\(folder)/\(Self.origins)/\(origin.slug).json", atomically: true, encoding: .utf8)
        }
        let made: JSONObject = [
            "made": .string(Timestamp.now().description), "by": .string(runtime.slug.rawValue), "software": .string("tandem \(TandemVersion.current)"),
            "origins": .array(origins.map { .string($0.slug.rawValue) }), "documents": .number(.integer(Int64(documents.count))),
        ]
        try JSONValue.object(made).serialized(pretty: true).write(toFile: folder + "/" + Self.manifest, atomically: true, encoding: .utf8)
        try readmeText(origins: origins, documents: documents.count, by: runtime.slug).write(toFile: folder + "/" + Self.readme, atomically: true, encoding: .utf8)
        return Summary(origins: origins.map(\.slug), documents: documents.count)
    }

    /// The archive in `folder`, read and checked: its origins, their key histories, its documents.
    struct Archive {
        let origins: [Origin]
        /// The rotation statements whose proofs verify; `problems` names the others.
        let statements: [StoredKeyStatement]
        let documents: [(line: Int, value: JSONValue)]
        let problems: [String]

        init(folder: String) throws {
            let files = FileManager.default
            guard let names = try? files.contentsOfDirectory(atPath: folder + "/" + NodeBundle.origins),
                let bytes = files.contents(atPath: folder + "/" + NodeBundle.documents)
            else { throw BundleError("\(folder) is not a Tandem archive (no \(NodeBundle.origins)/ and \(NodeBundle.documents))") }
            var origins: [Origin] = []
            var problems: [String] = []
            var statements: [StoredKeyStatement] = []
            for name in names.sorted() where name.hasSuffix(".json") {
                guard let data = files.contents(atPath: "\(folder)/\(NodeBundle.origins)/\(name)"), let value = try? JSONParser.parse(Array(data)) else {
                    throw BundleError("\(NodeBundle.origins)/\(name) is not JSON")
                }
                let origin = try Origin(json: value, file: name)
                for statement in origin.rotations {
                    do {
                        let verified = try KeyRotation.verify(statement)
                        guard verified.origin == origin.slug else {
                            problems.append("\(NodeBundle.origins)/\(name): a rotation statement of \(verified.origin) in \(origin.slug)'s file")
                            continue
                        }
                        statements.append(verified)
                    } catch {
                        problems.append("\(NodeBundle.origins)/\(name): \(error)")
                    }
                }
                origins.append(origin)
            }
            var documents: [(line: Int, value: JSONValue)] = []
            do {
                documents = try JSONParser.parseSequence(Array(bytes))
            } catch {
                throw BundleError("\(NodeBundle.documents): \(error)")
            }
            (self.origins, self.statements, self.documents, self.problems) = (origins, statements, documents, problems)
        }

        /// Admission against the archive's own key histories (and, for `node`, its own keys).
        func admission(kinds: RecordKinds, node: NodeSlug? = nil, directory: CohortDirectory? = nil, statements stored: [StoredKeyStatement] = [], own: DIDKey? = nil) -> (Admission, [RotationError]) {
            let listed = directory?.members ?? []
            let members = listed + origins.filter { origin in !listed.contains { $0.slug == origin.slug } }.map(\.member)
            let trusted = CohortDirectory(name: directory?.name ?? "archive", members: members, path: directory?.path ?? "archive")
            var keys = KeyRing(directory: trusted, statements: stored, own: node.flatMap { node in own.map { (node, $0) } })
            let refused = keys.accept(statements.map { .success($0) }).refused
            return (Admission(node: node, directory: trusted, keys: keys, kinds: kinds), refused)
        }
    }

    /// What `verify` found.
    public struct Check: Sendable {
        public let origins: [NodeSlug]
        public let documents: Int
        /// One line per document or statement that does not verify against the archive's key histories.
        public let problems: [String]
    }

    /// Checks every document of the archive in `folder` against the key histories it carries,
    /// offline: the document's origin has a file, the key that signed it is one of that origin's
    /// (not retired before it signed), and the proof verifies.
    public static func verify(folder: String, kinds: RecordKinds = .standard) throws -> Check {
        let archive = try Archive(folder: folder)
        let (admission, refused) = archive.admission(kinds: kinds)
        var problems = archive.problems + refused.map { "\(origins)/: \($0)" }
        for (line, value) in archive.documents {
            if case .refuse(let rejection) = admission.admit(value, from: .local) {
                problems.append("\(documents) line \(line): \(rejection.reason)")
            }
        }
        return Check(origins: archive.origins.map(\.slug), documents: archive.documents.count, problems: problems)
    }

    private static func readmeText(origins: [Origin], documents: Int, by node: NodeSlug) -> String {
        """
        # A Tandem archive

        \(documents) signed documents (every version held of each record) of \(origins.map { "\($0.slug) (\($0.lab), \($0.city))" }.joined(separator: ", ")), \
        written by the node \(node) on \(Timestamp.now()).

        - `documents.jsonl`: one signed document a line. Each carries a W3C Data Integrity proof,
          cryptosuite eddsa-jcs-2022 (Ed25519 over SHA-256 of RFC 8785 canonical JSON).
        - `origins/<slug>.json`: each origin's key history: the keys (did:key) it started with, and
          its key rotation statements, each signed by the key it retires.
        - `bundle.json`: when and by whom this archive was made.

        A document is its origin's when the key in its proof's `verificationMethod` is one of the
        origin's keys, or linked to one by its rotation statements, was not retired before the proof
        was created, and the proof verifies. Check them all, offline:

            tandem verify --bundle <this folder>

        or with any eddsa-jcs-2022 verifier and the keys above. Another Tandem node keeps these
        records, read-only and still signed by their origin, with `tandem import --bundle <this folder>`.
        The rules are in Tandem's PROTOCOL.md (§5, §9, §17).

        """
    }
}

extension NodeRuntime {
    /// What adopting an archive did.
    public struct Adoption: Sendable {
        public let stored: StoreTally
        /// The origins it now keeps as archives (not members of its cohort).
        public let adopted: [NodeSlug]
    }

    /// Keeps the records of an archive (a lab that closed): every document must pass admission,
    /// against this node's cohort for its members and against the archive's key history for an
    /// origin the cohort no longer lists, which this node then keeps as archived, read-only, in its
    /// feed. One refusal stores nothing.
    public func adoptBundle(at folder: String) async throws -> Adoption {
        let archive = try NodeBundle.Archive(folder: folder)
        let stored = try database.keyStatements()
        let kept = try database.archivedOrigins()
        let (admission, refused) = archive.admission(
            kinds: kinds, node: slug, directory: directory.adding(kept), statements: stored, own: node.did)
        guard archive.problems.isEmpty, refused.isEmpty else {
            throw BundleError("the archive's key history does not hold: \((archive.problems + refused.map(\.description)).joined(separator: "; ")); nothing was imported")
        }
        var admitted: [VerifiedDocument] = []
        for (line, value) in archive.documents {
            switch admission.admit(value, from: .local) {
            case .admit(let document): admitted.append(document)
            case .refuse(let rejection): throw ImportRefusal(line: line, rejection: rejection)
            case .own: preconditionFailure("a local source never yields .own")
            }
        }
        let adopted = archive.origins.filter { origin in origin.slug != slug && directory.member(origin.slug) == nil && !kept.contains { $0.origin == origin.slug } }
        let now = Timestamp.now()
        let outcomes = try await database.adopt(
            origins: adopted.map {
                ArchivedOrigin(origin: $0.slug, lab: $0.lab, city: $0.city, country: $0.country, keys: $0.keys.map(\.description), adoptedAt: now)
            },
            statements: admission.keys.statements.filter { statement in !stored.contains { $0.origin == statement.origin && $0.newKey == statement.newKey } },
            documents: admitted)
        return Adoption(stored: StoreTally(admitted, outcomes), adopted: adopted.map(\.slug))
    }
}

extension CohortDirectory {
    /// The directory with the origins this node keeps from archives added as members whose
    /// documents verify against their keys (never synced with, never taken as requesters).
    func adding(_ archived: [ArchivedOrigin]) -> CohortDirectory {
        let added = archived.filter { member($0.origin) == nil }.map { kept in
            Member(
                slug: kept.origin, lab: kept.lab, city: kept.city, country: kept.country, url: "", trust: .system,
                keys: kept.keys.compactMap { try? DIDKey(parsing: $0) })
        }
        return added.isEmpty ? self : CohortDirectory(name: name, members: members + added, path: path)
    }
}

/// An archive that cannot be written or read, in one line.
public struct BundleError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
