import Foundation
import TandemCrypto

/// RFC 9421 HTTP Message Signatures with Ed25519 (`alg="ed25519"`), for requests between nodes.
public enum MessageSignature {
    /// The parts of a request that components are taken from.
    public struct Request: Sendable {
        public var method: String
        /// `host[:port]` as the request targets it.
        public var authority: String
        public var path: String
        /// The query without its `?`; nil when there is none.
        public var query: String?
        public var headers: [(name: String, value: String)]

        public init(method: String, authority: String, path: String, query: String?, headers: [(name: String, value: String)] = []) {
            self.method = method
            self.authority = authority
            self.path = path
            self.query = query
            self.headers = headers
        }

        /// The value of a covered component (RFC 9421 §2.1 fields, §2.2 derived components).
        func value(of component: String) -> String? {
            switch component {
            case "@method": return method.uppercased()
            case "@authority": return authority.lowercased()
            case "@path": return path.isEmpty ? "/" : path
            case "@query": return "?" + (query ?? "")
            case "@target-uri": return "https://\(authority.lowercased())\(path)" + (query.map { "?" + $0 } ?? "")
            default:
                guard !component.hasPrefix("@") else { return nil }
                let values = headers.filter { $0.name.lowercased() == component }.map { $0.value.trimmingCharacters(in: .whitespaces) }
                return values.isEmpty ? nil : values.joined(separator: ", ")
            }
        }
    }

    /// The components a Tandem node signs and requires: they bind the method, the host and the
    /// whole target, cursor included.
    public static let requiredComponents = ["@method", "@authority", "@path", "@query"]
    /// How long a signature is good for, and how far a signer's clock may be ahead.
    public static let lifetime: Int = 300
    public static let clockSkew: Int = 60

    /// The signature base (§2.5): one line per component, then `@signature-params`.
    public static func base(for request: Request, components: [String], parameters: String) throws(SignatureError) -> String {
        var lines: [String] = []
        for component in components {
            guard let value = request.value(of: component) else { throw SignatureError("the signed component \"\(component)\" is missing from the request") }
            lines.append("\"\(component)\": \(value)")
        }
        lines.append("\"@signature-params\": \(parameters)")
        return lines.joined(separator: "\n")
    }

    /// Signs `request` and returns the `Signature-Input` and `Signature` header values.
    public static func sign(
        _ request: Request, key: Ed25519PrivateKey, keyID: String, label: String = "tandem",
        components: [String] = requiredComponents, created: Int = Int(Date().timeIntervalSince1970), expires: Int? = nil,
        nonce: String? = nil, algorithm: String? = "ed25519"
    ) throws -> (signatureInput: String, signature: String) {
        var parameters = "(" + components.map { "\"\($0)\"" }.joined(separator: " ") + ");created=\(created)"
        if let expires { parameters += ";expires=\(expires)" }
        if let nonce { parameters += ";nonce=\"\(nonce)\"" }
        parameters += ";keyid=\"\(keyID)\""
        if let algorithm { parameters += ";alg=\"\(algorithm)\"" }
        let signature = try key.signature(for: Array(try base(for: request, components: components, parameters: parameters).utf8))
        return ("\(label)=\(parameters)", "\(label)=:\(Data(signature).base64EncodedString()):")
    }

    /// A checked signature: the key that made it, to be matched to a member by the caller.
    public struct Verified: Sendable {
        public let key: DIDKey
        /// The signature's nonce, if it has one, and the time (seconds since 1970) after which the
        /// signature no longer verifies: how long a replay cache must remember the nonce.
        public let nonce: String?
        public let validUntil: Int
    }

