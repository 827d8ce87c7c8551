import Vitals

/// Event buckets whose raw events are committed but which are not written yet.
///
/// A batch of a thousand events of a thousand series would otherwise read and write a thousand buckets per
/// commit; held here, each bucket is written once per ``maximumAge`` however many commits add to it. The raw
/// rows of those commits are durable and their spans are recorded as pending in the same transaction, so a
/// process that ends first loses nothing: the next open rebuilds the buckets from the raw rows
/// (``BucketMetricStore/rebuildPendingBuckets()``). Reads write them first (``BucketMetricStore/settle()``).
///
/// Only touched inside commit rounds, which run one at a time; the lock makes ``hasBuckets`` safe to read from
/// any task.
package final class PendingBuckets: Sendable {
    /// How long a bucket may wait before it is written, by default.
    package static let maximumAge: Duration = .seconds(1)
    /// How many buckets may wait; past it the commit round that added them writes them.
    static let maximumBuckets = 20_000

    private struct State {
        var group = WriteGroup()
        var spans: [Int64] = []
        var timerRunning = false
    }

    private let state = LockedValue(State())

    /// Whether some bucket waits.
    var hasBuckets: Bool { state.withLock { !$0.spans.isEmpty } }

    /// Whether the round should write them now.
    var isFull: Bool { state.withLock { $0.group.eventBucketCount >= Self.maximumBuckets } }

    /// Takes the event buckets of `group`, written without them as the span `span` (`ids`: its series ids).
    func absorb(_ group: WriteGroup, ids: [Int64], span: Int64?) {
        state.withLock { state in
            state.group.absorbEventBuckets(of: group, ids: ids)
            if let span { state.spans.append(span) }
        }
    }

    /// Whether a timer should be started to write the buckets; true once until ``timerFired()``.
    func startsTimer() -> Bool {
        state.withLock { state in
            guard !state.spans.isEmpty, !state.timerRunning else { return false }
            state.timerRunning = true
            return true
        }
    }

    func timerFired() {
        state.withLock { $0.timerRunning = false }
    }

    /// Writes the buckets and settles their spans in one transaction; on failure they stay for the next time.
    func flush(to backend: any StoreBackend) async throws {
        let group = state.withLock { state -> WriteGroup? in
            guard !state.spans.isEmpty else { return nil }
            var group = state.group
            group.settle(spans: state.spans)
            return group
        }
        guard let group else { return }
        _ = try await backend.write(group)
        state.withLock { state in
            state.group = WriteGroup()
            state.spans = []
        }
    }
}
