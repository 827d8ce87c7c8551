import Logging
import Vitals
import VitalsStore

/// The workers: one loop per receiver that sends what is due, in order, or waits.
extension NotificationDelivery {
    // MARK: - Workers

    /// Forgets what is in memory so that the next load reads the store afresh, and clears a previous stop.
    func restartFromStore() {
        guard !workersRunning else { return }
        loaded = false
        finished = [:]
        for name in receivers.keys {
            receivers[name]?.outbox = [:]
            receivers[name]?.notBefore = nil
        }
        stopping.withLock { $0 = false }
    }

    /// ``runWorkers()`` for the alerting service's leader, stopped by ``requestStopOfLeaderWorkers()``. Nothing
    /// happens when ``run()`` already runs the workers (a program that runs the delivery itself, on one server).
    func runLeaderWorkers() async {
        guard !workersRunning else { return }
        leaderWorkers = true
        await runWorkers()
        leaderWorkers = false
    }

    /// Asks the workers that ``runLeaderWorkers()`` started to stop after the attempts under way.
    func requestStopOfLeaderWorkers() {
        guard leaderWorkers else { return }
        stopping.withLock { $0 = true }
        for bell in workers.map(\.bell) + [stopBell] { bell.ring() }
    }

    var isStopping: Bool { stopping.withLock { $0 } || Task.isCancelled }

    func runWorkers() async {
        workersRunning = true
        defer { workersRunning = false }
        var failures = 0
        while !loaded {
            if isStopping { return }
            do {
                try await load()
            } catch {
                failures += 1
                let delay = configuration.retryDelay(afterFailures: failures, using: &random)
                logger.error(
                    "notification delivery cannot read its state; trying again",
                    metadata: ["error": "\(error)", "retry_in": "\(delay)"]
                )
                await stopBell.wait(atMost: max(delay, .milliseconds(1)), sleep: sleep)
            }
        }
        await withDiscardingTaskGroup { group in
            for worker in workers {
                group.addTask { await self.work(worker) }
            }
        }
    }

    /// One receiver's loop: send what is due, in order, or sleep until something is due or queued.
    nonisolated func work(_ worker: Worker) async {
        while true {
            switch await nextStep(for: worker.name) {
            case .stop:
                return
            case .wait(let until):
                await worker.bell.wait(atMost: until.map { $0.duration(since: now()) }, sleep: sleep)
            case .send(let entry, let notification, let heldBackLines):
                let outcome = await worker.channel.deliver(notification)
                await finish(entry, outcome: outcome, heldBackLines: heldBackLines)
            }
        }
    }

    func nextStep(for name: String) async -> Step {
        while true {
            if isStopping { return .stop }
            let time = now()
            await pruneSentLog(now: time)
            guard let state = receivers[name] else { return .stop }
            if let notBefore = state.notBefore {
                if time < notBefore { return .wait(until: notBefore) }
                receivers[name]?.notBefore = nil
            }
            // The oldest queued notification of each group; only those may go.
            var heads: [String: DeliveryRecords.OutboxEntry] = [:]
            for entry in state.outbox.values {
                let key = entry.notification.groupKey
                if let head = heads[key], head.sequence < entry.sequence { continue }
                heads[key] = entry
            }
            let ordered = heads.values.sorted { $0.sequence < $1.sequence }
            guard let oldest = ordered.first else { return .wait(until: nil) }

            // Asked only with something to send: an idle receiver's breaker stays open until there is a probe.
            let blocked = receivers[name]?.breaker.blockedUntil(now: time)
            updateBreaker(name)
            if let blocked { return .wait(until: blocked) }
            let probing = receivers[name]?.breaker.state == .halfOpen
            // A probe does not wait for its notification's backoff: the breaker's cooldown was the wait.
            let candidate: DeliveryRecords.OutboxEntry
            if probing {
                candidate = oldest
            } else if let due = ordered.first(where: { $0.nextAttemptAt <= time }) {
                candidate = due
            } else {
                return .wait(until: ordered.map(\.nextAttemptAt).min())
            }

            if let cap = state.configuration.maximumNotificationsPerHour {
                receivers[name]?.cap.forgetSends(before: time.adding(.zero - Self.hour))
                if let sent = receivers[name]?.cap.sentAt.count, sent >= cap {
                    await holdBack(candidate, cap: cap)
                    continue
                }
            }
            var notification = candidate.notification
            let lines = receivers[name]?.cap.lines ?? []
            notification.heldBack += lines
            return .send(candidate, notification, heldBackLines: lines.count)
        }
    }

