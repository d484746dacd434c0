import Foundation
import Hummingbird
import TandemCore
import TandemCrypto
import TandemStore

/// What every page of one request knows: its language, the editor signed in (a session), the
/// form token its forms carry, and the cookies the answer sets.
struct PageContext {
    // `__Host-`: the browser takes them only from this host over HTTPS, for the whole site, so
    // no other site or subdomain can plant one.
    static let languageCookie = "__Host-tandem_lang"
    static let sessionCookie = "__Host-tandem_session"
    static let formCookie = "__Host-tandem_form"

    let language: PageLanguage
    let session: EditorSession?
    /// The secret every form carries (CSRF): the session's, or for a visitor not signed in, the
    /// one in the `tandem_form` cookie.
    let formToken: String
    /// A session cookie came that no longer opens a session (expired, signed out, token revoked).
    let sessionEnded: Bool
    /// Cookies to set on the answer.
    var cookies: [Cookie]
    let path: String
    let query: [(name: String, value: String)]

    var mayReadCohort: Bool { session != nil }

    /// Reads the language (`?lang=`, then the cookie the switcher set, then `Accept-Language`,
    /// else English), the session and the form token of `request`.
    init(_ request: Request, database: AppDatabase) throws(StoreError) {
        path = request.uri.path
        // Read as a browser's form sends it (`+` is a space), like a posted form.
        query = FormEncoding.pairs(request.uri.query ?? "")
        var cookies: [Cookie] = []
        if let wanted = query.last(where: { $0.name == "lang" }).flatMap({ PageLanguage(rawValue: $0.value.lowercased()) }) {
            language = wanted
            cookies.append(Self.cookie(Self.languageCookie, wanted.rawValue, maxAge: 365 * 86_400))
        } else if let saved = request.cookies[Self.languageCookie].flatMap({ PageLanguage(rawValue: $0.value) }) {
            language = saved
        } else {
            let accepted = request.headers[.acceptLanguage].flatMap(RecordsController.acceptedLanguages) ?? []
            language = accepted.lazy.compactMap { tag in PageLanguage(rawValue: LanguageTag.primary(of: tag)) }.first ?? .en
        }
        var session: EditorSession?
        var ended = false
        if let secret = request.cookies[Self.sessionCookie]?.value, !secret.isEmpty {
            session = try database.session(hash: TokenSecret.hash(secret))
            if session == nil {
                ended = true
                cookies.append(Self.cookie(Self.sessionCookie, "", maxAge: 0))
            }
        }
        self.session = session
        sessionEnded = ended
        if let session {
            formToken = session.csrf
        } else if let saved = request.cookies[Self.formCookie]?.value, saved.utf8.count >= 32 {
            formToken = saved
        } else {
            formToken = TokenSecret.randomText()
            cookies.append(Self.cookie(Self.formCookie, formToken, maxAge: nil))
        }
        self.cookies = cookies
    }

    /// Whether a posted form carries this page's form token (compared in constant time).
    func acceptsForm(_ form: WebForm) -> Bool {
        guard let posted = form["csrf"], !posted.isEmpty else { return false }
        return ConstantTime.equal(posted, formToken)
    }

    /// A cookie only this site's pages send back over HTTPS, and no script reads.
    static func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: true, httpOnly: true, sameSite: .strict)
    }

    /// This page's address with `changes` made to its query (a nil value removes the parameter).
    func link(_ changes: [String: String?]) -> String {
        var pairs = query.filter { changes[$0.name] == nil }
        for (name, value) in changes.sorted(by: { $0.key < $1.key }) { if let value { pairs.append((name, value)) } }
        return Self.url(path, pairs)
    }

    static func url(_ path: String, _ query: [(name: String, value: String)]) -> String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(percentEncoded($0.name))=\(percentEncoded($0.value))" }.joined(separator: "&")
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}

/// `application/x-www-form-urlencoded`, as browsers write a form's fields into a query or a body.
/// (Hummingbird's `URLEncodedFormDecoder` decodes into a `Decodable` type; the pages' forms are
/// read from the kind declarations, so their names are known only at run time.)
enum FormEncoding {
    /// Each name and value in order; `+` is a space, `%xx` a byte of UTF-8.
    static func pairs(_ encoded: String) -> [(name: String, value: String)] {
        encoded.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}

/// A posted form: each name with its value (the last one sent).
struct WebForm {
    let values: [String: String]

    init(_ body: String) {
        values = Dictionary(FormEncoding.pairs(body).map { ($0.name, $0.value) }) { $1 }
    }

    subscript(_ name: String) -> String? { values[name] }
}
