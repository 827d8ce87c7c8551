import Synchronization

/// An insert-only open-addressing hash table from operation keys to their storage, read without locks.
///
/// Layout: word 0 holds the slot mask (capacity - 1, capacity a power of two), then per slot two atomic words:
/// the key hash and the address of the operation's `SeriesCore` header (0 while empty). Writers, serialised by
/// the tracker's lock, store the hash and then publish the address with release; readers load the address with
/// acquire, so a non-zero address always comes with its hash and a fully built header. Slots are never
/// removed or changed, so a reader racing with an insert either sees the new entry or misses it and takes the
/// locked path. When the table passes half full the tracker publishes a copy of twice the capacity and keeps
/// the old one alive until it dies itself: geometric growth keeps all retired tables together smaller than
/// the current one.
struct SeriesIndex: @unchecked Sendable {
    let words: UnsafeMutablePointer<Atomic<UInt64>>

    init(words: UnsafeMutablePointer<Atomic<UInt64>>) {
        self.words = words
    }

    init?(address: UInt64) {
        guard let words = UnsafeMutablePointer<Atomic<UInt64>>(bitPattern: UInt(truncatingIfNeeded: address)) else {
            return nil
        }
        self.words = words
    }

    /// An empty table with `capacity` slots (a power of two).
    static func allocate(capacity: Int) -> SeriesIndex {
        precondition(capacity > 0 && capacity & (capacity - 1) == 0)
        let wordCount = 1 + 2 * capacity
        let words = UnsafeMutablePointer<Atomic<UInt64>>.allocate(capacity: wordCount)
        words.initialize(to: Atomic(UInt64(capacity - 1)))
        for offset in 1..<wordCount {
            (words + offset).initialize(to: Atomic(0))
        }
        return SeriesIndex(words: words)
    }

    func deallocate() {
        words.deallocate()
    }

    /// The table's address, for publishing it through an atomic word.
    var address: UInt64 { UInt64(UInt(bitPattern: words)) }

    /// Slots in the table.
    var capacity: Int { Int(truncatingIfNeeded: words[0].load(ordering: .relaxed)) + 1 }

    /// The operation with `hash` for which `matches` holds, or nil when it is not in the table.
    @inline(__always)
    func find(hash: UInt64, where matches: (SeriesCore) -> Bool) -> SeriesCore? {
        let mask = Int(truncatingIfNeeded: words[0].load(ordering: .relaxed))
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let address = words[2 &+ 2 &* slot].load(ordering: .acquiring)
            guard let base = UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: address)) else {
                return nil
            }
            if words[1 &+ 2 &* slot].load(ordering: .relaxed) == hash {
                let core = SeriesCore(base: base)
                if matches(core) { return core }
            }
            slot = (slot &+ 1) & mask
        }
    }

    /// Adds an operation that is not in the table yet. The caller holds the tracker's lock and has made sure
    /// the table stays at most half full.
    func insert(_ core: SeriesCore) {
        let mask = capacity - 1
        var slot = Int(truncatingIfNeeded: core.hash) & mask
        while words[2 + 2 * slot].load(ordering: .relaxed) != 0 {
            slot = (slot + 1) & mask
        }
        words[1 + 2 * slot].store(core.hash, ordering: .relaxed)
        words[2 + 2 * slot].store(UInt64(UInt(bitPattern: core.base)), ordering: .releasing)
    }
}
