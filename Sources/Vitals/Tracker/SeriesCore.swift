public import CVitalsShims
import FoundationEssentials
public import Synchronization

/// An ARC-free view of one operation's storage, so that the hot path touches raw memory only.
///
/// The header is one 128-byte-aligned block that is written once, before the series is published, and only
/// read afterwards:
///
/// | bytes | content |
/// |-------|---------|
/// | 0 | stripe mask (stripe count - 1) |
/// | 8 | key hash |
/// | 16 | key length in bytes |
/// | 24 | key bytes address |
/// | 32 | address of the owning `OperationSeries` (unretained: the owner frees this block) |
/// | 64 ..< 64 + 8 × stripes | address of each stripe, 0 until a thread of that stripe records |
///
/// The key is the operation's name followed by `0xFF key 0xFE value` per label: bytes that never occur in UTF-8,
/// so different names and labels never encode alike.
@usableFromInline
struct SeriesCore: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutableRawPointer

    @usableFromInline
    init(base: UnsafeMutableRawPointer) {
        self.base = base
    }

    static var maximumStripes: Int { 16 }
    @inlinable static var stripeSlotsOffset: Int { 64 }
    static var headerBytes: Int { 256 }

    /// Stripes per operation: a power of two of at least twice the processors, at most 16, so that the threads
    /// active at one time rarely share a stripe.
    static let stripeCount: Int = {
        let wanted = max(1, ProcessInfo.processInfo.activeProcessorCount) * 2
        var count = 1
        while count < wanted && count < maximumStripes { count <<= 1 }
        return count
    }()

    /// Allocates the storage of the operation with the given encoded key.
    static func allocate(key: [UInt8], hash: UInt64, stripeCount: Int) -> SeriesCore {
        precondition(stripeCount > 0 && stripeCount <= maximumStripes && stripeCount & (stripeCount - 1) == 0)
        let base = UnsafeMutableRawPointer.allocate(byteCount: headerBytes, alignment: SeriesStripe.alignment)
        let keyBytes = UnsafeMutableRawPointer.allocate(byteCount: max(1, key.count), alignment: 8)
        key.withUnsafeBytes { keyBytes.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        base.storeBytes(of: stripeCount - 1, toByteOffset: 0, as: Int.self)
        base.storeBytes(of: hash, toByteOffset: 8, as: UInt64.self)
        base.storeBytes(of: key.count, toByteOffset: 16, as: Int.self)
        base.storeBytes(of: UnsafeRawPointer(keyBytes), toByteOffset: 24, as: UnsafeRawPointer.self)
        let slots = (base + stripeSlotsOffset).bindMemory(to: Atomic<UInt64>.self, capacity: maximumStripes)
        for offset in 0..<maximumStripes {
            (slots + offset).initialize(to: Atomic(0))
        }
        return SeriesCore(base: base)
    }

    /// Frees the storage. Only when no thread can reach it any more.
    func deallocate() {
        forEachStripe { $0.deallocate() }
        UnsafeMutableRawPointer(mutating: keyBytes).deallocate()
        base.deallocate()
    }

    @inlinable var stripeMask: Int { base.load(fromByteOffset: 0, as: Int.self) }
    @inline(__always) var hash: UInt64 { base.load(fromByteOffset: 8, as: UInt64.self) }
    @inline(__always) var keyCount: Int { base.load(fromByteOffset: 16, as: Int.self) }
    @inline(__always) var keyBytes: UnsafeRawPointer { base.load(fromByteOffset: 24, as: UnsafeRawPointer.self) }

    /// The series that owns this storage. Valid only while something keeps the series alive (the tracker
    /// whose table led here, or a handle).
    var owner: OperationSeries {
        Unmanaged<OperationSeries>.fromOpaque(base.load(fromByteOffset: 32, as: UnsafeRawPointer.self))
            .takeUnretainedValue()
    }

    /// Records which series owns this storage; called once by the owner's initialiser.
    func setOwner(_ series: OperationSeries) {
        base.storeBytes(
            of: UnsafeRawPointer(Unmanaged.passUnretained(series).toOpaque()),
            toByteOffset: 32,
            as: UnsafeRawPointer.self
        )
    }

    @inlinable
    var stripeSlots: UnsafeMutablePointer<Atomic<UInt64>> {
        (base + Self.stripeSlotsOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// Records one measurement on the calling thread's stripe.
    @inlinable
    func record(nanoseconds: UInt64, failed: Bool) {
        let slot = Int(truncatingIfNeeded: vitals_thread_number()) & stripeMask
        let address = stripeSlots[slot].load(ordering: .acquiring)
        let stripe: SeriesStripe
        if let words = UnsafeMutablePointer<Atomic<UInt64>>(bitPattern: UInt(truncatingIfNeeded: address)) {
            stripe = SeriesStripe(words: words)
        } else {
            stripe = installStripe(slot: slot)
        }
        stripe.record(nanoseconds: nanoseconds, failed: failed)
    }

    @usableFromInline
    @inline(never)
    func installStripe(slot: Int) -> SeriesStripe {
        let stripe = SeriesStripe.allocate()
        let (exchanged, winner) = stripeSlots[slot].compareExchange(
            expected: 0,
            desired: UInt64(UInt(bitPattern: stripe.words)),
            successOrdering: .acquiringAndReleasing,
            failureOrdering: .acquiring
        )
        if exchanged { return stripe }
        stripe.deallocate()
        return SeriesStripe(words: UnsafeMutablePointer(bitPattern: UInt(truncatingIfNeeded: winner))!)
    }

    /// Calls `body` with every stripe that has been used.
    func forEachStripe(_ body: (SeriesStripe) -> Void) {
        for slot in 0...stripeMask {
            let address = stripeSlots[slot].load(ordering: .acquiring)
            if let words = UnsafeMutablePointer<Atomic<UInt64>>(bitPattern: UInt(truncatingIfNeeded: address)) {
                body(SeriesStripe(words: words))
            }
        }
    }

    /// Zeroes every counter of every stripe.
    func reset() {
        forEachStripe { $0.reset() }
    }

    /// Whether this operation's key is exactly `bytes` (an operation without labels).
    @inline(__always)
    func keyEquals(_ bytes: UnsafeRawBufferPointer) -> Bool {
        keyCount == bytes.count && SeriesKeyBytes.bytesEqual(keyBytes, bytes.baseAddress, count: bytes.count)
    }
}
