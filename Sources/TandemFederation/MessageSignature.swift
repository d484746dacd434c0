import Foundation
import RawStructuredFieldValues
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
        var parameters = OrderedMap<String, RFC9651BareItem>()
        parameters["created"] = .integer(Int64(created))
        if let expires { parameters["expires"] = .integer(Int64(expires)) }
        if let nonce { parameters["nonce"] = .string(nonce) }
        parameters["keyid"] = .string(keyID)
        if let algorithm { parameters["alg"] = .string(algorithm) }
        var items = BareInnerList()
        for component in components { items.append(Item(bareItem: RFC9651BareItem.string(component), parameters: OrderedMap<String, RFC9651BareItem>())) }
        let input = InnerList(bareInnerList: items, parameters: parameters)
        let serialized = try serialize(input)
        let signature = try key.signature(for: Array(try base(for: request, components: components, parameters: serialized).utf8))
        var header = OrderedMap<String, ItemOrInnerList>()
        header[label] = .item(Item(bareItem: RFC9651BareItem.undecodedByteSequence(Data(signature).base64EncodedString()), parameters: OrderedMap<String, RFC9651BareItem>()))
        var serializer = StructuredFieldValueSerializer()
        return ("\(label)=\(serialized)", String(decoding: try serializer.writeDictionaryFieldValue(header), as: UTF8.self))
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
        let input = try Input(parsing: signatureInput)
        for component in requiredComponents where !input.components.contains(component) {
            throw SignatureError("the signature must cover \(requiredComponents.joined(separator: " ")); \(component) is missing")
        }
        guard let created = input.created else { throw SignatureError("the signature has no created time") }
        guard created <= now + clockSkew else { throw SignatureError("the signature was created in the future (check the clocks)") }
        guard created >= now - lifetime else { throw SignatureError("the signature is older than \(lifetime) seconds") }
        if let expires = input.expires, expires < now { throw SignatureError("the signature has expired") }
        if let algorithm = input.algorithm, algorithm != "ed25519" { throw SignatureError("unsupported signature algorithm \(algorithm)") }
        guard let keyID = input.keyID, let key = try? DIDKey(parsing: keyID) else {
            throw SignatureError("keyid must be the did:key of the signing node")
        }
        let bytes = try signatureBytes(signature, label: input.label)
        let base = try base(for: request, components: input.components, parameters: input.serialized)
        guard key.publicKey.isValidSignature(bytes, for: Array(base.utf8)) else {
            throw SignatureError("the signature does not match the request")
        }
        return Verified(key: key, nonce: input.nonce, validUntil: min(created + lifetime, input.expires ?? Int.max))
    }

    /// The first signature of a `Signature-Input` field (an RFC 8941 dictionary), read with
    /// swift-http-structured-headers.
    struct Input {
        let label: String
        let components: [String]
        let created: Int?
        let expires: Int?
        let nonce: String?
        let keyID: String?
        let algorithm: String?
        /// The inner list and its parameters, serialized as the signature base's `@signature-params` line has them.
        let serialized: String

        init(parsing header: String) throws(SignatureError) {
            guard let (label, member) = try MessageSignature.dictionary(header, field: "Signature-Input").first, case .innerList(let list) = member else {
                throw SignatureError("Signature-Input must give a label and a list of components")
            }
            var components: [String] = []
            for item in list.bareInnerList {
                guard case .string(let name) = item.rfc9651BareItem, item.rfc9651Parameters.count == 0, !name.isEmpty else {
                    throw SignatureError("Signature-Input \(label): each component must be a quoted name without parameters")
                }
                components.append(name)
            }
            let parameters = list.rfc9651Parameters
            func integer(_ name: String) throws(SignatureError) -> Int? {
                guard let value = parameters[name] else { return nil }
                guard case .integer(let number) = value else { throw SignatureError("Signature-Input \(label): \(name) must be an integer") }
                return Int(number)
            }
            func string(_ name: String) throws(SignatureError) -> String? {
                guard let value = parameters[name] else { return nil }
                guard case .string(let text) = value else { throw SignatureError("Signature-Input \(label): \(name) must be a quoted string") }
                return text
            }
            (self.label, self.components) = (label, components)
            (created, expires) = (try integer("created"), try integer("expires"))
            (nonce, keyID, algorithm) = (try string("nonce"), try string("keyid"), try string("alg"))
            do { serialized = try MessageSignature.serialize(list) } catch { throw SignatureError("Signature-Input \(label) cannot be serialized again") }
        }
    }

    /// The signature bytes of the `Signature` field's member `label`.
    static func signatureBytes(_ header: String, label: String) throws(SignatureError) -> [UInt8] {
        guard let member = try dictionary(header, field: "Signature")[label], case .item(let item) = member, case .undecodedByteSequence(let encoded) = item.rfc9651BareItem,
            let bytes = Data(base64Encoded: encoded)
        else { throw SignatureError("Signature must be \(label)=:<base64>:") }
        return Array(bytes)
    }

    /// A structured-field dictionary (RFC 8941), or an error naming `field`.
    static func dictionary(_ header: String, field: String) throws(SignatureError) -> OrderedMap<String, ItemOrInnerList> {
        do {
            var parser = StructuredFieldValueParser(Array(header.utf8))
            return try parser.parseDictionaryFieldValue()
        } catch {
            throw SignatureError("\(field) is not a structured-field dictionary (RFC 8941)")
        }
    }

    /// `("a" "b");created=1;keyid="k"`: an inner list with its parameters, as RFC 8941 serializes it.
    static func serialize(_ list: InnerList) throws -> String {
        var serializer = StructuredFieldValueSerializer()
        let field = try serializer.writeListFieldValue([.innerList(list)])
        return String(decoding: field, as: UTF8.self)
    }
}

public struct SignatureError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
