import Foundation
import Hummingbird
import NIOCore
import TandemCore
import TandemNode
import TandemStore

/// Browse and edit one kind of record, as its declaration says: `/api/v1/cases`, `/api/v1/practices`.
/// Only maps HTTP to the node's domain layer and back.
struct RecordsController {
    let kind: RecordKind
    let runtime: NodeRuntime
    let maxBodySize: Int
    /// Views of records already made, shared by every kind's routes.
    let rendered: RenderedRecords

    var node: LocalNode { runtime.node }

    static let pageSizeLimit = 100
    /// The query parameters every kind's list answers, besides its filters.
    static let commonParameters = ["origin", "updatedSince", "q", "limit", "cursor", "facets"]

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        if kind.isStandalone {
            group.get(use: list)
            group.post(use: create)
            group.get(":origin/:id/translations", use: translations)
            group.post(":origin/:id/translations", use: translate)
            group.get(":origin/:id/adaptations", use: adaptations)
        }
        group.get(":origin/:id", use: show)
        group.put(":origin/:id", use: update)
        group.delete(":origin/:id", use: delete)
        group.get(":origin/:id/versions", use: versions)
        group.get(":origin/:id/versions/:version", use: version)
    }

    /// The body of POST and PUT: the content and, optionally, who may read it.
    struct EditBody {
        let visibility: Visibility?
        let content: JSONObject

        init(_ value: JSONValue) throws(Problem) {
            guard case .object(let object) = value else {
                throw Problem.invalid(ValidationError(path: "", .notABody(found: value.typeName)))
            }
            var issues: [ValidationError.Issue] = object.keys.filter { $0 != "visibility" && $0 != "content" }.map { .init(path: $0, .unknownField) }
            var visibility: Visibility?
            if let value = object["visibility"] {
                visibility = value.stringValue.flatMap(Visibility.init(rawValue:))
                if visibility == nil { issues.append(.init(path: "visibility", .unreadable(expected: "\"public\" or \"cohort\""))) }
            }
            let content = object["content"]?.objectValue
            if content == nil {
                issues.append(.init(path: "content", object["content"].map { .wrongType(expected: "an object", found: $0.typeName) } ?? .missing))
            }
            guard issues.isEmpty, let content else { throw Problem.invalid(ValidationError(issues: issues)) }
            self.visibility = visibility
            self.content = content
        }
    }

    @Sendable func list(request: Request, context: TandemRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
        let (query, facets) = try Self.query(kind, kinds: runtime.kinds, parameters: parameters, includeCohort: context.mayReadCohort)
        // Records whose view was already made are not read again.
        var reused: [Int64: ByteBuffer] = [:]
        let page = try runtime.database.records(matching: query) { stamp in
            guard let view = rendered.view(for: stamp) else { return false }
            reused[stamp.seq] = view
            return true
        }
        // The page is written into one buffer: each view's bytes are copied once, as they are.
        var body = ByteBuffer()
        body.reserveCapacity(page.entries.reduce(256) { $0 + (reused[$1.stamp.seq]?.readableBytes ?? 4096) + 96 })
        body.writeStaticString("{\"items\":[")
        var first = true
        for entry in page.entries {
            guard let view = reused[entry.stamp.seq] ?? entry.record.map(rendered.view(of:)) else { continue }
            if !first { body.writeStaticString(",") }
            first = false
            Self.write(view, match: entry.match, into: &body)
        }
        body.writeString("],\"next\":" + (page.next.map { "\"\(PageCursor.encode($0))\"" } ?? "null"))
        if !facets.isEmpty {
            let result = try runtime.database.facets(of: query, for: facets.map(\.target), within: runtime.configuration.facetTimeLimit)
            let object = JSONObject(facets.compactMap { facet in
                result.counts[facet.target].map { counts in
                    (key: facet.name, value: .object(JSONObject(counts.map { (key: $0.value, value: .number(.integer(Int64($0.count)))) })))
                }
            })
            let timedOut = facets.filter { result.timedOut.contains($0.target) }.map { JSONValue.string($0.name) }
            body.writeString(",\"facets\":" + (try JSONValue.object(object).serialized()) + ",\"facetsTimedOut\":" + (try JSONValue.array(timedOut).serialized()))
        }
        body.writeStaticString("}")
        return .json(body)
    }

    /// The query a list's parameters ask for (filters, search, page), and the facets to count;
    /// a parameter this kind does not answer, or a value that cannot be, is a 400 that says why.
    /// The pages' browse reads its parameters here too.
    static func query(
        _ kind: RecordKind, kinds: RecordKinds, parameters: [(name: String, value: String)], includeCohort: Bool
    ) throws(Problem) -> (query: RecordQuery, facets: [Filter]) {
        let filters = kind.filters
        let known = commonParameters + filters.map(\.name)
        // An empty pair (`?&status=pilot`, `a=1&&b=2`) is no parameter: URLs built by hand have them.
        for (name, value) in parameters where !known.contains(String(name)) && !(name.isEmpty && value.isEmpty) {
            let others = kinds.all.filter { $0.filters.contains { $0.name == name } }
            guard others.isEmpty else {
                throw Problem.badRequest("\(kind.plural) have no \(name); \(name) filters \(others.map(\.plural).joined(separator: " and ")) only")
            }
            throw Problem.badRequest("unknown query parameter \"\(name)\"; known: \(known.joined(separator: ", "))")
        }
        func text(_ name: String) throws(Problem) -> String? {
            guard let value = parameters.first(where: { $0.name == name })?.value else { return nil }
            guard !value.isEmpty, value.unicodeScalars.count <= 200 else { throw .badRequest("\(name) must be 1 to 200 characters") }
            return value
        }
        var query = RecordQuery(type: kind.type, includeCohort: includeCohort)
        if let origin = try text("origin") {
            guard let slug = NodeSlug(origin) else { throw Problem.badRequest("origin must be a node slug such as paris or mexico-city") }
            query.origin = slug
        }
        for filter in filters {
            guard let value = try text(filter.name) else { continue }
            if case .choice(let choice) = filter.field.type, !choice.values.contains(value) {
                throw Problem.badRequest("\(filter.name) must be one of \(choice.values.joined(separator: ", "))")
            }
            switch filter.target {
            case .column(let column): query.columns[column] = value
            case .facet(let facet): query.terms.append(IndexEntry.Term(facet: facet, value: value))
            }
        }
        query.text = try text("q")
        if let since = try text("updatedSince") {
            guard let timestamp = Timestamp.rfc3339(since) else {
                throw Problem.badRequest("updatedSince must be a date (2026-11-01) or an RFC 3339 time (2026-11-01T08:00:00Z, 2026-11-01T09:00:00+01:00)")
            }
            query.updatedSince = timestamp
        }
        if let limit = try text("limit") {
            guard let value = Int(limit), (1...pageSizeLimit).contains(value) else {
                throw Problem.badRequest("limit must be a whole number from 1 to \(pageSizeLimit)")
            }
            query.limit = value
        }
        if let cursor = try text("cursor") {
            guard let position = PageCursor.decode(cursor) else { throw Problem.badRequest("cursor is not one this server gave; start again without it") }
            query.after = position
        }
        var facets: [Filter] = []
        for name in try text("facets")?.split(separator: ",", omittingEmptySubsequences: false) ?? [] {
            guard let filter = filters.first(where: { $0.name == name }) else {
                throw Problem.badRequest("facets must be filter names separated by commas: \(filters.map(\.name).joined(separator: ", "))")
            }
            if !facets.contains(where: { $0.name == filter.name }) { facets.append(filter) }
        }
        return (query, facets)
    }

    @Sendable func show(request: Request, context: TandemRequestContext) async throws -> Response {
        let (origin, id) = try Self.identity(context)
        let languages = kind.isStandalone ? try Self.wantedLanguages(request) : nil
        // The common read (a record this caller may see, no translation asked for) is answered
        // from its head and the view already made for its stamp; anything else reads the record.
        if languages == nil, kind != .translation, let head = try runtime.database.head(origin: origin, id: id),
            head.type == kind.type, !head.isDeleted, head.visibility == .public || context.mayReadCohort
        {
            let etag = Self.etag(version: head.version)
            if Self.matches(request, etag: etag) { return Response(status: .notModified, headers: [.eTag: etag, .vary: "Accept-Language"]) }
            if let view = rendered.view(for: head.stamp) { return .json(view, headers: [.eTag: etag, .vary: "Accept-Language"]) }
        }
        let record = try readable(try node.record(kind, origin: origin, id: id), context: context)
        // With a translation attached the answer is another representation: it has no ETag of its own.
        if let languages, let translation = try runtime.translation(of: record, for: languages, includeCohort: context.mayReadCohort) {
            return .json(Self.view(record, translation: translation), headers: [.vary: "Accept-Language"])
        }
        let etag = Self.etag(record)
        if Self.matches(request, etag: etag) { return Response(status: .notModified, headers: [.eTag: etag, .vary: "Accept-Language"]) }
        return .json(rendered.view(of: record), headers: [.eTag: etag, .vary: "Accept-Language"])
    }

    /// Whether the request's If-None-Match names `etag`.
    private static func matches(_ request: Request, etag: String) -> Bool {
        request.headers[.ifNoneMatch]?.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag } == true
    }

    @Sendable func versions(request: Request, context: TandemRequestContext) async throws -> Response {
        let (origin, id) = try Self.identity(context)
        let record = try readable(try node.record(kind, origin: origin, id: id), context: context)
        let items = try runtime.database.versions(origin: origin, id: id).filter { $0.visibility == .public || context.mayReadCohort }
        return .json("{\"items\":[" + items.map { view($0, origin: origin, archived: record.isArchived) }.joined(separator: ",") + "]}")
    }

    @Sendable func version(request: Request, context: TandemRequestContext) async throws -> Response {
        let (origin, id) = try Self.identity(context)
        guard let text = context.parameters.get("version"), let number = Int64(text), number >= 1, text.first != "0" else {
            throw Problem.badRequest("the version in the path must be a whole number from 1")
        }
        let record = try readable(try node.record(kind, origin: origin, id: id), context: context)
        guard let version = try runtime.database.versions(origin: origin, id: id).first(where: { $0.version == number }),
            version.visibility == .public || context.mayReadCohort
        else { throw Problem.notFound("no version \(number) of \(kind.singular) \(origin)/\(id) is held here") }
        return .json(view(version, origin: origin, archived: record.isArchived))
    }

    @Sendable func create(request: Request, context: TandemRequestContext) async throws -> Response {
        try requireEditor(context)
        let body = try EditBody(try await JSONBody.read(request, limit: maxBodySize))
        let record = try await node.create(kind: kind, visibility: body.visibility ?? .public, content: body.content)
        let location = "/api/v1/\(kind.segment)/\(record.origin)/\(record.id)"
        return .json(Self.view(record), status: .created, headers: [.eTag: Self.etag(record), .location: location])
    }

    @Sendable func update(request: Request, context: TandemRequestContext) async throws -> Response {
        try requireEditor(context)
        let (origin, id) = try Self.identity(context)
        let body = try EditBody(try await JSONBody.read(request, limit: maxBodySize))
        let current = try node.record(kind, origin: origin, id: id)
        let record = try await node.update(current, expectedVersion: try Self.expectedVersion(request), visibility: body.visibility, content: body.content)
        return .json(Self.view(record), headers: [.eTag: Self.etag(record)])
    }

    @Sendable func delete(request: Request, context: TandemRequestContext) async throws -> Response {
        try requireEditor(context)
        let (origin, id) = try Self.identity(context)
        let record = try await node.delete(try node.record(kind, origin: origin, id: id), expectedVersion: try Self.expectedVersion(request))
        return .json(Self.view(record), headers: [.eTag: Self.etag(record)])
    }

    func requireEditor(_ context: TandemRequestContext) throws(Problem) {
        guard context.editor != nil else { throw .unauthorized("writing needs an editor token: Authorization: Bearer <token> (see tandem token create)") }
    }

    static func identity(_ context: TandemRequestContext) throws(Problem) -> (NodeSlug, RecordID) {
        guard let origin = context.parameters.get("origin").flatMap(NodeSlug.init) else { throw .badRequest("the origin in the path must be a node slug such as paris") }
        guard let id = context.parameters.get("id").flatMap(RecordID.init) else { throw .badRequest("the id in the path must be a lowercase UUID") }
        return (origin, id)
    }

    /// Hides cohort records from anyone but editors and members (as if absent), and answers 410
    /// for a deleted one, its versions included.
    func readable(_ record: StoredRecord, context: TandemRequestContext) throws(Problem) -> StoredRecord {
        guard record.visibility == .public || context.mayReadCohort, !translatesHiddenRecord(record, context: context) else {
            throw .notFound("no \(kind.singular) \(record.origin)/\(record.id)")
        }
        guard !record.isDeleted else { throw Problem(.gone, "\(record.origin)/\(record.id) was deleted at version \(record.version)") }
        return record
    }

    /// Whether `record` is a translation of a cohort-only record held here that the caller may not
    /// read: its text is that record's, in another language, whatever visibility its signer gave it.
    private func translatesHiddenRecord(_ record: StoredRecord, context: TandemRequestContext) -> Bool {
        guard !context.mayReadCohort, record.type == RecordKind.translation.type else { return false }
        guard let target = record.content["translationOf"].flatMap(RecordReference.init),
            let original = try? runtime.database.record(origin: target.origin, id: target.id)
        else { return false }
        return original.visibility == .cohort
    }

    private static func expectedVersion(_ request: Request) throws(Problem) -> Int64? {
        guard let value = request.headers[.ifMatch]?.trimmingCharacters(in: .whitespaces) else { return nil }
        guard value.hasPrefix("\"v"), value.hasSuffix("\""), let version = Int64(value.dropFirst(2).dropLast()) else {
            throw .badRequest("If-Match must be an ETag this server gave, such as \"v3\"")
        }
        return version
    }

    static func etag(_ record: StoredRecord) -> String { etag(version: record.version) }
    static func etag(version: Int64) -> String { "\"v\(version)\"" }

    /// A record as the API shows it: the signed document and where it came from.
    static func view(_ record: StoredRecord) -> String {
        let provenance = Self.provenance(
            origin: record.origin, version: record.version, signer: record.signer, storedAt: record.storedAt, receivedFrom: record.receivedFrom,
            understood: record.isUnderstood, archived: record.isArchived)
        return "{\"document\":\(record.documentJSON),\"provenance\":\(provenance)}"
    }

    /// A record's view (a JSON object's bytes) with where a search or a language filter matched,
    /// when it did, written into `buffer`.
    static func write(_ view: ByteBuffer, match: RecordMatch?, into buffer: inout ByteBuffer) {
        guard let match else {
            buffer.writeImmutableBuffer(view)
            return
        }
        // The view without its closing brace, then the member and the brace.
        precondition(view.readableBytesView.last == UInt8(ascii: "}"), "a record's view is a JSON object")
        buffer.writeImmutableBuffer(view.getSlice(at: view.readerIndex, length: view.readableBytes - 1)!)
        buffer.writeString(matchMember(match) + "}")
    }

    /// `,"match":{…}`: the member a listed record gets when a search or a language filter found it.
    private static func matchMember(_ match: RecordMatch) -> String {
        var object: JSONObject = ["language": .string(match.language), "in": .string(match.translation == nil ? "original" : "translation")]
        object["translation"] = match.translation.map { ["origin": .string($0.origin.rawValue), "id": .string($0.id.description)] }
        return ",\"match\":" + ((try? JSONValue.object(object).serialized()) ?? "{}")
    }

    /// A JSON object's text without its closing brace, to add members to it. (`dropLast()` counted
    /// every character of the record first: half of a search's time.)
    static func opened(_ object: String) -> String {
        String(object[..<object.index(before: object.endIndex)])
    }

    /// One version as the versions routes show it.
    private func view(_ version: StoredVersion, origin: NodeSlug, archived: Bool) -> String {
        let understood = (try? JSONParser.parse(version.documentJSON).objectValue).flatMap { try? Document.reading($0, kinds: runtime.kinds) }?.kind != nil
        let provenance = Self.provenance(
            origin: origin, version: version.version, signer: version.signer, storedAt: version.storedAt, receivedFrom: version.receivedFrom,
            understood: understood, archived: archived)
        return "{\"version\":\(version.version),\"document\":\(version.documentJSON),\"provenance\":\(provenance)}"
    }

    private static func provenance(
        origin: NodeSlug, version: Int64, signer: String, storedAt: Timestamp, receivedFrom: NodeSlug?, understood: Bool, archived: Bool
    ) -> String {
        var provenance: JSONObject = [
            "origin": .string(origin.rawValue), "version": .number(.integer(version)), "signer": .string(signer),
            "verifiedAt": .string(storedAt.description), "storedAt": .string(storedAt.description),
        ]
        provenance["receivedFrom"] = receivedFrom.map { .string($0.rawValue) } ?? .null
        provenance["understood"] = .bool(understood)
        provenance["archived"] = .bool(archived)
        return (try? JSONValue.object(provenance).serialized()) ?? "{}"
    }
}

