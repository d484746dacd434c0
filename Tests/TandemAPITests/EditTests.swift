import Foundation
import NIOCore
import Testing

@testable import TandemAPI
@testable import TandemCore
@testable import TandemCrypto
@testable import TandemStore

@Suite("Editing records over HTTPS", .serialized)
struct EditTests {
    @Test("create, update, delete: versions 1, 2 and a signed tombstone 3, the old ones kept as history")
    func editCycle() async throws {
        try await withNode(samples: false) { node in
            let created = try await node.request("POST", "/api/v1/cases", body: try editBody(spanishCase), as: .editor)
            let location = try #require(created.header("Location"))
            var changed = spanishCase
            changed["status"] = "implemented"

            let updated = try await node.request("PUT", location, body: try editBody(changed, visibility: "cohort"), as: .editor, headers: [("If-Match", "\"v1\"")])
            let stale = try await node.request("PUT", location, body: try editBody(changed), as: .editor, headers: [("If-Match", "\"v1\"")])
            let deleted = try await node.request("DELETE", location, as: .editor)
            let gone = try await node.get(location, as: .editor)
            let goneVersions = try await node.get(location + "/versions", as: .editor)
            let list = try await node.get("/api/v1/cases", as: .editor)

            #expect(created.status == 201)
            #expect(created.header("ETag") == "\"v1\"")
            #expect(location.hasPrefix("/api/v1/cases/paris/"))
            #expect(updated.status == 200)
            #expect(try updated.json["document"]?.objectValue?["version"] == 2)
            #expect(try updated.json["document"]?.objectValue?["visibility"] == "cohort")
            #expect(stale.status == 409)
            #expect(stale.header("Content-Type") == "application/problem+json")
            #expect(deleted.status == 200)
            let tombstone = try #require(try deleted.json["document"])
            #expect(tombstone.objectValue?["deleted"] == true)
            #expect(tombstone.objectValue?["version"] == 3)
            #expect(tombstone.objectValue?["content"] == [:])
            #expect(try DocumentVerifier.verify(tombstone).document?.isDeleted == true)
            #expect(gone.status == 410)
            #expect(goneVersions.status == 410 && goneVersions.body.contains("deleted at version 3"))
            #expect(try list.items.isEmpty)
            let id = try #require(RecordID(String(location.split(separator: "/").last!)))
            let versions = try node.database.versions(origin: NodeSlug("paris")!, id: id)
            #expect(try versions.map { try DocumentVerifier.verify(try JSONParser.parse($0.documentJSON)).document?.version } == [1, 2, 3])
        }
    }

    @Test("a record read again after each change shows the change at once, alone, in a page and in a search (views are kept per version)")
    func keptViewsFollowChanges() async throws {
        try await withNode(samples: false) { node in
            let created = try await node.request("POST", "/api/v1/cases", body: try editBody(spanishCase), as: .editor)
            let location = try #require(created.header("Location"))
            let first = try await node.get(location)
            let again = try await node.get(location)
            #expect(first.status == 200 && again.body == first.body && again.header("ETag") == "\"v1\"")
            #expect(try await node.get("/api/v1/cases").items.first.map(JSONValue.object) == .object(try first.json))
            #expect(try await node.request("GET", location, headers: [("If-None-Match", "\"v1\"")]).status == 304)

            var changed = spanishCase
            changed["title"] = "Presupuesto participativo en Iztapalapa"
            #expect(try await node.request("PUT", location, body: try editBody(changed), as: .editor).status == 200)
            let second = try await node.get(location)
            #expect(second.header("ETag") == "\"v2\"")
            #expect(try second.json["document"]?.objectValue?["version"] == 2)
            #expect(try second.json["document"]?.objectValue?["content"]?.objectValue?["title"] == "Presupuesto participativo en Iztapalapa")
            #expect(try await node.get("/api/v1/cases").titles == ["Presupuesto participativo en Iztapalapa"])
            let search = try await node.get("/api/v1/cases?q=iztapalapa")
            #expect(try search.titles == ["Presupuesto participativo en Iztapalapa"])
            #expect(try search.items.first?["match"]?.objectValue?["in"] == "original")
            #expect(try await node.request("GET", location, headers: [("If-None-Match", "\"v1\"")]).status == 200)

            #expect(try await node.request("PUT", location, body: try editBody(changed, visibility: "cohort"), as: .editor).status == 200)
            #expect(try await node.get(location).status == 404)
            #expect(try await node.get(location, as: .editor).status == 200)
            #expect(try await node.get("/api/v1/cases").items.isEmpty)

            #expect(try await node.request("DELETE", location, as: .editor).status == 200)
            #expect(try await node.get(location, as: .editor).status == 410)
            #expect(try await node.get("/api/v1/cases", as: .editor).items.isEmpty)
        }
    }

