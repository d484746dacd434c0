import Hummingbird
import TandemStore

/// The context of one request: who is calling, when they showed an editor token.
public struct TandemRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The editor whose bearer token came with the request; nil for anonymous callers.
    public var editor: EditorToken?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
