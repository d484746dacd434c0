import Foundation
import TandemCore
import TandemCrypto
import Yams

/// The cohort directory (`Federation/*.yaml`): the nodes that trust each other, how to reach each
/// one, and the keys it signs with. It is the root of trust, reviewed like code.
public struct CohortDirectory: Sendable {
    /// How this node checks a member's TLS certificate. Verification is never off.
    public enum TLSTrust: Sendable, Equatable {
        /// The system's certificate authorities (a certificate from a public CA).
        case system
        /// Certificates signed by the CA in this PEM file (resolved against the directory's folder).
        case caFile(String)
        /// Exactly the (self-signed) certificate with this SHA-256 fingerprint, in lowercase hex.
        case fingerprint(String)
    }

    public struct Member: Sendable {
        public let slug: NodeSlug
        public let lab: String
        public let city: String
        public let country: String
        /// `https://host:port`, without a trailing slash.
        public let url: String
        public let trust: TLSTrust
        /// The keys the cohort agreed on for this member. Later keys are accepted only through a
        /// chain of rotation statements that starts at one of these.
        public let keys: [DIDKey]

        public init(slug: NodeSlug, lab: String, city: String, country: String, url: String, trust: TLSTrust, keys: [DIDKey]) {
            (self.slug, self.lab, self.city, self.country, self.url, self.trust, self.keys) = (slug, lab, city, country, url, trust, keys)
        }
    }

    public init(name: String, members: [Member], path: String) {
        (self.name, self.members, self.path) = (name, members, path)
    }

    public let name: String
    public let members: [Member]
    /// The file it was read from, for messages.
    public let path: String

    public func member(_ slug: NodeSlug) -> Member? {
        members.first { $0.slug == slug }
    }

    /// An empty cohort: a node on its own.
    public static func alone() -> CohortDirectory {
        CohortDirectory(name: "none", members: [], path: "(none)")
    }

