import Foundation
import WanggeCore

/// A fixed set of threads of its own for blocking work (SQLite, analytics, GEOS), with a
/// bounded queue in front.
///
/// Blocking work never runs on the event loops nor on Swift concurrency's cooperative pool
/// (on Linux, Dispatch's global queues, as wide as the cores): a pool of N threads runs at
/// most N jobs, the queue holds at most `queueLimit` more, and beyond that ``submit(_:)``
/// refuses — the route answers 503 with `Retry-After` instead of piling up work. So however
/// many heavy requests arrive, `/health`, `/v1/assign` and ingest keep their threads.
// @unchecked: its queue and counters are read and written only under `condition`.
final class WorkerPool: @unchecked Sendable {
    let name: String
    let threads: Int
    let queueLimit: Int
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var head = 0
    private var busy = 0
    private var stopped = false

    /// Work the server does for itself (the leaders' map drawn ahead, the page's data read
    /// ahead): one thread, shared, never in the way of requests.
    static let background = WorkerPool(name: "wangge-background", threads: 1, queueLimit: 256)

    init(name: String, threads: Int, queueLimit: Int) {
        self.name = name
        self.threads = max(1, threads)
        self.queueLimit = max(0, queueLimit)
        for n in 0 ..< self.threads {
            let thread = Thread { self.work() }
            thread.name = "\(name)-\(n)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Jobs waiting for a thread, and jobs running.
    var load: (queued: Int, running: Int) {
        condition.lock(); defer { condition.unlock() }
        return (jobs.count - head, busy)
    }

    /// Queues `job`; false when the queue is full (the job is not run).
    @discardableResult
    func submit(_ job: @escaping () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard jobs.count - head < queueLimit + max(0, threads - busy) else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Lets the threads end once the queue is empty (the pool is then of no further use).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while head == jobs.count && !stopped { condition.wait() }
            if head == jobs.count {
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head > 1024 && head * 2 > jobs.count { jobs.removeFirst(head); head = 0 }
            busy += 1
            condition.unlock()
            job()
            condition.lock()
            busy -= 1
            condition.unlock()
        }
    }

    /// Runs `body` on a pool thread under `budget` and awaits its result.
    ///
    /// Throws ``Problem/overloaded(_:)`` when the queue is full, and
    /// ``Problem/deadlineExceeded(_:)`` once the budget's deadline passes — at the deadline,
    /// whether or not the work has noticed; the work is called off and its result discarded.
    func run<T: Sendable>(budget: WorkBudget?, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let budget = budget ?? WorkBudget(seconds: .infinity)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let once = ResumeOnce(continuation)
            let timer = DispatchWorkItem { [name] in
                budget.cancel()
                once.resume(with: .failure(Problem.deadlineExceeded(name)))
            }
            let accepted = submit {
                guard !budget.isCancelled else {
                    once.resume(with: .failure(budget.isPastDeadline ? Problem.deadlineExceeded(self.name) : Problem.shuttingDown()))
                    return
                }
                let result = Result { try Work.$budget.withValue(budget) { try body() } }
                timer.cancel()
                if budget.isCancelled, case .success = result {
                    // Stopped early: what it computed is incomplete.
                    once.resume(with: .failure(budget.isPastDeadline ? Problem.deadlineExceeded(self.name) : Problem.shuttingDown()))
                } else if case .failure(let error) = result, error is WorkCancelled {
                    once.resume(with: .failure(budget.isPastDeadline ? Problem.deadlineExceeded(self.name) : Problem.shuttingDown()))
                } else {
                    once.resume(with: result)
                }
            }
            guard accepted else {
                once.resume(with: .failure(Problem.overloaded(name)))
                return
            }
            if let wait = budget.remainingSeconds {
                DispatchQueue.global().asyncAfter(deadline: .now() + wait, execute: timer)
            }
        }
    }
}

/// A continuation resumed once: by the work, by its deadline, whichever comes first.
private struct ResumeOnce<T: Sendable>: Sendable {
    private let continuation: Locked<CheckedContinuation<T, any Error>?>

    init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = Locked(continuation) }

    func resume(with result: Result<T, any Error>) {
        continuation.withLock { c in
            defer { c = nil }
            return c
        }?.resume(with: result)
    }
}
