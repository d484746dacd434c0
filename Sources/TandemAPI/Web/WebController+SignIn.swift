import Foundation
import Hummingbird
import TandemCore
import TandemCrypto
import TandemFederation
import TandemNode
import TandemStore

/// Signing in with an editor token (a server-side session) and signing out.
extension WebController {
    var sessionHours: Int { max(1, Int(runtime.configuration.sessionLifetime.components.seconds / 3600)) }

    func signInOutcome(page: PageContext, back: String, error: String?, status: HTTPResponse.Status = .ok) -> Outcome {
        var values: [String: Any] = ["back": back, "help": page.language.text("signIn.help", sessionHours)]
        if let error { values["error"] = error }
        return .page(template: "signIn", title: page.language.text("signIn.title"), values: values, status: status)
    }

    /// Only a path on this site is a place to go back to: `/…` in visible ASCII, not `//host…` nor
    /// `/\host…`. (Browsers drop tabs and line breaks from an address, so `/<tab>/host` would be
    /// `//host`: every control character and space is refused.)
    static func safeBack(_ back: String?) -> String {
        guard let back, back.hasPrefix("/"), !back.hasPrefix("//"), !back.contains("\\"),
            back.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
        else { return "/" }
        return back
    }

    @Sendable func signInPage(request: Request, context: TandemRequestContext) async throws -> Response {
        try await page(request) { page in
            let back = Self.safeBack(page.query.last { $0.name == "back" }?.value)
            return signInOutcome(page: page, back: back, error: page.sessionEnded ? page.language.text("signIn.expired") : nil)
        }
    }

    @Sendable func signIn(request: Request, context: TandemRequestContext) async throws -> Response {
        try await posted(request) { page, form in
            let back = Self.safeBack(form["back"])
            let secret = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !secret.isEmpty, let token = try database.activeToken(hash: TokenSecret.hash(secret)) else {
                return signInOutcome(page: page, back: back, error: page.language.text("signIn.refused"), status: .unauthorized)
            }
            // A sign-in replaces the session the browser had, if any.
            if let previous = request.cookies[PageContext.sessionCookie]?.value { try await database.deleteSession(hash: TokenSecret.hash(previous)) }
            let session = TokenSecret.randomText()
            let lifetime = runtime.configuration.sessionLifetime
            let expires = Timestamp(Date().addingTimeInterval(Double(lifetime.components.seconds) + Double(lifetime.components.attoseconds) / 1e18))
            try await database.createSession(hash: TokenSecret.hash(session), tokenName: token.name, csrf: TokenSecret.randomText(), expiresAt: expires)
            page.cookies.append(PageContext.cookie(PageContext.sessionCookie, session, maxAge: Int(lifetime.components.seconds)))
            context.logger.info("an editor signed in to the pages", metadata: ["editor": "\(token.name)"])
            return .redirect(back)
        }
    }

    @Sendable func signOut(request: Request, context: TandemRequestContext) async throws -> Response {
        try await posted(request) { page, _ in
            if let secret = request.cookies[PageContext.sessionCookie]?.value { try await database.deleteSession(hash: TokenSecret.hash(secret)) }
            page.cookies.append(PageContext.cookie(PageContext.sessionCookie, "", maxAge: 0))
            return .redirect("/")
        }
    }
}
