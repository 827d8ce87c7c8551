import Hummingbird
import VitalsAlerting
import VitalsExposition

extension VitalsServer {
    func addMetricsRoutes(to router: Router<BasicRequestContext>) {
        router.get("/metrics") { request, _ in
            let format = ExpositionFormat(accept: request.headers[.accept])
            self.exposition.server.setQueueDepth(self.gate.depth)
            let extra = await self.alertingMetrics()
            return Response.bodyResponse(self.exposition.render(format, extra: extra), contentType: format.contentType)
        }
    }

    /// Alerts by state, evaluations and their duration, and the delivery's figures per receiver.
    func alertingMetrics() async -> [ExtraMetric] {
        guard let alerting else { return [] }
        let figures = await alerting.metrics()
        var metrics = [
            ExtraMetric(
                name: "vitals_alerts",
                help: "Alerts known to the evaluating server, by state.",
                kind: .gauge,
                samples: AlertState.allCases.map { ([("state", $0.rawValue)], Double(figures.alerts[$0] ?? 0)) }
            ),
            ExtraMetric(
                name: "vitals_alerting_leader",
                help: "1 when this server evaluates the rules and notifies (holds the lease), else 0.",
                kind: .gauge,
                samples: [([], figures.leader ? 1 : 0)]
            ),
            ExtraMetric(
                name: "vitals_rule_evaluations_total",
                help: "Evaluation cycles run by this server.",
                kind: .counter,
                samples: [([], Double(figures.evaluations))]
            ),
            ExtraMetric(
                name: "vitals_rule_evaluation_failures_total",
                help: "Rule windows whose data could not be read.",
                kind: .counter,
                samples: [([], Double(figures.failures))]
            ),
        ]
        if let milliseconds = figures.lastMilliseconds {
            metrics.append(
                ExtraMetric(
                    name: "vitals_rule_evaluation_seconds",
                    help: "Duration of the last evaluation cycle.",
                    kind: .gauge,
                    samples: [([], milliseconds / 1_000)]
                )
            )
        }
        let receivers = await alerting.receiverFigures().sorted { $0.receiver < $1.receiver }
        func family(
            _ name: String,
            _ help: String,
            _ kind: ExtraMetric.Kind,
            _ value: (ReceiverFigures) -> Double
        )
            -> ExtraMetric
        {
            ExtraMetric(
                name: name,
                help: help,
                kind: kind,
                samples: receivers.map { ([("receiver", $0.receiver)], value($0)) }
            )
        }
        metrics += [
            family("vitals_notifications_sent_total", "Notifications delivered, by receiver.", .counter) {
                Double($0.sent)
            },
            family("vitals_notifications_failed_total", "Failed delivery attempts, by receiver.", .counter) {
                Double($0.failed)
            },
            family("vitals_notifications_held_back_total", "Notifications held back by the hourly cap.", .counter) {
                Double($0.heldBack)
            },
            family("vitals_notifications_dropped_total", "Notifications given up on.", .counter) { Double($0.dropped) },
            family("vitals_receiver_circuit_open", "1 while the receiver's circuit breaker is open.", .gauge) {
                $0.breakerOpen ? 1 : 0
            },
        ]
        return metrics
    }
}
