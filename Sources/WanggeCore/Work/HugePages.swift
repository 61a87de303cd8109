import Foundation

/// Large arrays read at random (a city's coverage raster) backed by 2 MiB pages where the
/// kernel allows it: with 4 KiB pages nearly every random read misses the TLB.
///
/// Linux backs anonymous memory with transparent huge pages either always or only where a
/// program asks with `madvise(MADV_HUGEPAGE)` (`/sys/kernel/mm/transparent_hugepage/enabled`:
/// `madvise`, Debian's default). The advice is given for the whole 2 MiB pages inside the
/// array's buffer before anything is written, so the first write to each faults in a huge
/// page. Where the kernel declines, nothing changes but the speed.
enum HugePages {
    static let size = 2 << 20

    /// An array of `count` elements, `element(k)` each, advised onto huge pages when it spans any.
    static func array<T>(count: Int, _ element: (Int) -> T) -> [T] {
        array(count: count) { base in
            for k in 0 ..< count { (base + k).initialize(to: element(k)) }
        }
    }

    /// An array of `count` elements that `initialize` writes, all of them, in place.
    static func array<T>(count: Int, initializing initialize: (UnsafeMutablePointer<T>) -> Void) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { initialized = 0; return }
            if count * MemoryLayout<T>.stride >= size {
                let start = (Int(bitPattern: base) + size - 1) / size * size
                let end = (Int(bitPattern: base) + count * MemoryLayout<T>.stride) / size * size
                if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
            }
            initialize(base)
            initialized = count
        }
    }
}

/// A heap copy of `array`, for arrays read through raw pointers in hot loops (the nearest-cell
/// tree's and its entry grid's); the owner deallocates it.
func copyToHeap<T>(_ array: [T]) -> UnsafeMutablePointer<T> {
    let p = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, array.count))
    _ = UnsafeMutableBufferPointer(start: p, count: array.count).initialize(from: array)
    return p
}
