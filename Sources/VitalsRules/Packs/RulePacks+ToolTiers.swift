extension RulePacks {
    /// Latency tiers of tools, per tool. Timeouts block; latency outside the tier's range does not.
    static let toolTiersYAML = """
        name: tool-tiers
        description: >-
          Latency tiers of tools, per `tool`. Expects `tool_call` events with attributes `tool` and `tier`
          (1: no parameters, < 100 ms, timeout 5 s; 2: simple parameters, 200 ms-5 s, timeout 30 s;
          3: file-dependent, 500 ms-10 s, timeout 60 s; 4: complex workflows, 5-30 s, timeout 60 s).
          A call longer than its tier's timeout is a blocking violation; a 95th percentile above the tier's range
          is high; a median below the range is a warning that the tool may belong to a lower tier.
        rules:
          - name: tier1-latency
            match: {event: tool_call, tier: "1"}
            by: [tool]
            metric: p95
            thresholds: {high: "> 100ms"}
            recommendation: A tier-1 tool takes no parameters and must answer within 100 ms; remove I/O from it.
          - name: tier1-timeout
            match: {event: tool_call, tier: "1"}
            by: [tool]
            metric: max
            thresholds: {critical: "> 5s"}
            blocking: true
            recommendation: A call ran past the 5 s timeout; enforce the timeout and find what blocked.
          - name: tier2-latency
            match: {event: tool_call, tier: "2"}
            by: [tool]
            metric: p95
            thresholds: {high: "> 5s"}
            recommendation: Tier-2 calls should take 200 ms to 5 s; check the provider's latency.
          - name: tier2-floor
            match: {event: tool_call, tier: "2"}
            by: [tool]
            metric: p50
            thresholds: {warn: "< 200ms"}
            recommendation: Typical calls are faster than tier 2 expects; consider tier 1.
          - name: tier2-timeout
            match: {event: tool_call, tier: "2"}
            by: [tool]
            metric: max
            thresholds: {critical: "> 30s"}
            blocking: true
            recommendation: A call ran past the 30 s timeout; enforce provider timeouts.
          - name: tier3-latency
            match: {event: tool_call, tier: "3"}
            by: [tool]
            metric: p95
            thresholds: {high: "> 10s"}
            recommendation: Tier-3 calls should take 500 ms to 10 s; check file sizes and storage latency.
          - name: tier3-floor
            match: {event: tool_call, tier: "3"}
            by: [tool]
            metric: p50
            thresholds: {warn: "< 500ms"}
            recommendation: Typical calls are faster than tier 3 expects; consider tier 2.
          - name: tier3-timeout
            match: {event: tool_call, tier: "3"}
            by: [tool]
            metric: max
            thresholds: {critical: "> 60s"}
            blocking: true
            recommendation: A call ran past the 60 s timeout; stream large files or raise the tier.
          - name: tier4-latency
            match: {event: tool_call, tier: "4"}
            by: [tool]
            metric: p95
            thresholds: {high: "> 30s"}
            recommendation: Tier-4 workflows should take 5 to 30 s; split the workflow or run steps in parallel.
          - name: tier4-floor
            match: {event: tool_call, tier: "4"}
            by: [tool]
            metric: p50
            thresholds: {warn: "< 5s"}
            recommendation: Typical calls are faster than tier 4 expects; consider tier 3.
          - name: tier4-timeout
            match: {event: tool_call, tier: "4"}
            by: [tool]
            metric: max
            thresholds: {critical: "> 60s"}
            blocking: true
            recommendation: A call ran past the 60 s timeout; enforce the timeout and checkpoint long workflows.

        """
}
