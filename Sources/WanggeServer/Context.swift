import Hummingbird
import WanggeStore

/// The request context: who is asking, as established from the bearer token or the login
/// cookie before the route runs.
struct WanggeContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The role of the presented token; nil when none was presented.
    var role: Role?

    init(source: Source) {
        coreContext = .init(source: source)
        role = nil
    }

    /// Bodies are limited by the service's own `--max-body` check, which answers 413 with a
    /// problem document.
    var maxUploadSize: Int { Int.max }
}