    func holdBack(_ entry: DeliveryRecords.OutboxEntry, cap: Int) async {
        let name = entry.receiver
        receivers[name]?.outbox[entry.id] = nil
        receivers[name]?.cap.holdBack(entry.notification.title)
        count(name) { $0.heldBack += 1 }
        updatePending()
        logger.notice(
            "notification held back by the hourly cap; the next message lists it",
            metadata: metadata(name, entry.id, ["title": "\(entry.notification.title)", "cap": "\(cap)"])
        )
        let time = now()
        finished[entry.id] = time
        guard let record = receivers[name]?.cap else { return }
        await persist("hold back \(entry.id)") { [store] in
            try await store.putState([
                try Self.logState(entry, outcome: .heldBack, at: time), try Self.capState(name, record),
            ])
            try await store.deleteState(kind: DeliveryRecords.outboxKind, keys: [entry.id])
        }
    }

    func finish(
        _ entry: DeliveryRecords.OutboxEntry,
        outcome: ReceiverChannel.Outcome,
        heldBackLines: Int
    )
        async
    {
        let name = entry.receiver
        let time = now()
        guard receivers[name] != nil else { return }
        defer {
            updateBreaker(name)
            updatePending()
        }
        switch outcome {
        case .delivered:
            receivers[name]?.outbox[entry.id] = nil
            finished[entry.id] = time
            receivers[name]?.cap.forgetSends(before: time.adding(.zero - Self.hour))
            receivers[name]?.cap.sentAt.append(time)
            receivers[name]?.cap.delivered(lines: heldBackLines)
            if receivers[name]?.breaker.recordSuccess() == true {
                logger.notice("receiver answers again: circuit breaker closed", metadata: metadata(name, entry.id))
            }
            count(name) { $0.sent += 1 }
            logger.debug("notification delivered", metadata: metadata(name, entry.id))
            guard let record = receivers[name]?.cap else { return }
            // The log first: a crash before the outbox's delete leaves an entry that the next start recognises.
            await persist("record the delivery of \(entry.id)") { [store] in
                try await store.putState([
                    try Self.logState(entry, outcome: .delivered, at: time),
                    try Self.capState(name, record),
                ])
                try await store.deleteState(kind: DeliveryRecords.outboxKind, keys: [entry.id])
            }

        case .rejected(let reason):
            receivers[name]?.outbox[entry.id] = nil
            _ = receivers[name]?.breaker.recordSuccess()
            count(name) { $0.dropped += 1 }
            logger.error(
                "receiver refused the notification; dropped",
                metadata: metadata(name, entry.id, ["reason": "\(reason)"])
            )
            finished[entry.id] = time
            await persist("drop \(entry.id)") { [store] in
                try await store.putState([try Self.logState(entry, outcome: .dropped, at: time)])
                try await store.deleteState(kind: DeliveryRecords.outboxKind, keys: [entry.id])
            }

        case .failed(let reason, let retryAfter):
            var failed = receivers[name]?.outbox[entry.id] ?? entry
            failed.failures += 1
            count(name) { $0.failedAttempts += 1 }
            let asked = retryAfter.map { $0.delay(from: time) }
            if let asked, asked > .zero { receivers[name]?.notBefore = time.adding(asked) }
            if let cooldown = receivers[name]?.breaker.recordFailure(now: time, configuration: configuration) {
                logger.warning(
                    "receiver keeps failing: circuit breaker open",
                    metadata: metadata(name, entry.id, ["cooldown": "\(cooldown)"])
                )
            }
            if time.duration(since: failed.enqueuedAt) >= configuration.maximumAge {
                receivers[name]?.outbox[entry.id] = nil
                count(name) { $0.expired += 1 }
                logger.error(
                    "notification given up after failing for the maximum age",
                    metadata: metadata(
                        name,
                        entry.id,
                        [
                            "reason": "\(reason)", "attempts": "\(failed.failures)",
                            "maximum_age": "\(configuration.maximumAge)",
                        ]
                    )
                )
                finished[entry.id] = time
                await persist("give up \(entry.id)") { [store] in
                    try await store.putState([try Self.logState(entry, outcome: .expired, at: time)])
                    try await store.deleteState(kind: DeliveryRecords.outboxKind, keys: [entry.id])
                }
                return
            }
            let delay = configuration.retryDelay(afterFailures: failed.failures, retryAfter: asked, using: &random)
            failed.nextAttemptAt = time.adding(delay)
            receivers[name]?.outbox[entry.id] = failed
            logger.warning(
                "notification delivery failed; trying again",
                metadata: metadata(
                    name,
                    entry.id,
                    ["reason": "\(reason)", "attempt": "\(failed.failures)", "retry_in": "\(delay)"]
                )
            )
            let updated = failed
            await persist("reschedule \(entry.id)") { [store] in
                try await store.putState([try Self.outboxState(updated)])
            }

        case .cancelled:
            receivers[name]?.breaker.recordCancelled(now: time)
        }
    }
}
