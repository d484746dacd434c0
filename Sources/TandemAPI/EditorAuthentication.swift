import Hummingbird
import TandemCrypto
import TandemStore

/// Reads `Authorization: Bearer <token>` once for every route. A token that is unknown or revoked
/// is refused outright (401), never taken as anonymous; no token means an anonymous caller.
struct EditorAuthentication: RouterMiddleware {
    typealias Context = TandemRequestContext
    let database: AppDatabase

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Problem.unauthorized("the Authorization header must be \"Bearer <token>\"")
        }
        // Only hashes are stored; the store compares them in constant time.
        guard let token = try database.activeToken(hash: TokenSecret.hash(String(parts[1]).trimmingCharacters(in: .whitespaces))) else {
            throw Problem.unauthorized("the token is unknown or revoked")
        }
        var context = context
        context.editor = token
        context.logger[metadataKey: "editor"] = "\(token.name)"
        return try await next(request, context)
    }
}
