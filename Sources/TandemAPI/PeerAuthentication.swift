import Hummingbird
import TandemCore
import TandemFederation
import TandemStore

/// Reads an RFC 9421 signature (`Signature-Input` and `Signature`) once for every route. A
/// signature that does not verify is refused (401). One that verifies with a current key of a
/// cohort member makes the caller that member; any other signer is treated as anonymous.
struct PeerAuthentication: RouterMiddleware {
    typealias Context = TandemRequestContext
    let database: AppDatabase
    let directory: CohortDirectory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let input = request.headers.first { $0.name.canonicalName == "signature-input" }?.value
        let signature = request.headers.first { $0.name.canonicalName == "signature" }?.value
        guard input != nil || signature != nil else { return try await next(request, context) }
        guard let input, let signature else {
            throw Problem.unauthorized("a signed request needs both Signature-Input and Signature headers")
        }
        let parts = MessageSignature.Request(
            method: request.method.rawValue, authority: request.head.authority ?? "",
            path: request.uri.path, query: request.uri.query)
        let verified: MessageSignature.Verified
        do {
            verified = try MessageSignature.verify(parts, signatureInput: input, signature: signature)
        } catch {
            throw Problem.unauthorized("the HTTP message signature is not valid: \(error)")
        }
        let keys = KeyRing(directory: directory, statements: try database.keyStatements())
        var context = context
        if let member = keys.owner(of: verified.key), keys.retirement(of: verified.key) == nil {
            context.peer = member
            context.logger[metadataKey: "peer"] = "\(member)"
        }
        return try await next(request, context)
    }
}
