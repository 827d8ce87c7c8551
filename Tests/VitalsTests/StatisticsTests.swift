import Testing
import Vitals

@Suite("EventStatistics and GaugeStatistics")
struct StatisticsTests {
    private func at(_ nanoseconds: Int64) -> Timestamp { Timestamp(nanosecondsSinceEpoch: nanoseconds) }

    @Test("gauge last: the later timestamp wins, a tie takes the larger value, in every order")
    func gaugeLastIsOrderFree() {
        let samples: [(Double, Int64)] = [(9, 10), (5, 20), (3, 20), (7, 15)]
        var orders: [[(Double, Int64)]] = [samples, samples.reversed()]
        orders.append([samples[2], samples[0], samples[3], samples[1]])
        for order in orders {
            var added = GaugeStatistics()
            for (value, time) in order { added.add(value, at: at(time)) }
            #expect(added.last == 5)
            #expect(added.lastTime == at(20))
            #expect(added.count == 4 && added.sum == 24 && added.min == 3 && added.max == 9)

            // The same samples as one bucket each, merged in this order.
            var merged = GaugeStatistics()
            for (value, time) in order {
                var bucket = GaugeStatistics()
                bucket.add(value, at: at(time))
                merged.merge(bucket)
            }
            #expect(merged == added)
        }
    }

    @Test("a gauge sample without a timestamp counts as taken at the latest time seen")
    func untimedSample() {
        var gauge = GaugeStatistics()
        gauge.add(Sample(name: "depth", value: 4, timestamp: at(100)))
        gauge.add(Sample(name: "depth", value: 2))
        #expect(gauge.last == 4)  // tied with the sample at 100, and 4 is larger
        gauge.add(Sample(name: "depth", value: 6))
        #expect(gauge.last == 6)
        #expect(gauge.lastTime == at(100))

        var first = GaugeStatistics()
        first.add(Sample(name: "depth", value: -3))
        #expect(first.last == -3)
    }

    @Test("event statistics merge to the same figures as adding every event to one")
    func eventMerge() {
        let events: [(Double, EventStatus)] = [(10, .ok), (250, .error), (40, .timeout), (5, .ok), (90, .cancelled)]
        var whole = EventStatistics()
        var left = EventStatistics()
        var right = EventStatistics()
        for (index, (duration, status)) in events.enumerated() {
            whole.add(durationMilliseconds: duration, status: status)
            whole.addToSum("cost_usd", Double(index))
            if index < 2 {
                left.add(durationMilliseconds: duration, status: status)
                left.addToSum("cost_usd", Double(index))
            } else {
                right.add(durationMilliseconds: duration, status: status)
                right.addToSum("cost_usd", Double(index))
            }
        }
        #expect(whole.count == 5 && whole.errors == 3 && whole.timeouts == 1)
        #expect(whole.minMilliseconds == 5 && whole.maxMilliseconds == 250 && whole.totalMilliseconds == 395)
        #expect(whole.errorRate == 0.6)
        #expect(whole.attributeSums == ["cost_usd": 10])
        var merged = right
        merged.merge(left)
        #expect(merged.count == whole.count && merged.errors == whole.errors && merged.timeouts == whole.timeouts)
        #expect(merged.attributeSums == whole.attributeSums)
        expectSameContent(merged.durations, whole.durations)
    }
}
