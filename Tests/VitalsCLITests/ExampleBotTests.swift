import Foundation
import Testing
import VitalsHTTPTestSupport
import VitalsTestSupport

/// `examples/bot-service`: what its README says it shows, from the built program, with a real HTTP receiver standing
/// in for Slack.
@Suite("examples/bot-service", .timeLimit(.minutes(3)))
struct ExampleBotTests {
    static var program: URL {
        VitalsBinary.url.deletingLastPathComponent().appendingPathComponent("vitals-example-bot")
    }

    func run(_ arguments: [String], slack: HTTPReceiver) async throws -> ChildProcess.Output {
        try await slack.serve { port in
            try await ChildProcess.run(
                Self.program,
                arguments + ["--slack-url", "http://127.0.0.1:\(port)/services/T0/B0/XXXX"],
                timeLimit: .seconds(120)
            )
        }
    }

    @Test(
        "an outage of the chat API: the supervisor's error-rate alert reaches Slack; health, stats and cost are shown"
    )
    func outage() async throws {
        let folder = try TemporaryFolder()
        let slack = HTTPReceiver()
        let run = try await run(["--outage", "--database", folder.path("bot.db")], slack: slack)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("bot: 400 messages answered"))
        #expect(run.stdout.contains("Operation: route_query"), "the tracker's summary table")
        #expect(run.stdout.contains(#""checks":{"database":"UP","chat_api":"UP"}"#))
        #expect(run.stdout.contains(#""labels":{"action":"completed"}"#), "the CMMS monitor")
        #expect(run.stdout.contains(#""labels":{"coverage":"none"}"#), "the KB monitor")
        #expect(run.stdout.contains(#""cost_usd":"#), "LLM cost")
        #expect(run.stdout.contains("firing critical service-error-rate"))
        #expect(run.stderr.contains("PERF [handle_messages]: "))
        // Delivery is at least once: a retried message keeps its notification id.
        let messages = slack.requests.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(Set(slack.requests.map(\.notificationID)).count == 1, "\(messages)\n\(run.stderr)")
        #expect(!messages.isEmpty && messages.allSatisfy { $0.contains("service-error-rate") }, "\(messages)")
        #expect(slack.requests.first?.path == "/services/T0/B0/XXXX")
    }

    @Test("no outage: no error-rate alert; the thin knowledge base is the supervisor's only warning")
    func calm() async throws {
        let folder = try TemporaryFolder()
        let slack = HTTPReceiver()
        let run = try await run(["--database", folder.path("bot.db")], slack: slack)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("service-error-rate"))
        #expect(run.stdout.contains("firing warn kb-coverage"))
        let messages = slack.requests.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(Set(slack.requests.map(\.notificationID)).count == 1, "\(messages)\n\(run.stderr)")
        #expect(!messages.isEmpty && messages.allSatisfy { $0.contains("kb-coverage") }, "\(messages)")
    }
}
