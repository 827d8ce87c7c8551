import Foundation
import Testing
import Vitals
import VitalsExposition
import VitalsTestSupport

/// `promtool check metrics` (Prometheus's own parser and linter) on rendered output.
///
/// Skipped, and reported as skipped, where `promtool` is not on `PATH`; `scripts/test` installs it (Debian package
/// `prometheus`) unless `VITALS_SKIP_PROMTOOL=1`.
@Suite(
    "promtool check metrics",
    .enabled(if: Promtool.path != nil, "promtool is not on PATH (apt-get install prometheus)"),
    .timeLimit(.minutes(5))
)
struct PromtoolTests {
    @Test("many series across every family")
    func manySeries() async throws {
        let registry = ExpositionRegistry(seriesLimit: 500)
        var records: [Record] = []
        for index in 0..<3_000 {
            records.append(
                .event(
                    Event(
                        name: index.isMultiple(of: 3) ? "tool_call" : "llm_call",
                        durationMilliseconds: Double(index % 977) * 3.7,
                        status: index.isMultiple(of: 11) ? .timeout : .ok,
                        labels: ["service": "svc-\(index % 7)", "worker_id": "w-\(index % 600)"],
                        attributes: [
                            "model": .string("model-\(index % 5)"), "prompt_tokens": .int(Int64(index)),
                            "completion_tokens": 17, "cost_usd": 0.0001,
                        ]
                    )
                )
            )
            records.append(
                .sample(Sample(name: "queue_depth", value: Double(index), labels: ["agent_id": "a-\(index % 50)"]))
            )
        }
        registry.record(records)
        registry.server.recordIngest(accepted: 6_000, rejected: 3, storeSeconds: 0.02)
        registry.server.recordRequest(route: "/v1/events", status: 200, seconds: 0.03)
        registry.server.recordRequest(route: "/metrics", status: 200, seconds: 0.001)
        let body = registry.render(.prometheus)
        #expect(String(decoding: body, as: UTF8.self).contains("overflow=\"true\""))
        try await Promtool.check(body)
    }

    @Test("nasty label values and names")
    func nastyLabels() async throws {
        let registry = ExpositionRegistry(labelKeys: SeriesKey.defaultLabelKeys + ["gen_ai.agent.id", "1st"])
        let nasty = [
            "back\\slash", "double\"quote", "line\nfeed", "\\\"\n", "", " ", "{braces}", "comma,equals=", "# HELP x",
            "unicode ☃ 🚀", "tab\there", "trailing\\",
        ]
        var records: [Record] = []
        for (index, value) in nasty.enumerated() {
            records.append(
                .event(
                    Event(
                        name: value.isEmpty ? "empty" : value,
                        durationMilliseconds: Double(index),
                        error: value,
                        labels: ["agent_name": value, "service": "s\(index)"],
                        attributes: ["tool": .string(value), "gen_ai.agent.id": .string(value), "1st": .string(value)]
                    )
                )
            )
            records.append(.sample(Sample(name: value, value: Double(index), labels: ["route": value])))
        }
        registry.record(records)
        registry.server.recordRequest(route: "/v1/alerts/\"{id}\"\n/ack", status: 404, seconds: 0.001)
        try await Promtool.check(registry.render(.prometheus))
    }
}

enum Promtool {
    /// The `promtool` executable on `PATH`, if any.
    static let path: String? = {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return directories.map { "\($0)/promtool" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Runs `promtool check metrics` on `body`; records an issue with promtool's findings when it complains.
    static func check(_ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await ChildProcess.run(
            URL(fileURLWithPath: try #require(path)),
            ["check", "metrics"],
            input: Data(body),
            timeLimit: .seconds(120)
        )
        let findings = result.stdout + result.stderr
        #expect(result.status == 0, "promtool check metrics: \(findings)", sourceLocation: sourceLocation)
        #expect(findings.isEmpty, "promtool check metrics: \(findings)", sourceLocation: sourceLocation)
    }
}
