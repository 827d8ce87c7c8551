import Vitals

/// What the simulated fleet calls: its models and its tools, and the constants of its pipeline.
extension DemoFleet {

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

    /// A tool and the latency tier (1–4) of the `tool-tiers` pack it is filed under.
    struct Tool {
        var name: String
        var tier: Int
        var medianMilliseconds: Double
        var sigma: Double
        var errorRate: Double
        var errors: [String]
    }

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

    /// Each tool keeps to its tier's range except `sql`: filed under tier 2 (200 ms–5 s), it answers in tens of
    /// milliseconds, so the `tool-tiers` pack suggests tier 1 for it.
    static let tools: [Tool] = [
        Tool(
            name: "status",
            tier: 1,
            medianMilliseconds: 12,
            sigma: 0.5,
            errorRate: 0.002,
            errors: ["status endpoint returned 503"]
        ),
        Tool(
            name: "vector_lookup",
            tier: 1,
            medianMilliseconds: 35,
            sigma: 0.4,
            errorRate: 0.01,
            errors: ["index not ready"]
        ),
        Tool(
            name: "search",
            tier: 2,
            medianMilliseconds: 260,
            sigma: 0.5,
            errorRate: 0.02,
            errors: ["search backend unavailable", "query rejected"]
        ),
        Tool(
            name: "http_fetch",
            tier: 2,
            medianMilliseconds: 420,
            sigma: 0.6,
            errorRate: 0.04,
            errors: ["HTTP 404", "connection reset by peer", "TLS handshake failed"]
        ),
        Tool(
            name: "sql",
            tier: 2,
            medianMilliseconds: 45,
            sigma: 0.7,
            errorRate: 0.03,
            errors: ["deadlock detected", "relation does not exist"]
        ),
        Tool(
            name: "code_exec",
            tier: 3,
            medianMilliseconds: 1_200,
            sigma: 0.55,
            errorRate: 0.05,
            errors: ["process exited with status 1", "sandbox out of memory"]
        ),
        Tool(
            name: "file_parse",
            tier: 3,
            medianMilliseconds: 900,
            sigma: 0.5,
            errorRate: 0.02,
            errors: ["unsupported file format", "file too large"]
        ),
        Tool(
            name: "deep_research",
            tier: 4,
            medianMilliseconds: 11_000,
            sigma: 0.35,
            errorRate: 0.03,
            errors: ["workflow step failed: source unreachable"]
        ),
    ]

    /// The timeout of each tier (index = tier), in milliseconds: a call that would take longer is cut off there.
    static let tierTimeoutMilliseconds: [Double] = [0, 5_000, 30_000, 60_000, 60_000]

    static let taskTypes = ["summarize_ticket", "reindex_kb", "nightly_report", "close_work_order", "answer_question"]

    static let llmTimeoutMilliseconds = 30_000.0
    static let spellWindowSeconds = 600
    /// Every agent reports its gauges once per this period, each at its own offset.
    static let gaugeIntervalSeconds: Int64 = 15
    /// The services report `kb_coverage` once per this period.
    static let coverageIntervalSeconds: Int64 = 30
}