    @Test("kept views start again empty when full, and a view is made anew, the same, for a record no longer kept; a changed stamp is never answered from what is kept")
    func keptViewsWhenFull() async throws {
        try await withNode { node in
            let records = Array(try node.database.allRecords().prefix(3))
            try #require(records.count == 3)
            let views = RenderedRecords(capacity: 2)
            let made = records.map { views.view(of: $0) }
            // The third view found two kept: they were let go, and the third kept.
            #expect(views.view(for: records[0].stamp) == nil && views.view(for: records[1].stamp) == nil)
            #expect(views.view(for: records[2].stamp) == made[2])
            #expect(views.view(of: records[0]) == made[0])
            #expect(views.view(of: records[0]) == ByteBuffer(string: RecordsController.view(records[0])))
            let stamp = records[2].stamp
            let changed = RecordStamp(seq: stamp.seq, changeSeq: stamp.changeSeq + 1000, isUnderstood: stamp.isUnderstood, isArchived: stamp.isArchived)
            #expect(views.view(for: changed) == nil)
        }
    }

    @Test("every version held is shown, oldest first, as signed, with its provenance; one version by its number")
    func versionHistory() async throws {
        try await withNode(samples: false) { node in
            let created = try await node.request("POST", "/api/v1/cases", body: try editBody(spanishCase), as: .editor)
            let location = try #require(created.header("Location"))
            var changed = spanishCase
            changed["title"] = "Participación ciudadana, segunda edición"
            _ = try await node.request("PUT", location, body: try editBody(changed), as: .editor)
            _ = try await node.request("PUT", location, body: try editBody(spanishCase, visibility: "cohort"), as: .editor)

            let anonymous = try await node.get(location + "/versions")
            let editor = try await node.get(location + "/versions", as: .editor)
            let second = try await node.get(location + "/versions/2")
            let third = try await node.get(location + "/versions/3")
            let missing = try await node.get(location + "/versions/9")
            let bad = try await node.get(location + "/versions/02")
            let unknown = try await node.get("/api/v1/cases/paris/\(RecordID())/versions")
            let wrongKind = try await node.get(location.replacingOccurrences(of: "/cases/", with: "/practices/") + "/versions")

            // Version 3 is cohort-only: the record, and so its history, is hidden from anonymous callers.
            #expect(anonymous.status == 404 && third.status == 404 && second.status == 404, "\(anonymous.body)")
            #expect(editor.status == 200)
            let items = try editor.items
            #expect(items.map { $0["version"] } == [1, 2, 3])
            for (index, item) in items.enumerated() {
                let document = try #require(item["document"])
                let verified = try DocumentVerifier.verify(document)
                #expect(verified.document?.version == Int64(index + 1))
                #expect(verified.signer == node.runtime.node.did)
                #expect(item["provenance"]?.objectValue?["signer"]?.stringValue == node.runtime.node.did.description)
                #expect(item["provenance"]?.objectValue?["understood"] == true)
            }
            #expect(items[1]["document"]?.objectValue?["content"]?.objectValue?["title"] == "Participación ciudadana, segunda edición")
            #expect(missing.status == 404 && bad.status == 400 && unknown.status == 404 && wrongKind.status == 404)
            #expect(missing.header("Content-Type") == "application/problem+json")

            // Made public again, every public version shows to anyone; the cohort-only one stays hidden.
            _ = try await node.request("PUT", location, body: try editBody(spanishCase, visibility: "public"), as: .editor)
            let reopened = try await node.get(location + "/versions")
            let one = try await node.get(location + "/versions/2")
            #expect(try reopened.items.map { $0["version"] } == [1, 2, 4])
            #expect(try one.status == 200 && one.json["document"]?.objectValue?["version"] == 2)
        }
    }

