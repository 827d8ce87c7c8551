package import Vitals

/// A minute bucket of one series of a batch: the series' position in the batch and the bucket start.
package struct BucketSlot: Hashable, Sendable {
    package var series: Int
    package var start: Int64

    package init(series: Int, start: Int64) {
        self.series = series
        self.start = start
    }
}

/// A batch validated and aggregated before it reaches the writer: its distinct series, minute buckets per
/// series, and raw event rows. Built in the caller's task, so the CPU work of many concurrent batches runs in
/// parallel and the single writer only merges and writes.
package struct PreparedBatch: Sendable {
    /// The distinct series of the batch, in order of first appearance.
    package var keys: [SeriesKey] = []
    /// Earliest and latest record time per series (same positions as `keys`).
    package var seen: [(first: Int64, last: Int64)] = []
    package var eventBuckets: [BucketSlot: EventStatistics] = [:]
    package var gaugeBuckets: [BucketSlot: GaugeStatistics] = [:]
    /// Raw rows, with the series position of each and the event it came from (re-encoded in full if its
    /// series overflows).
    package var rawEvents: [RawEventRow] = []
    package var rawSeries: [Int] = []
    package var rawSources: [Event] = []
    /// Accepted and rejected counts; overflow and new series are filled in by the writer.
    package var result = IngestResult()

    /// Validates and aggregates `records`.
    package init(
        _ records: [Record],
        receivedAt: Timestamp,
        identity: SeriesIdentity,
        additiveAttributes: Set<String>,
        omitted: RawEventCodec.OmittedKeys,
        keepsRawEvents: Bool
    ) {
        var positions: [SeriesKey: Int] = [:]
        // Events are matched to series by name and label values; the series key (a label list, costly to
        // build and hash) is built once per distinct series of the batch.
        var eventPositions: [EventSeriesValues: Int] = [:]
        var values = Array(repeating: String?.none, count: identity.labelKeys.count)
        func position(of key: SeriesKey, at time: Int64) -> Int {
            let index: Int
            if let known = positions[key] {
                index = known
            } else {
                index = keys.count
                positions[key] = index
                keys.append(key)
                seen.append((time, time))
            }
            if time < seen[index].first { seen[index].first = time }
            if time > seen[index].last { seen[index].last = time }
            return index
        }
        func position(of event: Event, at time: Int64) -> Int {
            identity.fill(&values, from: event)
            let fingerprint = EventSeriesValues(name: event.name, values: values)
            if let index = eventPositions[fingerprint] {
                if time < seen[index].first { seen[index].first = time }
                if time > seen[index].last { seen[index].last = time }
                return index
            }
            let index = position(of: identity.key(name: event.name, values: values), at: time)
            eventPositions[fingerprint] = index
            return index
        }
        if keepsRawEvents {
            rawEvents.reserveCapacity(records.count)
            rawSeries.reserveCapacity(records.count)
            rawSources.reserveCapacity(records.count)
        }
        for (index, record) in records.enumerated() {
            switch record {
            case .event(let event):
                if let reason = Self.problem(with: event) {
                    result.rejected.append(IngestResult.Rejection(index: index, reason: reason))
                    continue
                }
                let time = Self.time(of: event, receivedAt: receivedAt)
                let series = position(of: event, at: time)
                let slot = BucketSlot(series: series, start: BucketLevel.minute.start(of: time))
                // Mutated in place through the dictionary, so the bucket's sketch is never copied per event.
                eventBuckets[slot, default: EventStatistics()].add(event, additiveAttributes: additiveAttributes)
                if keepsRawEvents {
                    rawEvents.append(
                        RawEventRow(
                            time: time,
                            durationMilliseconds: event.durationMilliseconds,
                            status: event.status,
                            detail: RawEventCodec.encode(event, omitting: omitted)
                        )
                    )
                    rawSeries.append(series)
                    rawSources.append(event)
                }
                result.acceptedEvents += 1
            case .sample(let sample):
                if let reason = Self.problem(with: sample) {
                    result.rejected.append(IngestResult.Rejection(index: index, reason: reason))
                    continue
                }
                let time = sample.timestamp?.nanosecondsSinceEpoch ?? receivedAt.nanosecondsSinceEpoch
                let series = position(of: identity.key(for: sample), at: time)
                let slot = BucketSlot(series: series, start: BucketLevel.minute.start(of: time))
                gaugeBuckets[slot, default: GaugeStatistics()].add(
                    sample.value,
                    at: Timestamp(nanosecondsSinceEpoch: time)
                )
                result.acceptedSamples += 1
            }
        }
    }

    /// The time an event is filed under: its end, else start plus duration, else when it was received.
    package static func time(of event: Event, receivedAt: Timestamp) -> Int64 {
        if let end = event.end { return end.nanosecondsSinceEpoch }
        if let start = event.start {
            return start.adding(milliseconds: event.durationMilliseconds).nanosecondsSinceEpoch
        }
        return receivedAt.nanosecondsSinceEpoch
    }

    private static func problem(with event: Event) -> String? {
        if event.name.isEmpty { return "event name is empty; expected a name such as llm_call" }
        if !event.durationMilliseconds.isFinite || event.durationMilliseconds < 0 {
            return "duration_ms is \(event.durationMilliseconds); expected a finite number >= 0"
        }
        return nil
    }

    private static func problem(with sample: Sample) -> String? {
        if sample.name.isEmpty { return "metric name is empty; expected a gauge name such as queue_depth" }
        if !sample.value.isFinite { return "value is \(sample.value); expected a finite number" }
        return nil
    }
}

/// An event's name and label values: what decides its series, cheap to hash.
private struct EventSeriesValues: Hashable {
    var name: String
    var values: [String?]
}
