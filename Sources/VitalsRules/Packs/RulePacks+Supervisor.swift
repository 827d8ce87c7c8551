extension RulePacks {
    /// The supervisor's alert thresholds, per service. Advisory: nothing blocks.
    static let supervisorYAML = """
        name: supervisor
        description: >-
          The supervisor's alert thresholds, per `service`; advisory, nothing is blocking.
          Expects: `request` events (one per handled request or bot response) labelled `service`; gauge samples
          `kb_coverage` (0-1: share of queries the knowledge base covers) labelled `service`.
        rules:
          - name: service-error-rate
            description: Share of a service's requests that fail.
            match: {event: request}
            by: [service]
            metric: error_rate
            thresholds: {critical: "> 10%"}
            recommendation: Look at the failed requests (`vitals summary`), then at the upstream APIs they call.
          - name: service-p95-response-time
            description: 95th percentile of a service's response time.
            match: {event: request}
            by: [service]
            metric: p95
            thresholds: {high: "> 5s"}
            recommendation: Find the slow route or model (`vitals summary --by route`) and cache or trim its work.
          - name: kb-coverage
            description: Share of queries the knowledge base covers.
            match: {gauge: kb_coverage}
            by: [service]
            metric: last
            thresholds: {warn: "< 80%"}
            recommendation: Fill the top knowledge gaps; trigger research for unknown manufacturers.

        """
}
