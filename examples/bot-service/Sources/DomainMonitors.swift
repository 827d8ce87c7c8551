import Vitals

// The original's three domain monitors, written on the generic API: each is an event (or a gauge) with labels,
// and the figures the original computed by hand — work orders created and completed, resolution time, response
// time by route, error rate, KB coverage — are what `vitals summary`, `/v1/stats` and the rules read from them.

/// CMMS: work orders created and completed, with their resolution time.
enum CMMSMonitor {
    static func workOrderCreated(priority: String) {
        recordEvent(
            Event(
                name: "work_order",
                durationMilliseconds: 0,
                attributes: ["action": "created", "priority": .string(priority)]
            )
        )
    }

    static func workOrderCompleted(resolutionMinutes: Double) {
        recordEvent(
            Event(
                name: "work_order",
                durationMilliseconds: resolutionMinutes * 60_000,
                attributes: ["action": "completed"]
            )
        )
    }
}

/// The chat bot: one `request` per message answered (the supervisor pack reads these), by route.
enum ChatMonitor {
    static func answered(route: String, milliseconds: Double, error: String?) {
        recordEvent(
            Event(
                name: "request",
                durationMilliseconds: milliseconds,
                status: error == nil ? .ok : .error,
                error: error,
                attributes: ["route": .string(route)]
            )
        )
    }
}

/// The knowledge base: each query's coverage (strong, thin, none), the gaps, and the coverage as a gauge.
enum KBMonitor {
    static func queried(coverage: String, topic: String) {
        var attributes: Attributes = ["coverage": .string(coverage)]
        if coverage == "none" { attributes["gap"] = .string(topic) }
        recordEvent(Event(name: "kb_query", durationMilliseconds: 0, attributes: attributes))
    }

    static func coverage(_ share: Double, service: String) -> Sample {
        Sample(name: "kb_coverage", value: share, timestamp: .now(), labels: ["service": service])
    }
}