/// Page cursors: opaque to callers, a position in the record table to this server.
enum PageCursor {
    /// What `cursor` looks like (documented in the OpenAPI description): any value of this shape is accepted.
    static let pattern = "^[1-9][0-9]{0,17}$"

    static func encode(_ position: Int64) -> String { String(position) }

    static func decode(_ cursor: String) -> Int64? {
        guard (1...18).contains(cursor.utf8.count), cursor.utf8.first != UInt8(ascii: "0"), cursor.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int64(cursor)
    }
}

/// A request's whole body, at most `limit` bytes, or a problem that says what went wrong.
enum RequestBody {
    static func collect(_ request: Request, limit: Int) async throws(Problem) -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Problem(.contentTooLarge, "the request body is larger than \(limit) bytes")
        } catch {
            // The client went away, or was cut off by the request timeout, before the body's end:
            // its fault, not the node's, and no one may be there to read the answer.
            throw Problem.badRequest("the request body ended before it was complete")
        }
    }
}

/// Request bodies: at most the configured size, valid JSON, or a problem that says what is wrong.
enum JSONBody {
    static func read(_ request: Request, limit: Int) async throws -> JSONValue {
        if let type = request.headers[.contentType], !type.lowercased().contains("json") {
            throw Problem(.unsupportedMediaType, "send the body as application/json, not \(type)")
        }
        let buffer = try await RequestBody.collect(request, limit: limit)
        do {
            return try JSONParser.parse(Array(buffer.readableBytesView))
        } catch {
            throw Problem.badRequest("the body is not valid JSON: \(error.description)")
        }
    }
}

extension Response {
    static func json(_ body: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        json(ByteBuffer(string: body), status: status, headers: headers)
    }

    /// A JSON answer whose bytes are already in a buffer (a kept view is sent without a copy).
    static func json(_ body: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}
