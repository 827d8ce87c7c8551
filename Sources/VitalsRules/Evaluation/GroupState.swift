import Vitals

/// Everything one rule keeps about one group: enough to compute its metric, nothing more. Mergeable, so
/// parts of the data can be evaluated separately and combined.
struct GroupState: Sendable {
    /// Most distinct values remembered per group for `distinct:ATTR`; beyond it the count is a lower bound.
    static let distinctCap = 10_000

    var count: UInt64 = 0
    var errors: UInt64 = 0
    var timeouts: UInt64 = 0
    /// Values summed: durations (ms) for event metrics, the attribute's or gauge's raw values otherwise.
    var valueCount: UInt64 = 0
    var sum: Double = 0
    var minimum = Double.infinity
    var maximum = -Double.infinity
    var sketch: QuantileSketch?
    var distinct: Set<String> = []
    var distinctOverflow = false
    var firstTime = Int64.max
    var lastTime = Int64.min
    var lastValue: Double = 0
    var lastValueTime = Int64.min
    var hasLastValue = false

    init(needsSketch: Bool) {
        if needsSketch { sketch = QuantileSketch() }
    }

    @inline(__always)
    mutating func addValue(_ value: Double) {
        valueCount &+= 1
        sum += value
        if value < minimum { minimum = value }
        if value > maximum { maximum = value }
    }

    @inline(__always)
    mutating func addTime(start: Int64?, end: Int64?) {
        if let first = start ?? end, first < firstTime { firstTime = first }
        if let last = end ?? start, last > lastTime { lastTime = last }
    }

    /// Adds one matching event.
    @inline(__always)
    mutating func add(_ event: EventContribution) {
        count &+= 1
        if event.status != .ok {
            errors &+= 1
            if event.status == .timeout { timeouts &+= 1 }
        }
        addTime(start: event.start, end: event.end)
        if let value = event.value {
            addValue(value)
            if event.isDuration { sketch?.add(value) }
        }
        if let text = event.text { addDistinct(text) }
    }

    mutating func addDistinct(_ value: String) {
        guard !distinctOverflow || distinct.contains(value) else { return }
        if distinct.count >= Self.distinctCap, !distinct.contains(value) {
            distinctOverflow = true
            return
        }
        distinct.insert(value)
    }

    /// Records a gauge value as the latest when its time is after the latest seen so far; at the same instant
    /// (samples without a timestamp count as taken at the latest time seen) the larger value wins, as in the
    /// file summary and the store, so that every path gives the same `last` whatever the order of merging.
    mutating func addLast(_ value: Double, time: Int64?) {
        let when = time ?? lastValueTime
        if !hasLastValue || when > lastValueTime || (when == lastValueTime && value > lastValue) {
            hasLastValue = true
            lastValueTime = when
            lastValue = value
        }
    }

    mutating func merge(_ other: GroupState) {
        count &+= other.count
        errors &+= other.errors
        timeouts &+= other.timeouts
        valueCount &+= other.valueCount
        sum += other.sum
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
        if let theirs = other.sketch { sketch?.merge(theirs) }
        for value in other.distinct { addDistinct(value) }
        distinctOverflow = distinctOverflow || other.distinctOverflow
        firstTime = min(firstTime, other.firstTime)
        lastTime = max(lastTime, other.lastTime)
        if other.hasLastValue { addLast(other.lastValue, time: other.lastValueTime) }
    }

    /// The metric's value in the canonical unit of its kind, `nil` when the group has nothing to measure.
    func value(of metric: Metric, unit: SourceUnit) -> Double? {
        switch metric {
        case .count:
            return Double(count)
        case .rate:
            guard count > 0, lastTime > firstTime else { return nil }
            return Double(count) / (Double(lastTime - firstTime) / 1e9)
        case .errorRate:
            return count == 0 ? nil : Double(errors) / Double(count)
        case .timeoutRate:
            return count == 0 ? nil : Double(timeouts) / Double(count)
        case .quantile(let q):
            return sketch?.quantile(q)
        case .distinct:
            return distinct.isEmpty ? nil : Double(distinct.count)
        case .gaugeLast:
            return valueCount == 0 ? nil : unit.scale.toCanonical(lastValue)
        case .averageDuration, .attributeAverage, .gaugeAverage:
            return valueCount == 0 ? nil : unit.scale.toCanonical(sum) / Double(valueCount)
        case .minimumDuration, .attributeMinimum, .gaugeMinimum:
            return valueCount == 0 ? nil : unit.scale.toCanonical(minimum)
        case .maximumDuration, .attributeMaximum, .gaugeMaximum:
            return valueCount == 0 ? nil : unit.scale.toCanonical(maximum)
        case .totalDuration, .attributeSum:
            return valueCount == 0 ? nil : unit.scale.toCanonical(sum)
        }
    }
}

/// What one event brings to a rule's group: its outcome, times, and the value the metric reads.
struct EventContribution {
    var status: EventStatus
    var start: Int64?
    var end: Int64?
    /// The duration or numeric attribute, when the metric reads one and the event has it.
    var value: Double?
    var isDuration: Bool
    /// The label or attribute text, for `distinct:`.
    var text: String?
}
