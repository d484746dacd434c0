import Hummingbird
import TandemCore
import TandemFederation
import TandemStore

/// Reads an RFC 9421 signature (`Signature-Input` and `Signature`) once for every route. A
/// signature that does not verify is refused (401). One that verifies with a current key of a
/// cohort member makes the caller that member, once: it must carry a nonce, and the same nonce
/// again within the signature's lifetime is a replay (401). Any other signer is anonymous.
struct PeerAuthentication: RouterMiddleware {
    typealias Context = TandemRequestContext
    let database: AppDatabase
    let directory: CohortDirectory
    let nonces = NonceCache()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let input = request.headers.first { $0.name.canonicalName == "signature-input" }?.value
        let signature = request.headers.first { $0.name.canonicalName == "signature" }?.value
        guard input != nil || signature != nil else { return try await next(request, context) }
        guard let input, let signature else {
            throw Problem.unauthorized("a signed request needs both Signature-Input and Signature headers")
        }
        let parts = MessageSignature.Request(
            method: request.method.rawValue, authority: request.head.authority ?? "", path: request.uri.path, query: request.uri.query,
            headers: request.headers.map { (name: $0.name.canonicalName, value: $0.value) })
        let verified: MessageSignature.Verified
        do {
            verified = try MessageSignature.verify(parts, signatureInput: input, signature: signature)
        } catch {
            throw Problem.unauthorized("the HTTP message signature is not valid: \(error)")
        }
        let keys = KeyRing(directory: directory, statements: try database.keyStatements())
        var context = context
        if let member = keys.owner(of: verified.key), keys.retirement(of: verified.key) == nil {
            guard let nonce = verified.nonce else { throw Problem.unauthorized("a member's signed request must carry a nonce") }
            switch nonces.record(key: verified.key.description, nonce: nonce, validUntil: verified.validUntil) {
            case .fresh: break
            case .replayed: throw Problem.unauthorized("this signature was already used (a replayed request); sign each request anew")
            case .full: throw Problem(.serviceUnavailable, "too many signed requests in the last \(MessageSignature.lifetime) seconds; try again shortly")
            }
            context.peer = member
            context.logger[metadataKey: "peer"] = "\(member)"
        }
        return try await next(request, context)
    }
}
