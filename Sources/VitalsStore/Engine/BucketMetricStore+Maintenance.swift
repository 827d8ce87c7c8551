public import Vitals

extension BucketMetricStore {
    public func rollUp(now: Timestamp) async throws -> RollupReport {
        try checkOpen()
        try await settle()
        var report = RollupReport()
        let state = try await backend.state()
        let hourLimit = BucketLevel.hour.start(of: now.nanosecondsSinceEpoch)
        report.hourBuckets = try await rollUp(into: .hour, from: state.rolledUntil[.hour], until: hourLimit)
        let rolledHours = try await backend.state().rolledUntil[.hour]
        if let rolledHours {
            let dayLimit = BucketLevel.day.start(of: min(rolledHours, now.nanosecondsSinceEpoch))
            report.dayBuckets = try await rollUp(into: .day, from: state.rolledUntil[.day], until: dayLimit)
        }
        return report
    }

    /// Rolls `target` buckets up from the finer level, one target bucket per transaction, from the watermark
    /// (or the earliest finer bucket) until `limit`, skipping stretches without data.
    private func rollUp(into target: BucketLevel, from watermark: Int64?, until limit: Int64) async throws -> Int {
        guard let source = target.finer else { return 0 }
        var written = 0
        var next = watermark
        if next == nil {
            guard let earliest = try await backend.earliestBucketStart(level: source, atOrAfter: .min) else { return 0 }
            next = target.start(of: earliest)
        }
        guard var from = next else { return 0 }
        while from < limit {
            try checkOpen()
            let earliest = try await backend.earliestBucketStart(level: source, atOrAfter: from)
            let window = earliest.map { target.start(of: $0) }
            guard let window, window < limit else {
                // Nothing left to roll: close the gap so queries may use this level up to the limit.
                written += try await backend.rollUp(into: target, from: from, to: limit)
                break
            }
            // The window's end also covers any empty stretch before it that late data may have filled since.
            let end = window + target.nanoseconds
            written += try await backend.rollUp(into: target, from: from, to: end)
            from = end
            await Task.yield()
        }
        return written
    }

    public func applyRetention(now: Timestamp) async throws -> RetentionReport {
        try checkOpen()
        try await settle()
        var report = RetentionReport()
        let retention = configuration.retention
        let time = now.nanosecondsSinceEpoch
        report.rawEvents = try await deleteAll(of: .rawEvents, before: time &- retention.rawEvents.nanoseconds)
        report.batchKeys = try await backend.forgetBatchKeys(before: time &- batchKeyRetention.nanoseconds)
        let state = try await backend.state()
        for level in BucketLevel.allCases {
            var cutoff = time &- retention.retention(of: level).nanoseconds
            if let coarser = level.coarser {
                // Only what has been rolled up may go, and only whole coarser buckets, so that a query reads
                // either the finer buckets or the coarser one that stands in for them, never both.
                guard let rolled = state.rolledUntil[coarser] else { continue }
                cutoff = coarser.start(of: min(cutoff, rolled))
            }
            var deleted = try await deleteAll(of: .eventBuckets(level), before: cutoff)
            deleted += try await deleteAll(of: .gaugeBuckets(level), before: cutoff)
            try await backend.recordPruned(level: level, before: cutoff)
            report.buckets[level] = deleted
        }
        return report
    }

    private func deleteAll(of target: RetentionTarget, before cutoff: Int64) async throws -> Int {
        let chunk = max(1, configuration.deletionChunkSize)
        var total = 0
        while true {
            try checkOpen()
            let (deleted, finished) = try await backend.deleteChunk(of: target, before: cutoff, limit: chunk)
            total += deleted
            if finished { return total }
            // Each chunk is its own transaction; yielding lets waiting ingest commits run between them.
            await Task.yield()
        }
    }
}
