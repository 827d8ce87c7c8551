public import Vitals

extension BucketMetricStore {
    public func rollUp(now: Timestamp) async throws -> RollupReport {
        try checkOpen()
        try await settle()
        var report = RollupReport()
        // Each level from the one below it, up to where that one is complete: minutes until now.
        var complete = now.nanosecondsSinceEpoch
        var state = try await backend.state()
        for target in BucketLevel.allCases where target != .minute {
            report[target] = try await rollUp(
                into: target,
                from: state.rolledUntil[target],
                until: target.start(of: complete),
                state: state
            )
            state = try await backend.state()
            guard let rolled = state.rolledUntil[target] else { break }
            complete = min(rolled, complete)
        }
        return report
    }

    /// Rolls `target` buckets up from the finer level, an hour's worth (or one target bucket, when wider) per
    /// transaction, from the watermark (or the earliest finer bucket) until `limit`, skipping stretches without data.
    ///
    /// Transactions stay short so that ingest commits run between them; a transaction per 10-minute bucket,
    /// each with its own sync, made rolling up a backlog three times slower.
    private func rollUp(
        into target: BucketLevel,
        from watermark: Int64?,
        until limit: Int64,
        state: StoreState
    ) async throws -> Int {
        guard let source = target.finer else { return 0 }
        var written = 0
        var next = watermark
        if next == nil {
            guard let earliest = try await backend.earliestBucketStart(level: source, atOrAfter: .min) else { return 0 }
            next = target.start(of: earliest)
            // A level added to a store that already pruned its source has nothing to roll from before that cut:
            // it is recorded as pruned there too, so that queries take the coarser buckets that stand in.
            if let pruned = state.prunedBefore[source], state.prunedBefore[target] == nil {
                try await backend.recordPruned(level: target, before: pruned)
            }
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
            let end = min(window + max(target.nanoseconds, BucketLevel.hour.nanoseconds), limit)
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
