import Foundation

/// The time a piece of work may take, and whether it has been called off.
///
/// The server gives every request's blocking work a budget (its deadline, and a switch the
/// shutdown turns off); the long loops of the analytics ask ``Work/isCancelled`` every so
/// often and stop early, and the caller discards what they computed. The CLI runs without a
/// budget: the checks then cost one task-local read and always answer "go on".
public final class WorkBudget: Sendable {
    /// `DispatchTime.now().uptimeNanoseconds` after which the work is called off.
    public let deadline: UInt64
    /// Threads the work may use for itself (kernel density splits its raster by worker).
    public let parallelism: Int
    /// A budget whose cancellation ends this one too (the server's lifetime).
    public let parent: WorkBudget?
    private let called = Locked(false)

    /// A budget of `seconds` from now (infinite: no deadline), ending also with `parent`.
    public init(seconds: Double, parallelism: Int = 1, parent: WorkBudget? = nil) {
        if seconds.isFinite {
            deadline = DispatchTime.now().uptimeNanoseconds &+ UInt64(max(0, min(seconds, 1e9)) * 1e9)
        } else {
            deadline = .max
        }
        self.parallelism = max(1, parallelism)
        self.parent = parent
    }

    /// Seconds to the deadline (nil without one).
    public var remainingSeconds: Double? {
        guard deadline != .max else { return nil }
        let now = DispatchTime.now().uptimeNanoseconds
        return now >= deadline ? 0 : Double(deadline - now) / 1e9
    }

    /// Calls the work off now (client gone, server stopping).
    public func cancel() { called.withLock { $0 = true } }

    /// Whether the deadline has passed or the work was called off.
    public var isCancelled: Bool {
        called.current || DispatchTime.now().uptimeNanoseconds >= deadline || (parent?.isCancelled ?? false)
    }

    /// Whether the deadline (rather than a cancel) ended the work.
    public var isPastDeadline: Bool { DispatchTime.now().uptimeNanoseconds >= deadline }
}

/// Work was stopped by its budget (deadline or cancellation) before it finished.
public struct WorkCancelled: Error, CustomStringConvertible, Sendable {
    public init() {}
    public var description: String { "the work was stopped before it finished (deadline or shutdown)" }
}

/// The budget of the work running on this thread (bound by the server around each request's
/// blocking work; none in the CLI).
public enum Work {
    @TaskLocal public static var budget: WorkBudget?

    /// Whether the current work should stop. Cheap enough for a loop's outer iterations.
    public static var isCancelled: Bool { budget?.isCancelled ?? false }

    /// Throws ``WorkCancelled`` when the current work should stop.
    public static func checkCancellation() throws {
        if isCancelled { throw WorkCancelled() }
    }

    /// Threads a computation may split itself over: the budget's, else the machine's cores.
    public static var parallelism: Int { budget?.parallelism ?? ProcessInfo.processInfo.activeProcessorCount }
}
