import Vitals

/// Who is in the simulated fleet and how its models, tools and stages behave.
extension DemoFleet {

    struct Agent {
        var id: String
        var name: String
        var domain: String
        var service: String
        var models: [Int]
        var tools: [Int]
        var memoryBase: Double
        /// MB per hour; one agent leaks.
        var memoryGrowth: Double
    }

    struct Model {
        var name: String
        var provider: String
        var medianMilliseconds: Double
        var sigma: Double
        /// USD per million prompt and completion tokens.
        var promptPrice: Double
        var completionPrice: Double
        var promptTokens: Double
        var completionTokens: Double
    }

    struct Operation {
        var name: String
        var medianMilliseconds: Double
        var sigma: Double
        var errorRate: Double
        var errors: [String]
    }

    static let agents: [Agent] = [
        Agent(
            id: "AGENT_07",
            name: "support-triage",
            domain: "support",
            service: "helpdesk",
            models: [1, 3],
            tools: [0, 4],
            memoryBase: 180,
            memoryGrowth: 0
        ),
        Agent(
            id: "AGENT_12",
            name: "kb-curator",
            domain: "knowledge",
            service: "kb",
            models: [0, 2],
            tools: [0, 2, 4],
            memoryBase: 320,
            memoryGrowth: 0
        ),
        Agent(
            id: "AGENT_23",
            name: "sql-analyst",
            domain: "analytics",
            service: "insights",
            models: [0, 4],
            tools: [1, 3],
            memoryBase: 250,
            memoryGrowth: 0
        ),
        Agent(
            id: "AGENT_31",
            name: "code-fixer",
            domain: "engineering",
            service: "devbot",
            models: [2, 0],
            tools: [3, 0, 2],
            memoryBase: 410,
            memoryGrowth: 24
        ),
        Agent(
            id: "AGENT_48",
            name: "work-order-bot",
            domain: "maintenance",
            service: "cmms",
            models: [1, 4],
            tools: [1, 2],
            memoryBase: 150,
            memoryGrowth: 0
        ),
        Agent(
            id: "AGENT_54",
            name: "telegram-router",
            domain: "messaging",
            service: "chat",
            models: [3, 1],
            tools: [0, 4],
            memoryBase: 95,
            memoryGrowth: 0
        ),
    ]

    static let models: [Model] = [
        Model(
            name: "gpt-4o",
            provider: "openai",
            medianMilliseconds: 1_400,
            sigma: 0.45,
            promptPrice: 2.5,
            completionPrice: 10,
            promptTokens: 1_800,
            completionTokens: 320
        ),
        Model(
            name: "gpt-4o-mini",
            provider: "openai",
            medianMilliseconds: 650,
            sigma: 0.4,
            promptPrice: 0.15,
            completionPrice: 0.6,
            promptTokens: 1_200,
            completionTokens: 220
        ),
        Model(
            name: "claude-sonnet-4",
            provider: "anthropic",
            medianMilliseconds: 1_900,
            sigma: 0.5,
            promptPrice: 3,
            completionPrice: 15,
            promptTokens: 2_400,
            completionTokens: 450
        ),
        Model(
            name: "claude-haiku-3.5",
            provider: "anthropic",
            medianMilliseconds: 700,
            sigma: 0.4,
            promptPrice: 0.8,
            completionPrice: 4,
            promptTokens: 900,
            completionTokens: 160
        ),
        Model(
            name: "llama-3.1-70b",
            provider: "groq",
            medianMilliseconds: 380,
            sigma: 0.35,
            promptPrice: 0.59,
            completionPrice: 0.79,
            promptTokens: 1_000,
            completionTokens: 200
        ),
    ]

    static let llmErrors = [
        "rate limit exceeded (429)", "upstream returned 500", "context length exceeded", "invalid JSON in response",
    ]

    static let tools: [Operation] = [
        Operation(
            name: "search",
            medianMilliseconds: 240,
            sigma: 0.5,
            errorRate: 0.02,
            errors: ["search backend unavailable", "query rejected"]
        ),
        Operation(
            name: "sql",
            medianMilliseconds: 45,
            sigma: 0.7,
            errorRate: 0.03,
            errors: ["deadlock detected", "relation does not exist"]
        ),
        Operation(
            name: "http_fetch",
            medianMilliseconds: 320,
            sigma: 0.6,
            errorRate: 0.04,
            errors: ["HTTP 404", "connection reset by peer", "TLS handshake failed"]
        ),
        Operation(
            name: "code_exec",
            medianMilliseconds: 850,
            sigma: 0.55,
            errorRate: 0.05,
            errors: ["process exited with status 1", "sandbox out of memory"]
        ),
        Operation(
            name: "vector_lookup",
            medianMilliseconds: 35,
            sigma: 0.4,
            errorRate: 0.01,
            errors: ["index not ready"]
        ),
    ]

    static let phases: [Operation] = [
        Operation(
            name: "ingest",
            medianMilliseconds: 30,
            sigma: 0.4,
            errorRate: 0.005,
            errors: ["source unreachable"]
        ),
        Operation(
            name: "parse",
            medianMilliseconds: 90,
            sigma: 0.5,
            errorRate: 0.02,
            errors: ["malformed document"]
        ),
        Operation(
            name: "enrich",
            medianMilliseconds: 420,
            sigma: 0.5,
            errorRate: 0.01,
            errors: ["enrichment model failed"]
        ),
        Operation(
            name: "index",
            medianMilliseconds: 130,
            sigma: 0.4,
            errorRate: 0.005,
            errors: ["index write conflict"]
        ),
    ]

    static let jobTypes = ["summarize_ticket", "reindex_kb", "nightly_report", "close_work_order"]

    static let llmTimeoutMilliseconds = 30_000.0
    static let toolTimeoutMilliseconds = 10_000.0
    static let spellWindowSeconds = 600
    static let gaugeIntervalSeconds: Int64 = 10
}
