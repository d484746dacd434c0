import TandemCore
import TandemStore

/// Why the node refused or could not do what was asked, in the domain's words. Front ends map the
/// reason (the JSON API to a problem document, the command line to a one-line message).
public struct NodeError: Error, CustomStringConvertible, Sendable {
    /// What kind of refusal it is; compared with `==` or in a `switch` with a `default`, so reasons can grow.
    public struct Reason: Sendable, Hashable {
        private enum Code: Sendable, Hashable { case invalid, notFound, readOnly, gone, conflict, tooLarge }
        private let code: Code

        /// The content does not fit its kind; `issues` names each field at fault.
        public static let invalid = Reason(code: .invalid)
        /// No such record here (or not one the caller may see).
        public static let notFound = Reason(code: .notFound)
        /// Another origin's record: only its origin writes it.
        public static let readOnly = Reason(code: .readOnly)
        /// The record was deleted.
        public static let gone = Reason(code: .gone)
        /// The record is at another version than the one the write expected.
        public static let conflict = Reason(code: .conflict)
        /// The signed document would be larger than a document may be.
        public static let tooLarge = Reason(code: .tooLarge)
    }

    public let reason: Reason
    public let message: String
    public let issues: [ValidationError.Issue]

    init(_ reason: Reason, _ message: String, issues: [ValidationError.Issue] = []) {
        self.reason = reason
        self.message = message
        self.issues = issues
    }

    public var description: String { message }

    static func invalid(_ error: ValidationError) -> NodeError { NodeError(.invalid, error.description, issues: error.issues) }

    static func readOnly(_ origin: NodeSlug) -> NodeError {
        NodeError(.readOnly, "records of \(origin) are read-only here; only \(origin) can change them")
    }

    static func notFound(_ kind: RecordKind, _ origin: NodeSlug, _ id: RecordID) -> NodeError {
        NodeError(.notFound, "no \(kind.singular) \(origin)/\(id)")
    }
}