    /// Reads and checks a directory file; every problem is reported with the member and field.
    public static func load(path: String) throws(DirectoryError) -> CohortDirectory {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DirectoryError(path: path, "cannot read the file")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    public static func parse(_ text: String, path: String) throws(DirectoryError) -> CohortDirectory {
        let file: DirectoryFile
        do {
            file = try YAMLDecoder().decode(DirectoryFile.self, from: text)
        } catch let error as DecodingError {
            throw DirectoryError(path: path, Self.describe(error))
        } catch {
            throw DirectoryError(path: path, "not valid YAML: \("\(error)".split(whereSeparator: \.isNewline).joined(separator: " "))")
        }
        guard let entries = file.members else { throw DirectoryError(path: path, "members: expected a list of members") }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var members: [Member] = []
        for (index, entry) in entries.enumerated() {
            let member = try entry.member(at: "members[\(index)]", folder: folder, path: path)
            guard !members.contains(where: { $0.slug == member.slug }) else {
                throw DirectoryError(path: path, "members[\(index)].slug: \(member.slug) is listed twice")
            }
            members.append(member)
        }
        return CohortDirectory(name: file.cohort ?? "cohort", members: members, path: path)
    }

    /// The field at fault in a file that does not decode, as `members[2].tls: expected a mapping`.
    private static func describe(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            let text = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : text.isEmpty ? "the file" : text
        }
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let expected = type == String.self ? "text" : type is [Any].Type || "\(type)".hasPrefix("Array") ? "a list" : "a mapping"
            return context.codingPath.isEmpty ? "expected a mapping with cohort and members" : "\(place(context.codingPath)): expected \(expected)"
        case .keyNotFound(let key, let context):
            return "\(place(context.codingPath + [key])): is required"
        case .dataCorrupted(let context):
            return "\(place(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// The file as written: every field optional, so that each missing or bad one is named in order.
    struct DirectoryFile: Decodable {
        let cohort: String?
        let members: [MemberEntry]?
    }

    struct MemberEntry: Decodable {
        let slug: String?
        let lab: String?
        let city: String?
        let country: String?
        let url: String?
        let tls: TLSEntry?
        let keys: [String]?

        struct TLSEntry: Decodable {
            let trust: String?
            let file: String?
            let sha256: String?
        }

        func member(at place: String, folder: URL, path: String) throws(DirectoryError) -> Member {
            func text(_ value: String?, _ key: String, at place: String) throws(DirectoryError) -> String {
                guard let value else { throw DirectoryError(path: path, "\(place).\(key): is required") }
                return value.trimmingCharacters(in: .whitespaces)
            }
            let slugText = try text(slug, "slug", at: place)
            guard let slug = NodeSlug(slugText) else { throw DirectoryError(path: path, "\(place).slug: \"\(slugText)\" is not a node slug") }
            let at = "\(place) (\(slug))"
            var url = try text(self.url, "url", at: at)
            while url.hasSuffix("/") { url.removeLast() }
            guard let parsed = URL(string: url), parsed.scheme == "https", parsed.host != nil, parsed.path.isEmpty else {
                throw DirectoryError(path: path, "\(at).url: \"\(url)\" must be an https://host[:port] address")
            }
            let country = try text(self.country, "country", at: at)
            guard CountryCode(country) != nil else { throw DirectoryError(path: path, "\(at).country: \"\(country)\" is not an ISO 3166-1 alpha-2 code") }
            guard let tls else { throw DirectoryError(path: path, "\(at).tls: is required (trust: system, ca with a file, or fingerprint)") }
            let trust: TLSTrust
            switch tls.trust {
            case "system":
                trust = .system
            case "ca":
                guard let file = tls.file, !file.isEmpty else { throw DirectoryError(path: path, "\(at).tls.file: a PEM file is required with trust: ca") }
                trust = .caFile(file.hasPrefix("/") ? file : folder.appendingPathComponent(file).path)
            case "fingerprint":
                let value = (tls.sha256 ?? "").replacingOccurrences(of: ":", with: "").lowercased()
                guard value.count == 64, value.allSatisfy(\.isHexDigit) else {
                    throw DirectoryError(path: path, "\(at).tls.sha256: expected the certificate's SHA-256 fingerprint (64 hex digits)")
                }
                trust = .fingerprint(value)
            default:
                throw DirectoryError(path: path, "\(at).tls.trust: must be system, ca or fingerprint")
            }
            var keys: [DIDKey] = []
            for (index, text) in (self.keys ?? []).enumerated() {
                guard let key = try? DIDKey(parsing: text) else {
                    throw DirectoryError(path: path, "\(at).keys[\(index)]: expected an Ed25519 did:key (did:key:z6Mk…)")
                }
                keys.append(key)
            }
            return Member(
                slug: slug, lab: try text(lab, "lab", at: at), city: try text(city, "city", at: at), country: country, url: url, trust: trust, keys: keys)
        }
    }

    /// The directory entry of a node, as YAML: what its operator sends the cohort to join it.
    public static func entry(
        slug: NodeSlug, lab: String, city: String, country: String, url: String, fingerprint: String?, keys: [DIDKey]
    ) -> String {
        let quoted = YAMLText.quoted
        var lines = [
            "  - slug: \(slug)", "    lab: \(quoted(lab))", "    city: \(quoted(city))", "    country: \(country)", "    url: \(url)",
        ]
        if let fingerprint {
            lines += ["    tls:", "      trust: fingerprint", "      sha256: \(fingerprint)"]
        } else {
            lines += ["    tls:", "      trust: system"]
        }
        lines.append("    keys:")
        lines += keys.map { "      - \($0)" }
        return lines.joined(separator: "\n")
    }
}

/// A directory file that cannot be used, with the file and the field.
public struct DirectoryError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String

    init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "cohort directory \(path): \(message)" }
}

/// Text for the YAML files Tandem writes (directory entries, generated configs).
public enum YAMLText {
    /// A double-quoted YAML scalar: any text, read back exactly.
    public static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