    @Test("a partner's record is read-only")
    func partnerRecordReadOnly() async throws {
        try await withNode(samples: false) { node in
            let mexicoKey = try Ed25519PrivateKey()
            let unsigned = try Document.unsigned(
                kind: .caseStudy, id: RecordID(), origin: NodeSlug("mexico-city")!, version: 1, updated: .now(), visibility: .public,
                content: spanishCase)
            let signed = try Document(json: try EddsaJcs2022.sign(unsigned.json, with: mexicoKey))
            _ = try await node.database.apply([VerifiedDocument(document: signed, signer: DIDKey(mexicoKey.publicKey).description)], receivedFrom: NodeSlug("mexico-city"))
            let path = "/api/v1/cases/mexico-city/\(signed.id)"

            let read = try await node.get(path)
            let put = try await node.request("PUT", path, body: try editBody(spanishCase), as: .editor)
            let delete = try await node.request("DELETE", path, as: .editor)

            #expect(read.status == 200)
            #expect(try read.json["provenance"]?.objectValue?["receivedFrom"] == "mexico-city")
            #expect(put.status == 403)
            #expect(delete.status == 403)
            #expect(try put.json["detail"] == "records of mexico-city are read-only here; only mexico-city can change them")
            #expect(try node.database.record(origin: NodeSlug("mexico-city")!, id: signed.id)?.version == 1)
        }
    }

    static let oversizedTitle = String(repeating: "a", count: 201)

