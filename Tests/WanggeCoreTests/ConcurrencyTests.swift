import Dispatch
import Foundation
import Testing
@testable import WanggeCore

@Suite struct ConcurrencyTests {
    struct Failure: Error, Equatable { let k: Int }

    /// Results come back in index order however the workers interleave (later indices finish
    /// first here).
    @Test func mapKeepsIndexOrder() {
        let results = Parallel.map(16) { k -> Int in
            usleep(UInt32(16 - k) * 500)
            return k * k
        }
        #expect(results == (0 ..< 16).map { $0 * $0 })
        #expect(Parallel.map(0) { $0 }.isEmpty)
    }

    /// Every body runs, and the error of the lowest index is the one thrown.
    @Test func mapThrowsTheFirstErrorInIndexOrder() {
        let ran = Locked(Set<Int>())
        #expect(throws: Failure(k: 3)) {
            _ = try Parallel.map(10) { (k) throws(Failure) -> Int in
                ran.withLock { _ = $0.insert(k) }
                if k == 7 { throw Failure(k: 7) }
                if k == 3 { usleep(2000); throw Failure(k: 3) }
                return k
            }
        }
        #expect(ran.current == Set(0 ..< 10))
    }

    /// Results are consumed in index order, on the calling thread, however the bodies finish.
    @Test func forEachInOrderConsumesInIndexOrder() throws {
        var consumed: [Int] = []
        try Parallel.forEachInOrder(
            24,
            { k in
                usleep(UInt32(24 - k) * 300)
                return k * k
            },
            consume: { consumed.append($0) })
        #expect(consumed == (0 ..< 24).map { $0 * $0 })
    }

    /// After an error nothing more is consumed, and the first error in index order is thrown,
    /// whether a body or the consumer threw it.
    @Test func forEachInOrderStopsAtTheFirstErrorInOrder() {
        var consumed: [Int] = []
        #expect(throws: Failure(k: 5)) {
            try Parallel.forEachInOrder(
                12,
                { k in
                    if k == 9 { throw Failure(k: 9) }
                    if k == 5 { usleep(3000); throw Failure(k: 5) }
                    return k
                },
                consume: { consumed.append($0) })
        }
        #expect(consumed == [0, 1, 2, 3, 4])
        consumed = []
        #expect(throws: Failure(k: -2)) {
            try Parallel.forEachInOrder(
                8, { k in k },
                consume: { k in
                    if k == 2 { throw Failure(k: -2) }; consumed.append(k)
                })
        }
        #expect(consumed == [0, 1])
    }

    /// The chunks cover the range once, consecutively, in order; sizes are ⌈n / pieces⌉.
    @Test func chunksCoverTheRangeInOrder() {
        let chunks = Parallel.chunks(5 ..< 15, pieces: 3) { $0 }
        #expect(chunks == [5 ..< 9, 9 ..< 13, 13 ..< 15])
        let sums = Parallel.chunks(0 ..< 1000, pieces: 7) { r in r.reduce(0, +) }
        #expect(sums.count == 7 && sums.reduce(0, +) == 499_500)
        // More pieces than elements: the trailing ones are empty.
        #expect(Parallel.chunks(0 ..< 2, pieces: 4) { $0.count } == [1, 1, 0, 0])
        #expect(Parallel.chunks(0 ..< 0, pieces: 0) { $0.count } == [0])
    }

    /// The background value is computed once, on another thread, and every reader gets it.
    @Test func backgroundValueIsComputedOnceOnAnotherThread() {
        let calls = Locked(0)
        let caller = pthread_self()
        let gate = DispatchSemaphore(value: 0)
        let background = BackgroundValue { () -> Bool in
            gate.wait()
            calls.withLock { $0 += 1 }
            return pthread_equal(pthread_self(), caller) == 0
        }
        // Not ready until the gate opens.
        #expect(calls.current == 0)
        gate.signal()
        #expect(background.value)
        #expect(background.value)
        #expect(calls.current == 1)
    }

    /// The lock box serialises its users: no increment is lost.
    @Test func lockedLosesNoUpdate() {
        let counter = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0 ..< 10_000 { counter.withLock { $0 += 1 } }
        }
        #expect(counter.current == 80_000)
        #expect(
            counter.withLock { v -> Int in
                v = -1; return 5
            } == 5)
        #expect(counter.current == -1)
    }

}
