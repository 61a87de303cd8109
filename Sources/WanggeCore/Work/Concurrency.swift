import Dispatch
import Foundation

// The concurrency toolkit: the few shapes of shared state the code base needs, each written
// once, so that callers need no boxes of their own and no unchecked Sendable conformances.

/// A value behind a lock, shared between tasks and threads. Sendable only when its value is
/// (as NIO's `NIOLockedValueBox`): a lock makes access exclusive, it does not make a
/// non-Sendable value safe to hand to another thread.
///
/// An `NSLock` rather than `Synchronization.Mutex`: the mutex's `sending` rules refuse to hand
/// out values of a non-Sendable state (a pool's connections), and it needs macOS 15.
public final class Locked<Value> {
    private var value: Value
    private let lock = NSLock()

    public init(_ value: Value) { self.value = value }

    /// Runs `body` with the value, alone.
    public func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    /// A copy of the value as it is now.
    public var current: Value { withLock { $0 } }
}

// @unchecked: every access to `value` holds `lock`.
extension Locked: @unchecked Sendable where Value: Sendable {}

/// A value computed on another thread while the caller goes on; ``value`` waits for it (once,
/// then returns it at once to every later reader).
public final class BackgroundValue<Value: Sendable>: Sendable {
    private let result = Locked<Value?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// Starts `compute` on a global queue.
    public init(_ compute: @escaping @Sendable () -> Value) {
        DispatchQueue.global().async { [result, done] in
            let value = compute()
            result.withLock { $0 = value }
            done.signal()
        }
    }

    /// The computed value, waiting for it if it is not ready.
    public var value: Value {
        if let ready = result.current { return ready }
        done.wait()
        done.signal()
        return result.current!
    }
}

/// Work spread over all cores (`DispatchQueue.concurrentPerform`), with the results collected
/// per piece and handed back in order, so callers share no mutable state.
public enum Parallel {
    /// `body(k)` for every `k` in `0 ..< count`, on all cores; the results in the order of `k`.
    /// When a body throws, all the others still run, and the error of the lowest `k` is thrown
    /// (so the error is the one a sequential run would have met first).
    public static func map<T: Sendable, E: Error>(_ count: Int, _ body: @Sendable (Int) throws(E) -> T) throws(E) -> [T] {
        guard count > 0 else { return [] }
        let slots = Locked<[Result<T, E>?]>(Array(repeating: nil, count: count))
        DispatchQueue.concurrentPerform(iterations: count) { k in
            let result: Result<T, E>
            do throws(E) { result = .success(try body(k)) } catch { result = .failure(error) }
            slots.withLock { $0[k] = result }
        }
        let results = slots.withLock { slots in
            defer { slots = [] }
            return slots
        }
        var values: [T] = []
        values.reserveCapacity(count)
        for result in results { values.append(try result!.get()) }
        return values
    }

    /// `body(k)` for every `k` in `0 ..< count` on all cores, and `consume` on the calling thread
    /// with each result in the order of `k` as soon as it and all before it are done — so that
    /// consuming (writing out) overlaps the work instead of following it. After an error (from
    /// `body` or `consume`) nothing more is consumed; the bodies already under way finish, and
    /// the first error in the order of `k` is thrown.
    public static func forEachInOrder<T: Sendable>(
        _ count: Int, _ body: @escaping @Sendable (Int) throws -> T, consume: (T) throws -> Void
    ) throws {
        guard count > 0 else { return }
        let slots = Locked<[Result<T, any Error>?]>(Array(repeating: nil, count: count))
        let finished = DispatchSemaphore(value: 0)
        let allDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: count) { k in
                let result = Result { try body(k) }
                slots.withLock { $0[k] = result }
                finished.signal()
            }
            allDone.signal()
        }
        var next = 0
        var failure: (any Error)?
        while next < count {
            finished.wait()
            while next < count,
                let result = slots.withLock({ slots -> Result<T, any Error>? in
                    defer { if slots[next] != nil { slots[next] = nil } }
                    return slots[next]
                })
            {
                if failure == nil {
                    do { try consume(result.get()) } catch { failure = error }
                }
                next += 1
            }
        }
        allDone.wait()
        if let failure { throw failure }
    }

    /// `range` cut into `pieces` consecutive ranges (all but the last of ⌈count / pieces⌉
    /// elements; trailing ones may be empty), `body` run on each on all cores; the results in
    /// the order of the ranges, errors as in ``map(_:_:)``.
    public static func chunks<T: Sendable, E: Error>(
        _ range: Range<Int>, pieces: Int,
        _ body: @Sendable (Range<Int>) throws(E) -> T
    ) throws(E) -> [T] {
        let pieces = max(1, pieces)
        let size = (range.count + pieces - 1) / pieces
        let start = range.lowerBound, end = range.upperBound
        return try map(pieces) { (k) throws(E) -> T in
            let lower = min(end, start + k * size)
            return try body(lower ..< min(end, lower + size))
        }
    }
}
