extension RulePacks {
    /// The staged pipeline's performance contracts and golden invariants. All blocking: a violation means
    /// "production blocked".
    static let pipelineYAML = """
        name: pipeline
        description: >-
          Performance contracts and golden invariants of a staged discovery pipeline; every rule is blocking.
          Expects: `stage` events with a `stage` attribute (`init`, `session` per session, `discovery` for the
          full run over 57 sessions, …); gauge samples `memory_mb` (resident memory in MB); `pattern` events with
          attributes `type` and `authenticity` (0-1); `edge` events with attributes `intent` and `cross_session`
          (true/false); `monitoring` events whose duration is the monitor's own overhead per measurement.
        rules:
          - name: session-processing
            description: Processing one session takes less than 3 s.
            match: {event: stage, stage: session}
            metric: max
            thresholds: {critical: "> 3s"}
            blocking: true
            recommendation: Profile the slowest session first; see `vitals summary --by session_id`.
          - name: full-discovery
            description: A full discovery run over 57 sessions takes less than 180 s.
            match: {event: stage, stage: discovery}
            metric: max
            thresholds: {critical: "> 180s"}
            blocking: true
            recommendation: Parallelise session processing or cut per-session work; check session-processing first.
          - name: peak-memory
            description: Resident memory stays below 100 MB.
            match: {gauge: memory_mb}
            metric: max
            thresholds: {critical: "> 100MB"}
            blocking: true
            recommendation: Lower batch sizes, release per-session graphs after use, load components lazily.
          - name: authenticity
            description: Patterns sent to production are more than 87 % authentic on average.
            match: {event: pattern}
            metric: avg:authenticity
            thresholds: {critical: "< 87%"}
            blocking: true
            recommendation: Review the validation stage's quality gate before promoting these patterns.
          - name: initialization
            description: Initialization (lazy loading) takes less than 2 s.
            match: {event: stage, stage: init}
            metric: max
            thresholds: {critical: "> 2s"}
            blocking: true
            recommendation: Preload fewer components at start; warm containers in the background.
          - name: monitoring-overhead
            description: The monitor adds less than 1 ms per measurement (99th percentile).
            match: {event: monitoring}
            metric: p99
            thresholds: {critical: "> 1ms"}
            blocking: true
            recommendation: Sample fewer measurements (adaptive sampling) or record them asynchronously.
          - name: event-types
            description: "Invariant: exactly 6 event types."
            match: {event: pattern}
            metric: distinct:type
            thresholds: {critical: "!= 6"}
            blocking: true
            recommendation: The event taxonomy changed; restore the 6 golden event types.
          - name: edge-intents
            description: "Invariant: exactly 4 edge intents."
            match: {event: edge}
            metric: distinct:intent
            thresholds: {critical: "!= 4"}
            blocking: true
            recommendation: The edge intent set changed; restore the 4 golden intents.
          - name: cross-session-edges
            description: "Invariant: no edge crosses a session boundary."
            match: {event: edge, cross_session: "true"}
            metric: count
            thresholds: {critical: "> 0"}
            blocking: true
            recommendation: Graph building leaks edges across sessions; check session boundary handling.

        """
}