    /// Checks the first signature of a request against Tandem's rules: the required components are
    /// covered, `created` is recent, `expires` has not passed, `keyid` is a did:key that made the
    /// signature. `now` is seconds since 1970.
    public static func verify(_ request: Request, signatureInput: String, signature: String, now: Int = Int(Date().timeIntervalSince1970)) throws(SignatureError) -> Verified {
        guard let (label, parameters) = firstMember(of: signatureInput) else { throw SignatureError("Signature-Input is not a signature label with parameters") }
        guard let parsed = parseParameters(parameters) else { throw SignatureError("Signature-Input \(label) is not a list of components with parameters") }
        for component in requiredComponents where !parsed.components.contains(component) {
            throw SignatureError("the signature must cover \(requiredComponents.joined(separator: " ")); \(component) is missing")
        }
        guard let created = parsed.values["created"].flatMap(Int.init) else { throw SignatureError("the signature has no created time") }
        guard created <= now + clockSkew else { throw SignatureError("the signature was created in the future (check the clocks)") }
        guard created >= now - lifetime else { throw SignatureError("the signature is older than \(lifetime) seconds") }
        if let expires = parsed.values["expires"].flatMap(Int.init), expires < now { throw SignatureError("the signature has expired") }
        if let algorithm = parsed.values["alg"], algorithm != "ed25519" { throw SignatureError("unsupported signature algorithm \(algorithm)") }
        guard let keyID = parsed.values["keyid"], let key = try? DIDKey(parsing: keyID) else {
            throw SignatureError("keyid must be the did:key of the signing node")
        }
        guard let (signatureLabel, encoded) = firstMember(of: signature), signatureLabel == label,
            encoded.hasPrefix(":"), encoded.hasSuffix(":"), encoded.count > 2,
            let bytes = Data(base64Encoded: String(encoded.dropFirst().dropLast()))
        else { throw SignatureError("Signature must be \(label)=:<base64>:") }
        let base = try base(for: request, components: parsed.components, parameters: parameters)
        guard key.publicKey.isValidSignature(Array(bytes), for: Array(base.utf8)) else {
            throw SignatureError("the signature does not match the request")
        }
        let validUntil = min(created + lifetime, parsed.values["expires"].flatMap(Int.init) ?? Int.max)
        return Verified(key: key, nonce: parsed.values["nonce"], validUntil: validUntil)
    }

    /// The first `label=value` member of a structured-field dictionary (RFC 8941), value as sent.
    static func firstMember(of header: String) -> (String, String)? {
        var depth = 0
        var quoted = false
        var end = header.endIndex
        var index = header.startIndex
        while index < header.endIndex {
            let character = header[index]
            if quoted {
                if character == "\\" { index = header.index(after: index) } else if character == "\"" { quoted = false }
            } else if character == "\"" {
                quoted = true
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
            } else if character == ",", depth == 0 {
                end = index
                break
            }
            if index < header.endIndex { index = header.index(after: index) }
        }
        let member = header[..<end].trimmingCharacters(in: .whitespaces)
        guard let equals = member.firstIndex(of: "=") else { return nil }
        let label = String(member[..<equals])
        guard !label.isEmpty, label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        return (label, String(member[member.index(after: equals)...]))
    }

    /// `("a" "b");k=v;k2="v2"` → components and parameters.
    static func parseParameters(_ text: String) -> (components: [String], values: [String: String])? {
        guard text.hasPrefix("("), let close = text.firstIndex(of: ")") else { return nil }
        let inner = text[text.index(after: text.startIndex)..<close]
        var components: [String] = []
        for item in inner.split(separator: " ", omittingEmptySubsequences: true) {
            guard item.count >= 2, item.first == "\"", item.last == "\"" else { return nil }
            let name = String(item.dropFirst().dropLast())
            guard !name.isEmpty, !name.contains("\""), !name.contains(";") else { return nil }
            components.append(name)
        }
        var values: [String: String] = [:]
        for parameter in text[text.index(after: close)...].split(separator: ";", omittingEmptySubsequences: true) {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            var value = String(parts[1])
            if value.hasPrefix("\"") {
                guard value.count >= 2, value.hasSuffix("\"") else { return nil }
                value = String(value.dropFirst().dropLast())
            }
            values[String(parts[0]).trimmingCharacters(in: .whitespaces)] = value
        }
        return (components, values)
    }
}

public struct SignatureError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
