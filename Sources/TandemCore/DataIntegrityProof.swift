/// A W3C Data Integrity proof as it sits in a secured document's `proof` member.
public struct DataIntegrityProof: Sendable, Equatable {
    public static let type = "DataIntegrityProof"
    public static let assertionMethod = "assertionMethod"

    public let cryptosuite: String
    public let created: String?
    public let verificationMethod: String
    public let proofPurpose: String
    public let proofValue: String
    /// The proof's own `@context`, which eddsa-jcs-2022 copies from the document it secures.
    public let context: JSONValue?

    /// Reads a proof object, checking only its shape; which suites and purposes count is the verifier's call.
    public init(json: JSONObject, path: String = "proof") throws(ValidationError) {
        let reader = FieldReader(json, path: path)
        let type = reader.string("type", required: true, maxLength: 100)
        if let type, type != Self.type { reader.fail("type", .unreadable(expected: "\"\(Self.type)\", not \"\(type)\"")) }
        let cryptosuite = reader.string("cryptosuite", required: true, maxLength: 100)
        created = reader.string("created", maxLength: 100)
        let verificationMethod = reader.string("verificationMethod", required: true, maxLength: 2_000)
        let proofPurpose = reader.string("proofPurpose", required: true, maxLength: 100)
        let proofValue = reader.string("proofValue", required: true, maxLength: 1_000)
        context = json["@context"]
        try reader.finish()
        (self.cryptosuite, self.verificationMethod, self.proofPurpose, self.proofValue) = (cryptosuite!, verificationMethod!, proofPurpose!, proofValue!)
    }

    public init(cryptosuite: String, created: String?, verificationMethod: String, proofPurpose: String, proofValue: String, context: JSONValue?) {
        self.cryptosuite = cryptosuite
        self.created = created
        self.verificationMethod = verificationMethod
        self.proofPurpose = proofPurpose
        self.proofValue = proofValue
        self.context = context
    }

    /// The proof options: everything but `proofValue`, in the order the specification lists them.
    public var options: JSONObject {
        var object: JSONObject = ["type": .string(Self.type), "cryptosuite": .string(cryptosuite)]
        object["created"] = created.map(JSONValue.string)
        object["verificationMethod"] = .string(verificationMethod)
        object["proofPurpose"] = .string(proofPurpose)
        object["@context"] = context
        return object
    }

    public var json: JSONObject {
        var object = options
        object["proofValue"] = .string(proofValue)
        return object
    }
}
