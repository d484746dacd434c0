import Hummingbird
import TandemCore
import TandemFederation
import TandemNode
import TandemStore

/// `GET /federation/v1/node` (who this node is, its key history) and `GET /federation/v1/changes`
/// (every record it stores, whatever its origin, in local change order).
struct FederationController {
    let runtime: NodeRuntime

    static let changeParameters = ["since", "limit"]

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.get("node", use: descriptor)
        group.get("changes", use: changes)
    }

    @Sendable func descriptor(request: Request, context: TandemRequestContext) async throws -> Response {
        let configuration = runtime.configuration
        let descriptor = NodeDescriptor(
            slug: runtime.slug, lab: configuration.lab, city: configuration.city, country: configuration.country, url: configuration.baseURL,
            currentKey: runtime.node.did.description, statements: try runtime.database.keyStatements())
        return .json(try descriptor.json())
    }

    @Sendable func changes(request: Request, context: TandemRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        for (name, _) in parameters where !Self.changeParameters.contains(String(name)) {
            throw Problem.badRequest("unknown query parameter \"\(name)\"; known: since, limit")
        }
        var limit = FeedPage.defaultLimit
        if let text = parameters["limit"] {
            guard let value = Int(text), (1...FeedPage.maximumLimit).contains(value) else {
                throw Problem.badRequest("limit must be a whole number from 1 to \(FeedPage.maximumLimit)")
            }
            limit = value
        }
        let epoch = try runtime.database.epoch()
        var since: Int64 = 0
        var restarted = false
        if let text = parameters["since"] {
            guard let cursor = FeedCursor.decode(String(text)) else {
                throw Problem.badRequest("since is not a cursor this feed gave; start without it")
            }
            // A cursor from another epoch was given by an earlier database: read again from the start.
            if cursor.epoch == epoch { since = cursor.position } else { restarted = true }
        }
        let page = try runtime.database.changes(after: since, limit: limit, includeCohort: context.mayReadCohort, maxBytes: FeedPage.targetBytes)
        return .json(FeedPage.encode(epoch: epoch, page: page, since: since, reader: context.peer, restarted: restarted))
    }
}

/// `GET /api/v1/nodes`: every cohort member with what this node knows of its sync.
struct NodesController {
    let runtime: NodeRuntime

    func addRoutes(to router: Router<TandemRequestContext>) {
        router.get("api/v1/nodes") { _, _ in
            let statuses = try runtime.statuses()
            return Response.json(try JSONValue.object(["items": .array(statuses.map { .object($0.json) })]).serialized())
        }
    }
}
