import Hummingbird
import TandemCore
import TandemStore

/// The context of one request: who is calling, when they showed an editor token.
public struct TandemRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The editor whose bearer token came with the request; nil for anonymous callers.
    public var editor: EditorToken?
    /// The cohort member whose node signed the request (RFC 9421); nil for everyone else.
    public var peer: NodeSlug?

    /// Whether `cohort` records may be shown: to local editors and to cohort members.
    public var mayReadCohort: Bool { editor != nil || peer != nil }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
