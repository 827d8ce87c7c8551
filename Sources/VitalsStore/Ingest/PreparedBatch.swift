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
/// series (or, when the store keeps buckets waiting in memory, the raw rows' sums for the writer to add to them), and
/// raw event rows. Built in the caller's task, so the CPU work of many concurrent batches runs in parallel and the
/// single writer only merges and writes.
package struct PreparedBatch: Sendable {
    /// The distinct series of the batch, in order of first appearance.
    package var keys: [SeriesKey] = []
    /// The id of each series the store's ``KnownEventSeries`` table knew (same positions as `keys`).
    package var knownIDs: [Int64?] = []
    /// The event series the table did not know, with the values that make each: the writer teaches them to it.
    package var learnable: [(position: Int, values: EventSeriesValues)] = []
    /// Earliest and latest record time per series (same positions as `keys`).
    package var seen: [(first: Int64, last: Int64)] = []
    /// Whether the events are aggregated into ``eventBuckets`` here; otherwise the writer adds the raw rows to
    /// the buckets that wait in memory, and ``rawSums`` holds their summed attributes.
    package let aggregatesEvents: Bool
    package var eventBuckets: [BucketSlot: EventStatistics] = [:]
    package var gaugeBuckets: [BucketSlot: GaugeStatistics] = [:]
    /// Raw rows, with the series position of each.
    package var rawEvents: [RawEventRow] = []
    package var rawSeries: [Int] = []
    /// The summed attributes of the raw rows, in row order, when the events are not aggregated here.
    package var rawSums: [RowSum] = []
    /// The batch's key and the time it was received, when the client gave one.
    package var batchKey: (key: String, receivedAt: Int64)?
    /// Accepted and rejected counts; overflow and new series are filled in by the writer.
    package var result = IngestResult()

    /// Validates and aggregates `records`.
    ///
    /// - Parameters:
    ///   - known: The store's known event series, whose keys are not built and whose label values are not
    ///     checked again.
    ///   - aggregatesEvents: Whether to aggregate the events into buckets here (see ``aggregatesEvents``); when
    ///     not, raw events must be kept.
    package init(
        _ records: [Record],
        receivedAt: Timestamp,
        identity: SeriesIdentity,
        roles: EventKeyRoles,
        keepsRawEvents: Bool,
        known: KnownEventSeries.Table? = nil,
        aggregatesEvents: Bool = true
    ) {
        precondition(aggregatesEvents || keepsRawEvents, "events that are not aggregated need their raw rows")
        self.aggregatesEvents = aggregatesEvents
        var positions: [SeriesKey: Int] = [:]
        // Events are matched to series by name and label values; the series key (a label list, costly to
        // build and hash) is built once per distinct series of the batch, and not at all for a known series.
        var eventPositions: [EventSeriesValues: Int] = [:]
        var knownPositions: [Int64: Int] = [:]
        var values = Array(repeating: String?.none, count: identity.labelKeys.count)
        func touch(_ index: Int, at time: Int64) {
            if time < seen[index].first { seen[index].first = time }
            if time > seen[index].last { seen[index].last = time }
        }
        func append(_ key: SeriesKey, id: Int64?, at time: Int64) -> Int {
            keys.append(key)
            knownIDs.append(id)
            seen.append((time, time))
            return keys.count - 1
        }
        func position(of key: SeriesKey, at time: Int64) -> Int {
            if let index = positions[key] {
                touch(index, at: time)
                return index
            }
            let index = append(key, id: nil, at: time)
            positions[key] = index
            return index
        }
        /// The position of the event series of `values`, or why its label values cannot be stored.
        func position(ofEvent name: String, at time: Int64) -> Result<Int, LabelProblem> {
            let fingerprint = EventSeriesValues(name: name, values: values)
            if let entry = known?[fingerprint] {
                if let index = knownPositions[entry.id] {
                    touch(index, at: time)
                    return .success(index)
                }
                let index = append(entry.key, id: entry.id, at: time)
                knownPositions[entry.id] = index
                return .success(index)
            }
            if let index = eventPositions[fingerprint] {
                touch(index, at: time)
                return .success(index)
            }
            if let reason = IngestLimits.problem(labels: identity.labelKeys, values: values) {
                return .failure(LabelProblem(reason: reason))
            }
            let index = position(of: identity.key(name: name, values: values), at: time)
            eventPositions[fingerprint] = index
            learnable.append((index, fingerprint))
            return .success(index)
        }
        // Attribute sums per bucket as plain arrays (by additive key position), folded into the buckets' named
        // sums once at the end instead of one dictionary update per attribute per event.
        var slotSums: [BucketSlot: AttributeSumSlots] = [:]
        var sums = AttributeSumSlots(count: roles.additiveKeys.count)
        var hasSums = false
        var rejection: String?
        if keepsRawEvents {
            rawEvents.reserveCapacity(records.count)
            rawSeries.reserveCapacity(records.count)
        }
        // Sized for the worst case, a series per record (the shape a fleet sends): growing these tables by
        // rehashing cost as much as filling them.
        let expected = min(records.count, 4_096)
        keys.reserveCapacity(expected)
        knownIDs.reserveCapacity(expected)
        seen.reserveCapacity(expected)
        if let known, known.count > 0 {
            knownPositions.reserveCapacity(expected)
        } else {
            eventPositions.reserveCapacity(expected)
            positions.reserveCapacity(expected)
        }
        if aggregatesEvents { eventBuckets.reserveCapacity(expected) }
        for (index, record) in records.enumerated() {
            switch record {
            case .event(let event):
                if let reason = Self.problem(with: event) {
                    result.rejected.append(IngestResult.Rejection(index: index, reason: reason))
                    continue
                }
                let time = Self.time(of: event, receivedAt: receivedAt)
                if let reason = IngestLimits.problem(time: time, field: event.end == nil ? "start_ts" : "ts") {
                    result.rejected.append(IngestResult.Rejection(index: index, reason: reason))
                    continue
                }
                // One pass over the labels and one over the attributes, one key lookup each, feeds the series
                // label slots, the attribute sums and the raw detail's omissions.
                let labels = event.labels.elements
                let attributes = event.attributes.elements
                for slot in values.indices { values[slot] = nil }
                if hasSums {
                    sums.reset()
                    hasSums = false
                }
                var omittedLabels: UInt64 = 0
                var omittedAttributes: UInt64 = 0
                let masks = labels.count <= 64 && attributes.count <= 64
                for (position, label) in labels.enumerated() {
                    guard let role = roles.role(of: label.key) else { continue }
                    if role.slot >= 0 { values[role.slot] = label.value }
                    if role.omittedAsLabel, masks { omittedLabels |= 1 << UInt64(position) }
                }
                if let statusSlot = identity.statusSlot, values[statusSlot] == nil {
                    values[statusSlot] = event.status.rawValue
                }
                for (position, attribute) in attributes.enumerated() {
                    guard let role = roles.role(of: attribute.key) else { continue }
                    if role.slot >= 0, values[role.slot] == nil {
                        values[role.slot] = attribute.value.labelText
                    }
                    switch attribute.value {
                    case .string:
                        if role.omittedAsAttribute, masks, !labels.contains(where: { $0.key == attribute.key }) {
                            omittedAttributes |= 1 << UInt64(position)
                        }
                    case .int, .double:
                        if role.additiveIndex >= 0, let value = attribute.value.doubleValue, value.isFinite {
                            guard abs(value) <= IngestLimits.maximumMagnitude else {
                                rejection = IngestLimits.tooLarge(attribute.key, value)
                                break
                            }
                            sums.add(value, at: role.additiveIndex)
                            hasSums = true
                        }
                    case .bool:
                        break
                    }
                }
                if let reason = rejection {
                    result.rejected.append(IngestResult.Rejection(index: index, reason: reason))
                    rejection = nil
                    continue
                }
                let series: Int
                switch position(ofEvent: event.name, at: time) {
                case .success(let position):
                    series = position
                case .failure(let problem):
                    result.rejected.append(IngestResult.Rejection(index: index, reason: problem.reason))
                    continue
                }
                if aggregatesEvents {
                    let slot = BucketSlot(series: series, start: BucketLevel.minute.start(of: time))
                    // Mutated in place through the dictionary, so the bucket's sketch is never copied per event.
                    eventBuckets[slot, default: EventStatistics()].add(
                        durationMilliseconds: event.durationMilliseconds,
                        status: event.status
                    )
                    if hasSums { slotSums[slot, default: AttributeSumSlots(count: sums.values.count)].add(sums) }
                } else if hasSums {
                    for key in sums.values.indices where sums.present[key] {
                        rawSums.append(
                            RowSum(row: rawEvents.count, key: roles.additiveKeys[key], value: sums.values[key])
                        )
                    }
                }
                if keepsRawEvents {
                    let detail = RawEventCodec.encode(
                        event,
                        labels: labels,
                        attributes: attributes,
                        omittedLabels: omittedLabels,
                        omittedAttributes: omittedAttributes
                    )
                    rawEvents.append(
                        RawEventRow(
                            time: time,
                            durationMilliseconds: event.durationMilliseconds,
                            status: event.status,
                            detail: detail
                        )
                    )
                    rawSeries.append(series)
                }
                result.acceptedEvents += 1
            case .sample(let sample):
                if let reason = Self.problem(with: sample) {
                    result.rejected.append(IngestResult.Rejection(index: index, reason: reason))
                    continue
                }
                let time = sample.timestamp?.nanosecondsSinceEpoch ?? receivedAt.nanosecondsSinceEpoch
                if let reason = IngestLimits.problem(time: time, field: "ts")
                    ?? IngestLimits.problem(labels: sample.labels.elements)
                {
                    result.rejected.append(IngestResult.Rejection(index: index, reason: reason))
                    continue
                }
                let series = position(of: identity.key(for: sample), at: time)
                let slot = BucketSlot(series: series, start: BucketLevel.minute.start(of: time))
                gaugeBuckets[slot, default: GaugeStatistics()].add(
                    sample.value,
                    at: Timestamp(nanosecondsSinceEpoch: time)
                )
                result.acceptedSamples += 1
            }
        }
        for (slot, slots) in slotSums {
            for index in slots.values.indices where slots.present[index] {
                eventBuckets[slot]?.addToSum(roles.additiveKeys[index], slots.values[index])
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
        if let reason = IngestLimits.problem(name: event.name, field: "event") { return reason }
        if !event.durationMilliseconds.isFinite || event.durationMilliseconds < 0 {
            return "duration_ms is \(event.durationMilliseconds); expected a finite number >= 0"
        }
        return nil
    }

    private static func problem(with sample: Sample) -> String? {
        if sample.name.isEmpty { return "metric name is empty; expected a gauge name such as queue_depth" }
        if let reason = IngestLimits.problem(name: sample.name, field: "metric") { return reason }
        if !sample.value.isFinite { return "value is \(sample.value); expected a finite number" }
        if abs(sample.value) > IngestLimits.maximumMagnitude { return IngestLimits.tooLarge("value", sample.value) }
        return nil
    }
}

/// A summed attribute of a raw row (see ``PreparedBatch/rawSums``).
package struct RowSum: Sendable {
    /// The row's position among the raw rows of its batch or group.
    package var row: Int
    package var key: String
    package var value: Double
}

/// Why an event's label values cannot be stored.
private struct LabelProblem: Error {
    var reason: String
}

/// Sums of the additive attributes by key position, and which keys were seen at all (a seen sum of 0 is kept).
private struct AttributeSumSlots {
    var values: [Double]
    var present: [Bool]

    init(count: Int) {
        values = Array(repeating: 0, count: count)
        present = Array(repeating: false, count: count)
    }

    mutating func add(_ value: Double, at index: Int) {
        values[index] += value
        present[index] = true
    }

    mutating func add(_ other: AttributeSumSlots) {
        for index in values.indices where other.present[index] {
            values[index] += other.values[index]
            present[index] = true
        }
    }

    mutating func reset() {
        for index in values.indices {
            values[index] = 0
            present[index] = false
        }
    }
}
