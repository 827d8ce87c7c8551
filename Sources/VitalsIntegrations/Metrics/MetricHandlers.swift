import CoreMetrics
import Instrumentation
import Synchronization
import Vitals

/// A swift-metrics timer: each recording goes to a tracker series and, inside `withEventCollector`, becomes an event.
final class VitalsTimerHandler: TimerHandler, Sendable {
    let series: MetricSeries
    private let operation: OperationHandle
    private let recordsEvents: Bool
    private let rejections: RejectionCount

    init(tracker: PerformanceTracker, series: MetricSeries, recordsEvents: Bool, rejections: RejectionCount) {
        self.series = series
        self.operation = tracker.handle(series.name, labels: series.labels)
        self.recordsEvents = recordsEvents
        self.rejections = rejections
    }

    func recordNanoseconds(_ duration: Int64) {
        guard duration >= 0 else {
            rejections.add()
            return
        }
        operation.record(nanoseconds: UInt64(duration))
        guard recordsEvents, let collector = EventCollector.current else { return }
        let end = Timestamp.now()
        var event = Event(
            name: series.name,
            start: Timestamp(nanosecondsSinceEpoch: end.nanosecondsSinceEpoch &- duration),
            end: end,
            durationMilliseconds: Double(duration) / 1_000_000,
            labels: series.identity,
            attributes: series.attributes
        )
        // The timed work ran inside the current span, so the span is its parent.
        if let span = InstrumentationContext.currentVitalsSpan {
            event.traceID = span.traceID
            event.parentSpanID = span.spanID
        }
        collector.record(event)
    }
}

/// A swift-metrics counter: a running total that saturates at `Int64.max`.
final class VitalsCounterHandler: CounterHandler, Sendable {
    let series: MetricSeries
    private let count = Atomic<Int64>(0)
    private let rejections: RejectionCount

    init(rejections: RejectionCount, series: MetricSeries) {
        self.series = series
        self.rejections = rejections
    }

    var total: Double { Double(count.load(ordering: .relaxed)) }

    func increment(by amount: Int64) {
        guard amount >= 0 else {
            rejections.add()
            return
        }
        var current = count.load(ordering: .relaxed)
        while true {
            let (sum, overflow) = current.addingReportingOverflow(amount)
            let next = overflow ? Int64.max : sum
            let (exchanged, original) = count.weakCompareExchange(
                expected: current,
                desired: next,
                ordering: .relaxed
            )
            if exchanged { return }
            current = original
        }
    }

    func reset() {
        count.store(0, ordering: .relaxed)
    }
}

/// A swift-metrics floating-point counter: a running total of finite, non-negative increments.
final class VitalsFloatingPointCounterHandler: FloatingPointCounterHandler, Sendable {
    let series: MetricSeries
    private let bits = Atomic<UInt64>(0)
    private let rejections: RejectionCount

    init(rejections: RejectionCount, series: MetricSeries) {
        self.series = series
        self.rejections = rejections
    }

    var total: Double { Double(bitPattern: bits.load(ordering: .relaxed)) }

    func increment(by amount: Double) {
        guard amount.isFinite, amount >= 0 else {
            rejections.add()
            return
        }
        var current = bits.load(ordering: .relaxed)
        while true {
            let next = (Double(bitPattern: current) + amount).bitPattern
            let (exchanged, original) = bits.weakCompareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    func reset() {
        bits.store(0, ordering: .relaxed)
    }
}

/// A swift-metrics recorder, gauge or meter: the last value and when it was set.
final class VitalsGaugeHandler: RecorderHandler, MeterHandler, Sendable {
    let series: MetricSeries
    private let state = Mutex<(value: Double, time: Timestamp)?>(nil)
    private let rejections: RejectionCount

    init(rejections: RejectionCount, series: MetricSeries) {
        self.series = series
        self.rejections = rejections
    }

    var last: (Double, Timestamp)? {
        state.withLock { $0.map { ($0.value, $0.time) } }
    }

    /// Sets the value to `update(previous)`, previous being 0 before the first value; drops non-finite results.
    private func update(_ change: (Double) -> Double) {
        let now = Timestamp.now()
        let accepted = state.withLock { state -> Bool in
            let value = change(state?.value ?? 0)
            guard value.isFinite else { return false }
            state = (value, now)
            return true
        }
        if !accepted { rejections.add() }
    }

    func record(_ value: Int64) { update { _ in Double(value) } }
    func record(_ value: Double) { update { _ in value } }
    func set(_ value: Int64) { update { _ in Double(value) } }
    func set(_ value: Double) { update { _ in value } }
    func increment(by amount: Double) { update { $0 + amount } }
    func decrement(by amount: Double) { update { $0 - amount } }
}
