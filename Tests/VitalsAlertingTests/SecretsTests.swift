import Testing
import VitalsAlerting
import VitalsHTTPClient
import VitalsHTTPTestSupport
import VitalsStore
import VitalsTestSupport

/// Webhook URLs, header values and bot tokens are sent, never logged nor put in an error.
@Suite("Secrets stay out of logs and errors", .timeLimit(.minutes(1)))
struct SecretsTests {
    static let slackPath = "/services/T0SECRET/B0SECRET/slack-path-secret"
    static let botToken = "987654:bot-token-secret"
    static let headerValue = "header-value-secret"
    static let query = "token=query-secret"
    static let secrets = [slackPath, "slack-path-secret", botToken, "bot-token-secret", headerValue, "query-secret"]

    @Test("failures, refusals, deliveries and unreachable receivers log names and hosts only")
    func logs() async throws {
        let logs = LogCapture()
        // Each receiver fails, then is refused or succeeds; the answers echo the secrets back.
        let slack = HTTPReceiver(script: [
            .status(500, body: "error at \(Self.slackPath)"), .status(404, body: "no_service \(Self.slackPath)"),
        ])
        let telegram = HTTPReceiver(script: [
            .status(502, body: "bad gateway for bot\(Self.botToken)"),
            .status(400, body: #"{"ok":false,"description":"Bad Request: chat not found for \#(Self.botToken)"}"#),
        ])
        let webhook = HTTPReceiver(script: [.status(503, body: "\(Self.headerValue) \(Self.query)")])
        let closedPort = try await HTTPReceiver().serve { $0 }

        try await slack.serve { slackPort in
            try await telegram.serve { telegramPort in
                try await webhook.serve { webhookPort in
                    var unreachable = ReceiverConfiguration(
                        name: "gone",
                        kind: .webhook(url: "http://127.0.0.1:\(closedPort)/x?\(Self.query)")
                    )
                    unreachable.timeout = .milliseconds(200)
                    let delivery = try NotificationDelivery(
                        receivers: [
                            ReceiverConfiguration(
                                name: "ops",
                                kind: .slack(url: "http://127.0.0.1:\(slackPort)\(Self.slackPath)")
                            ),
                            ReceiverConfiguration(
                                name: "bot",
                                kind: .telegram(
                                    botToken: Self.botToken,
                                    chatID: "-1001",
                                    apiURL: "http://127.0.0.1:\(telegramPort)"
                                )
                            ),
                            ReceiverConfiguration(
                                name: "hook",
                                kind: .webhook(
                                    url: "http://127.0.0.1:\(webhookPort)/hook?\(Self.query)",
                                    headers: ["Authorization": Self.headerValue]
                                )
                            ),
                            unreachable,
                            ReceiverConfiguration(name: "audit", kind: .log),
                        ],
                        store: InMemoryStateStore(),
                        transport: AsyncHTTPNotificationTransport(),
                        configuration: Fixtures.fastDelivery,
                        logger: logs.logger()
                    )
                    try await whileRunning(delivery) {
                        try await delivery.enqueue(
                            ["ops", "bot", "hook", "gone", "audit"].map { Fixtures.notification(receiver: $0) }
                        )
                        try await eventually("every outcome") {
                            let statistics = delivery.statistics()
                            return statistics[0].dropped == 1 && statistics[1].dropped == 1
                                && statistics[2].sent == 1 && statistics[3].failedAttempts >= 2
                                && statistics[4].sent == 1
                        }
                    }
                }
            }
        }
        #expect(webhook.accepted.first?.headers["authorization"] == Self.headerValue)
        let text = logs.text
        for secret in Self.secrets {
            #expect(!text.contains(secret), "a log line holds \(secret)")
        }
        // The lines do say which receiver failed, where, and why.
        #expect(text.contains("receiver=ops"))
        #expect(text.contains("host=127.0.0.1"))
        #expect(text.contains("no_service <redacted>"))
        #expect(text.contains("receiver=gone"))
    }

    @Test("configuration errors name the receiver and the field, not the value")
    func configurationErrors() throws {
        let receivers: [ReceiverConfiguration] = [
            ReceiverConfiguration(name: "ops", kind: .slack(url: "hooks.slack.com\(Self.slackPath)")),
            ReceiverConfiguration(name: "bot", kind: .telegram(botToken: Self.botToken + "/x", chatID: "1")),
            ReceiverConfiguration(
                name: "hook",
                kind: .webhook(url: "http://h/?\(Self.query)", headers: ["X-Key": Self.headerValue + "\n"])
            ),
        ]
        for receiver in receivers {
            let error = #expect(throws: NotificationDeliveryError.self) { try receiver.validate() }
            let message = error?.message ?? ""
            #expect(message.hasPrefix("receiver \(receiver.name) ("))
            for secret in Self.secrets {
                #expect(!message.contains(secret))
            }
        }
        let duplicate = #expect(throws: NotificationDeliveryError.self) {
            try NotificationDelivery(
                receivers: [
                    ReceiverConfiguration(name: "a", kind: .log), ReceiverConfiguration(name: "a", kind: .log),
                ],
                store: InMemoryStateStore(),
                logger: LogCapture().logger()
            )
        }
        #expect(duplicate?.code == .invalidConfiguration)
        let noTransport = #expect(throws: NotificationDeliveryError.self) {
            try NotificationDelivery(
                receivers: [ReceiverConfiguration(name: "ops", kind: .slack(url: "https://hooks.slack.com/x"))],
                store: InMemoryStateStore(),
                logger: LogCapture().logger()
            )
        }
        #expect(noTransport?.message == "receiver ops (slack) posts over HTTP, but no transport was given")
    }
}