    @Test(
        "bad input gets a 4xx problem document and leaves the store as it was",
        arguments: [
            ("POST", "/api/v1/cases", "{\"content\": {", "editor", 400, "the body is not valid JSON: malformed JSON at line 1, column 14"),
            ("POST", "/api/v1/cases", "[1]", "editor", 422, "the body must be a JSON object"),
            ("POST", "/api/v1/cases", "{\"content\": {\"title\": 3, \"summary\": \"s\", \"language\": \"fr\", \"status\": \"pilot\"}}", "editor", 422, "content.title: must be a string, not a number"),
            ("POST", "/api/v1/cases", "{\"content\": {\"title\": \"t\", \"summary\": \"s\", \"language\": \"fr\", \"status\": \"finished\"}}", "editor", 422, "content.status: must be one of"),
            ("POST", "/api/v1/cases", "{\"visibility\": \"secret\", \"content\": {}}", "editor", 422, "visibility: must be \"public\" or \"cohort\""),
            ("POST", "/api/v1/cases", "{\"content\": {\"title\": \"t\", \"summary\": \"s\", \"language\": \"fr\", \"status\": \"pilot\"}}", "anonymous", 401, "writing needs an editor token"),
            ("POST", "/api/v1/cases", "{\"content\": {}}", "bogus", 401, "the token is unknown or revoked"),
            ("DELETE", "/api/v1/cases/paris/9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c01", "", "anonymous", 401, "writing needs an editor token"),
            ("PUT", "/api/v1/cases/paris/9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c01", "{\"content\": {}}", "editor", 422, "content.title: is required"),
            ("PUT", "/api/v1/cases/paris/00000000-0000-4000-8000-000000000000", "{\"content\": {\"title\": \"t\", \"summary\": \"s\", \"language\": \"fr\", \"status\": \"pilot\"}}", "editor", 404, "no case study paris/00000000-0000-4000-8000-000000000000"),
            ("GET", "/api/v1/cases/paris/NOT-A-UUID", "", "anonymous", 400, "the id in the path must be a lowercase UUID"),
            ("GET", "/api/v1/cases?limit=100000", "", "anonymous", 400, "limit must be a whole number from 1 to 100"),
            ("GET", "/api/v1/cases?limit=-1", "", "anonymous", 400, "limit must be a whole number from 1 to 100"),
            ("GET", "/api/v1/cases?cursor=%%%garbage", "", "anonymous", 400, "cursor is not one this server gave"),
            ("GET", "/api/v1/cases?sort=title", "", "anonymous", 400, "unknown query parameter \"sort\""),
            // 150 letters, each with a combining accent: 300 code points, over the 200 that the description allows.
            ("GET", "/api/v1/cases?city=" + String(repeating: "e%CC%81", count: 150), "", "anonymous", 400, "city must be 1 to 200 characters"),
            ("GET", "/api/v1/cases?updatedSince=yesterday", "", "anonymous", 400, "updatedSince must be a date"),
            ("GET", "/api/v1/practices?status=pilot", "", "anonymous", 400, "practices have no status"),
            ("GET", "/api/v1/cases/paris/00000000-0000-4000-8000-000000000000", "", "anonymous", 404, "no case study"),
            ("GET", "/api/v1/cases/paris/6f1c2a10-3b4d-4e5f-8a9b-0c1d2e3f4a01", "", "anonymous", 404, "no case study"),
            ("PATCH", "/api/v1/cases", "{}", "editor", 405, "PATCH is not allowed on /api/v1/cases; it answers GET, POST"),
            ("TRACE", "/api/v1/cases/paris/0193b7c2-5e1a-7c3d-9a40-2f1e8b6d4c11", "", "anonymous", 405, "it answers GET, PUT, DELETE"),
            ("GET", "/api/v1/nowhere", "", "anonymous", 404, "no such route"),
        ] as [(String, String, String, String, Int, String)])
    func badInput(method: String, path: String, body: String, caller: String, status: Int, detail: String) async throws {
        try await withNode { node in
            let before = try node.database.allRecords().map(\.documentJSON)
            let callerValue: TestNode.Caller = caller == "editor" ? .editor : caller == "bogus" ? .token("tdm_bogus") : .anonymous

            let reply = try await node.request(method, path, body: body.isEmpty ? nil : body, as: callerValue)

            #expect(reply.status == status, "\(reply.body)")
            #expect(reply.header("Content-Type") == "application/problem+json")
            #expect(try reply.json["status"] == .number(.integer(Int64(status))))
            #expect(try reply.json["detail"]?.stringValue?.contains(detail) == true, "\(reply.body)")
            #expect(try node.database.allRecords().map(\.documentJSON) == before)
            if status == 405 { #expect(reply.header("Allow").map { detail.hasSuffix($0) } == true, "Allow: \(reply.header("Allow") ?? "none")") }
        }
    }

    @Test("validation problems list every bad field with its path")
    func fieldPaths() async throws {
        try await withNode(samples: false) { node in
            let body = #"{"content": {"title": "", "language": "French", "status": "pilot", "participants": 2.5, "links": [{"url": "ftp://x"}]}}"#

            let reply = try await node.request("POST", "/api/v1/cases", body: body, as: .editor)

            let paths = try #require(try reply.json["errors"]?.arrayValue).compactMap { $0.objectValue?["path"]?.stringValue }
            #expect(reply.status == 422)
            #expect(Set(paths) == ["content.title", "content.summary", "content.language", "content.participants", "content.links[0].url"])
        }
    }

    @Test("a body over the limit gets 413, and so does a record over 256 KiB")
    func sizeLimits() async throws {
        try await withNode(samples: false, settings: ["http.maxBodySize": "65536"]) { node in
            var big = spanishCase
            big["problem"] = .string(String(repeating: "x", count: 70 * 1024))

            let tooLarge = try await node.request("POST", "/api/v1/cases", body: try editBody(big), as: .editor)

            #expect(tooLarge.status == 413)
            #expect(tooLarge.header("Content-Type") == "application/problem+json")
        }
        try await withNode(samples: false) { node in
            // Every field within its own limit, but 4-byte characters make the record about 320 KB.
            var big = spanishCase
            for field in ["problem", "approach", "results", "lessonsLearned"] {
                big[field] = .string(String(repeating: "😀", count: 20_000))
            }
            let practice: JSONObject = ["title": "t", "summary": "s", "language": "fr", "description": .string(String(repeating: "😀", count: 20_000))]

            let record = try await node.request("POST", "/api/v1/cases", body: try editBody(big), as: .editor)
            let fits = try await node.request("POST", "/api/v1/practices", body: try editBody(practice), as: .editor)

            #expect(record.status == 413)
            #expect(try record.json["detail"]?.stringValue?.hasPrefix("the signed record would be") == true)
            #expect(fits.status == 201)
            #expect(try node.database.allRecords().count == 1)
        }
    }

    @Test("a revoked token stops working at once, and tokens are stored only as hashes")
    func revokedToken() async throws {
        try await withNode(samples: false) { node in
            let before = try await node.request("POST", "/api/v1/cases", body: try editBody(spanishCase), as: .editor)
            try await node.database.revokeToken(name: "test editor")
            let after = try await node.request("POST", "/api/v1/cases", body: try editBody(spanishCase), as: .editor)
            let read = try await node.get("/api/v1/cases", as: .editor)

            let file = try Data(contentsOf: URL(fileURLWithPath: node.folder + "/tandem.sqlite"))
            let wal = (try? Data(contentsOf: URL(fileURLWithPath: node.folder + "/tandem.sqlite-wal"))) ?? Data()
            #expect(before.status == 201)
            #expect(after.status == 401)
            #expect(read.status == 401)
            #expect(after.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            #expect(file.range(of: Data(node.editorToken.utf8)) == nil)
            #expect(wal.range(of: Data(node.editorToken.utf8)) == nil)
            #expect((file + wal).range(of: Data(TokenSecret.hash(node.editorToken).utf8)) != nil)
        }
    }
}
