import Hummingbird
import NIOCore
import TandemCore
import TandemNode
import TandemStore

/// An RFC 9457 problem document (`application/problem+json`): what went wrong, said for the caller,
/// with the path of each bad field for validation errors. Never carries internals.
public struct Problem: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let title: String
    public let detail: String
    public let errors: [ValidationError.Issue]
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, title: String? = nil, _ detail: String, errors: [ValidationError.Issue] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    static func badRequest(_ detail: String) -> Problem { Problem(.badRequest, detail) }
    static func notFound(_ detail: String) -> Problem { Problem(.notFound, detail) }

    /// A domain error as the API answers it.
    init(_ error: NodeError) {
        switch error.reason {
        case .invalid: self.init(.unprocessableContent, title: "Invalid content", error.message, errors: error.issues)
        case .notFound: self.init(.notFound, error.message)
        case .readOnly: self.init(.forbidden, error.message)
        case .gone: self.init(.gone, error.message)
        case .conflict: self.init(.conflict, error.message)
        case .tooLarge: self.init(.contentTooLarge, error.message)
        default: self.init(.internalServerError, "the server failed to answer; the error is in its log")
        }
    }

    static func invalid(_ error: ValidationError) -> Problem {
        Problem(.unprocessableContent, title: "Invalid content", error.description, errors: error.issues)
    }

    static func unauthorized(_ detail: String) -> Problem {
        Problem(.unauthorized, detail, headers: [.wwwAuthenticate: "Bearer realm=\"tandem\""])
    }

    var json: JSONObject {
        var object: JSONObject = [
            "type": "about:blank", "title": .string(title), "status": .number(.integer(Int64(status.code))), "detail": .string(detail),
        ]
        if !errors.isEmpty {
            object["errors"] = .array(errors.map { ["path": .string($0.path), "message": .string($0.message)] })
        }
        return object
    }

    /// The problem document, ready to send as `application/problem+json`.
    var body: ByteBuffer { ByteBuffer(string: (try? JSONValue.object(json).serialized()) ?? "{}") }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}

/// Turns every error into a problem document: Hummingbird's own (404 route, 413 body) with their
/// status, anything unexpected as a 500 that shows nothing of its cause (which goes to the log).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The routes served, to answer 405 with the methods a path does answer.
    let openAPI: OpenAPIDocument

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let error as NodeError {
            return try Problem(error).response(from: request, context: context)
        } catch let error as StoreError where error.isDiskFull {
            context.logger.error("a write failed for lack of room", metadata: ["path": "\(request.uri.path)"])
            return try Problem(.init(code: 507, reasonPhrase: "Insufficient Storage"), "the node's disk is full: \(error.description)").response(from: request, context: context)
        } catch let error as ValidationError {
            return try Problem.invalid(error).response(from: request, context: context)
        } catch let error as HTTPError {
            // A path this node serves, asked with a method it does not answer: 405 and what it does answer.
            if error.status == .notFound, case let allowed = openAPI.methods(for: request.uri.path), !allowed.isEmpty {
                var headers = HTTPFields()
                headers[.allow] = allowed.joined(separator: ", ")
                return try Problem(.methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path); it answers \(allowed.joined(separator: ", "))", headers: headers)
                    .response(from: request, context: context)
            }
            let detail: String
            switch error.status {
            case .notFound: detail = "no such route: \(request.method) \(request.uri.path)"
            case .methodNotAllowed: detail = "\(request.method) is not allowed on \(request.uri.path)"
            case .contentTooLarge: detail = "the request body is too large"
            default: detail = error.body ?? error.status.reasonPhrase
            }
            return try Problem(error.status, detail, headers: error.headers).response(from: request, context: context)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return try Problem(.internalServerError, "the server failed to answer; the error is in its log").response(from: request, context: context)
        }
    }
}
