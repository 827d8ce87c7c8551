import Vitals
import VitalsStore

/// The JSON answers of the query API.
enum QueryRendering {
    /// `p50_ms` for 0.5, `p99.9_ms` for 0.999.
    static func quantileKey(_ q: Double) -> String {
        "p\(AttributeValue.format((q * 1_000).rounded() / 10))_ms"
    }

    static func eventStats(
        _ groups: [EventStatsGroup],
        event: String,
        range: TimeRange,
        quantiles: [Double]
    ) -> [UInt8] {
        answer(subject: ("event", event), range: range, groups, labels: \.labels) { group, json in
            writeEventStatistics(group.statistics, quantiles: quantiles, into: &json)
            json.number("rate_per_s", group.ratePerSecond)
        }
    }

    static func gaugeStats(_ groups: [GaugeStatsGroup], metric: String, range: TimeRange) -> [UInt8] {
        answer(subject: ("metric", metric), range: range, groups, labels: \.labels) { group, json in
            writeGaugeStatistics(group.statistics, into: &json)
        }
    }

    static func eventTimeSeries(
        _ series: [EventTimeSeries],
        event: String,
        range: TimeRange,
        step: Duration,
        quantiles: [Double]
    ) -> [UInt8] {
        timeSeries(series, subject: ("event", event), range: range, step: step) { statistics, json in
            writeEventStatistics(statistics, quantiles: quantiles, into: &json)
        }
    }

    static func gaugeTimeSeries(
        _ series: [GaugeTimeSeries],
        metric: String,
        range: TimeRange,
        step: Duration
    )
        -> [UInt8]
    {
        timeSeries(series, subject: ("metric", metric), range: range, step: step, writeGaugeStatistics)
    }

    private static func timeSeries<Statistics>(
        _ series: [TimeSeries<Statistics>],
        subject: (key: String, name: String),
        range: TimeRange,
        step: Duration,
        _ write: (Statistics, inout JSONWriter) -> Void
    ) -> [UInt8] {
        answer(subject: subject, range: range, step: step, series, labels: \.labels) { one, json in
            json.beginArray("points")
            for point in one.points {
                json.beginObject()
                json.string("time", point.start.rfc3339)
                write(point.statistics, &json)
                json.endObject()
            }
            json.endArray()
        }
    }

    /// `{"event"|"metric":…,"from":…,"to":…[,"step_seconds":…],"series":[{"labels":{…},…}]}`, each entry's fields
    /// after `labels` written by `write`.
    private static func answer<Item>(
        subject: (key: String, name: String),
        range: TimeRange,
        step: Duration? = nil,
        _ items: [Item],
        labels: (Item) -> Labels,
        _ write: (Item, inout JSONWriter) -> Void
    ) -> [UInt8] {
        var json = JSONWriter(capacity: 512 * items.count + 128)
        json.beginObject()
        json.string(subject.key, subject.name)
        json.string("from", range.from.rfc3339)
        json.string("to", range.to.rfc3339)
        if let step { json.integer("step_seconds", step.components.seconds) }
        json.beginArray("series")
        for item in items {
            json.beginObject()
            json.labels("labels", labels(item))
            write(item, &json)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    /// Each event as its JSONL line (the wire format), plus its id.
    static func events(_ events: [StoredEvent]) -> [UInt8] {
        let encoder = JSONLEncoder()
        var json = JSONWriter(capacity: 256 * events.count + 32)
        var line: [UInt8] = []
        json.beginObject()
        json.beginArray("events")
        for stored in events {
            line.removeAll(keepingCapacity: true)
            var event = stored.event
            // Events sent without timestamps were filed at their arrival: show that time.
            if event.start == nil && event.end == nil { event.end = stored.time }
            encoder.append(.event(event), to: &line)
            while line.last == UInt8(ascii: "\n") { line.removeLast() }
            json.raw(nil, line)
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    static func series(_ series: [SeriesInfo]) -> [UInt8] {
        var json = JSONWriter(capacity: 128 * series.count + 32)
        json.beginObject()
        json.beginArray("series")
        for info in series {
            json.beginObject()
            json.string("kind", info.key.kind == .event ? "event" : "gauge")
            json.string("name", info.key.name)
            json.labels("labels", info.key.labels)
            json.string("first_seen", info.firstSeen.rfc3339)
            json.string("last_seen", info.lastSeen.rfc3339)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    private static func writeEventStatistics(
        _ statistics: EventStatistics,
        quantiles: [Double],
        into json: inout JSONWriter
    ) {
        json.integer("count", statistics.count)
        json.integer("errors", statistics.errors)
        json.integer("timeouts", statistics.timeouts)
        json.number("error_rate", statistics.errorRate)
        json.number("avg_ms", statistics.meanMilliseconds)
        json.number("min_ms", statistics.minMilliseconds)
        json.number("max_ms", statistics.maxMilliseconds)
        for q in quantiles {
            json.number(quantileKey(q), statistics.quantile(q))
        }
        json.number("total_ms", statistics.count == 0 ? 0 : statistics.totalMilliseconds)
        json.beginObject("sums")
        for key in statistics.attributeSums.keys.sorted() {
            json.number(key, statistics.attributeSums[key])
        }
        json.endObject()
    }

    private static func writeGaugeStatistics(_ statistics: GaugeStatistics, into json: inout JSONWriter) {
        json.integer("count", statistics.count)
        json.number("last", statistics.count == 0 ? nil : statistics.last)
        json.number("min", statistics.count == 0 ? nil : statistics.min)
        json.number("max", statistics.count == 0 ? nil : statistics.max)
        json.number("avg", statistics.mean)
        if statistics.count > 0 {
            json.string("last_time", statistics.lastTime.rfc3339)
        } else {
            json.null("last_time")
        }
    }
}
