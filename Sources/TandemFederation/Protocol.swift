import Foundation
import TandemCore
import TandemStore

/// The version of Tandem this build is, shown in the node descriptor.
public enum TandemVersion {
    public static let current = "0.6.0"
}

/// Change feed cursors: opaque to readers; to the server, its database epoch and a change position.
public enum FeedCursor {
    /// What `since` looks like (documented in the OpenAPI description): the epoch, a dot, the
    /// position. Any value of this shape is accepted; another epoch reads again from the start.
    public static let pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}[.](0|[1-9][0-9]{0,17})$"

    public static func encode(_ checkpoint: PeerCheckpoint) -> String {
        "\(checkpoint.epoch).\(checkpoint.position)"
    }

    /// Nil when the text is not a cursor this protocol makes. Also reads the base64url form that
    /// Tandem 0.4 gave (`base64url(epoch:position)`), so a checkpoint taken then still resumes.
    public static func decode(_ cursor: String) -> PeerCheckpoint? {
        let parts = cursor.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 2 { return checkpoint(epoch: parts[0], position: parts[1]) }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let old = text.split(separator: ":", omittingEmptySubsequences: false)
        return old.count == 2 ? checkpoint(epoch: old[0], position: old[1]) : nil
    }

    private static func checkpoint(epoch: Substring, position: Substring) -> PeerCheckpoint? {
        guard epoch.utf8.count == 36, UUID(uuidString: String(epoch)) != nil, position.utf8.count <= 18,
            position.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int64(position)
        else { return nil }
        return PeerCheckpoint(epoch: String(epoch).lowercased(), position: value)
    }
}

/// `GET /federation/v1/changes`: the body a node serves and a reader checks.
public enum FeedPage {
    /// Pages hold at most this many documents, and about this many bytes.
    public static let maximumLimit = 1000
    public static let defaultLimit = 200
    public static let targetBytes = 4 * 1024 * 1024
    /// What a reader accepts: a full page plus one maximal document, and the envelope.
    public static let maximumBytes = targetBytes + Document.maximumEncodedSize + 64 * 1024

    /// The JSON of a page. `reader` names the member the page was served to (nil: public only).
    public static func encode(epoch: String, page: ChangePage, since: Int64, reader: NodeSlug?, restarted: Bool) -> String {
        let next = FeedCursor.encode(PeerCheckpoint(epoch: epoch, position: page.last ?? since))
        var body = "{\"epoch\":\"\(epoch)\",\"reader\":" + (reader.map { "\"\($0)\"" } ?? "null")
        body += ",\"restarted\":\(restarted),\"items\":["
        body += page.documents.joined(separator: ",")
        body += "],\"next\":\"\(next)\",\"hasMore\":\(page.remaining > 0),\"remaining\":\(page.remaining)}"
        return body
    }

    /// A page as a reader sees it, before any document in it is checked.
    public struct Decoded: Sendable {
        public let epoch: String
        public let reader: NodeSlug?
        public let items: [JSONValue]
        public let next: PeerCheckpoint
        public let hasMore: Bool
        public let remaining: Int
    }

    public static func decode(_ bytes: [UInt8]) throws(PeerError) -> Decoded {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw .malformed("the page is not valid JSON: \(error.description)") }
        guard let object = value.objectValue, let epoch = object["epoch"]?.stringValue, UUID(uuidString: epoch) != nil,
            let items = object["items"]?.arrayValue, let nextText = object["next"]?.stringValue, let next = FeedCursor.decode(nextText),
            next.epoch == epoch, case .bool(let hasMore)? = object["hasMore"],
            case .number(.integer(let remaining))? = object["remaining"], remaining >= 0
        else { throw .malformed("the page lacks epoch, items, next, hasMore or remaining") }
        let reader: NodeSlug? = object["reader"]?.stringValue.flatMap(NodeSlug.init)
        guard items.count <= maximumLimit else { throw .malformed("the page has \(items.count) items; at most \(maximumLimit) are allowed") }
        return Decoded(epoch: epoch, reader: reader, items: items, next: next, hasMore: hasMore, remaining: Int(remaining))
    }
}

/// `GET /federation/v1/node`: who a node is and its key history.
public struct NodeDescriptor: Sendable {
    public let slug: NodeSlug
    public let lab: String
    public let city: String
    public let country: String
    public let url: String
    public let currentKey: String
    /// Every rotation statement the node holds: its own (its key history) and those of other members it relays.
    public let statements: [StoredKeyStatement]

    public init(slug: NodeSlug, lab: String, city: String, country: String, url: String, currentKey: String, statements: [StoredKeyStatement]) {
        self.slug = slug
        self.lab = lab
        self.city = city
        self.country = country
        self.url = url
        self.currentKey = currentKey
        self.statements = statements
    }

    public func json() throws -> String {
        let own = statements.filter { $0.origin == slug }
        let others = statements.filter { $0.origin != slug }
        func parsed(_ statement: StoredKeyStatement) throws -> JSONValue { try JSONParser.parse(statement.statement) }
        let keys: JSONObject = [
            "current": .string(currentKey),
            "earlier": .array(own.map { .object(["key": .string($0.previousKey), "retired": .string($0.rotated.description)]) }),
            "rotations": .array(try own.map(parsed)),
        ]
        let object: JSONObject = [
            "slug": .string(slug.rawValue), "lab": .string(lab), "city": .string(city), "country": .string(country), "url": .string(url),
            "software": .object(["name": "tandem", "version": .string(TandemVersion.current)]),
            "keys": .object(keys), "cohortRotations": .array(try others.map(parsed)),
        ]
        return try JSONValue.object(object).serialized()
    }

    /// The rotation statements in a descriptor (own and relayed), each checked on its own.
    public static func rotations(in bytes: [UInt8]) throws(PeerError) -> (slug: NodeSlug, currentKey: String, statements: [Result<StoredKeyStatement, RotationError>]) {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw .malformed("the node descriptor is not valid JSON: \(error.description)") }
        guard let object = value.objectValue, let slug = object["slug"]?.stringValue.flatMap(NodeSlug.init),
            let keys = object["keys"]?.objectValue, let current = keys["current"]?.stringValue
        else { throw .malformed("the node descriptor lacks slug or keys") }
        let listed = (keys["rotations"]?.arrayValue ?? []) + (object["cohortRotations"]?.arrayValue ?? [])
        return (slug, current, listed.map { value in Result { () throws(RotationError) in try KeyRotation.verify(value) } })
    }
}
