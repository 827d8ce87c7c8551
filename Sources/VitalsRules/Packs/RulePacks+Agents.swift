extension RulePacks {
    /// The agent fleet's bottleneck table, per agent. Advisory: nothing blocks.
    static let agentsYAML = """
        name: agents
        description: >-
          The agent-fleet bottleneck table, evaluated per agent (`agent_id`); advisory, nothing is blocking.
          Expects: `task` events (one per finished task or job, failed ones with status error/timeout) labelled
          `agent_id`; gauge samples labelled `agent_id`: `workload_pct` (0-100), `queue_depth` (tasks waiting)
          and `cache_hit_rate` (0-1). Gauges are judged on their latest value.
        rules:
          - name: agent-error-rate
            description: Share of an agent's tasks that fail.
            match: {event: task}
            by: [agent_id]
            metric: error_rate
            thresholds: {medium: "> 5%", high: "> 10%", critical: "> 20%"}
            recommendation: Review recent errors, check for API failures or data quality issues.
          - name: agent-task-duration
            description: Average duration of an agent's tasks.
            match: {event: task}
            by: [agent_id]
            metric: avg
            thresholds: {medium: "> 300s", high: "> 600s"}
            recommendation: Profile the slowest tasks; cache repeated work or split long tasks.
          - name: agent-workload
            description: How busy an agent is.
            match: {gauge: workload_pct}
            by: [agent_id]
            metric: last
            thresholds: {high: "> 90%", critical: "> 95%"}
            recommendation: Add capacity or reduce the incoming task rate.
          - name: agent-queue-depth
            description: Tasks waiting for an agent.
            match: {gauge: queue_depth}
            by: [agent_id]
            metric: last
            thresholds: {medium: "> 50", high: "> 75", critical: "> 100"}
            recommendation: Scale workers for this queue or shed low-priority tasks.
          - name: agent-cache-hit-rate
            description: Share of an agent's lookups served from cache.
            match: {gauge: cache_hit_rate}
            by: [agent_id]
            metric: last
            thresholds: {medium: "< 80%", high: "< 50%"}
            recommendation: Check cache keys and expiry; warm the cache after deploys.

        """
}
