import Foundation
import Testing
import VitalsAlerting
import VitalsRules
import VitalsServer

/// The `alerting:` section: the issue's example reads as written; mistakes name the file and line; the original
/// supervisor's variables work alone.
@Suite("Alerting configuration")
struct AlertingConfigurationTests {
    static func file(_ text: String, rules: String? = nil) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if let rules {
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent("rules"),
                withIntermediateDirectories: true
            )
            try rules.write(to: folder.appendingPathComponent("rules/agents.yml"), atomically: true, encoding: .utf8)
        }
        let path = folder.appendingPathComponent("vitals.yml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let example = """
        alerting:
          rules: [supervisor, ./rules/agents.yml]
          evaluation_interval: 30s
          external_url: http://vitals.internal:8080/
          receivers:
            - {name: ops, type: slack, url: https://hooks.slack.com/services/T0/B0/secret}
            - {name: pager, type: webhook, url: http://127.0.0.1:9093/hook, headers: {X-Key: k1}}
            - {name: bot, type: telegram, bot_token: "123:abc", chat_id: "-100123", api_url: http://127.0.0.1:9999}
            - {name: audit, type: log}
          route: {receiver: ops, group_by: [rule, agent_id], group_wait: 0s, group_interval: 5m,
                  repeat_interval: 4h, max_notifications_per_hour: 10,
                  routes: [{match: {severity: critical}, receiver: pager, continue: true},
                           {match: {agent_id: "~bot-.*"}, receiver: bot}]}
        """

    static let agentRules = """
        rules:
          - name: slow-agents
            match: {event: task}
            by: agent_id
            metric: p95
            thresholds: {warn: "> 2s"}
        """

    @Test("the issue's example reads as written")
    func example() throws {
        let path = try Self.file(Self.example, rules: Self.agentRules)
        let settings = try #require(try ServerConfiguration.load(file: path, environment: [:]).alerting)
        #expect(settings.ruleSources == ["supervisor", "./rules/agents.yml"])
        #expect(settings.rules.contains { $0.name == "slow-agents" })
        #expect(settings.rules.contains { $0.name == "service-error-rate" })
        #expect(settings.evaluationInterval == .seconds(30))
        #expect(settings.externalURL == "http://vitals.internal:8080")
        #expect(settings.receivers.map(\.name) == ["ops", "pager", "bot", "audit"])
        guard case .webhook(let url, let headers, _) = settings.receivers[1].kind,
            case .telegram(let token, let chat, let api) = settings.receivers[2].kind
        else {
            Issue.record("receiver kinds: \(settings.receivers.map(\.type))")
            return
        }
        #expect(url == "http://127.0.0.1:9093/hook" && headers == ["X-Key": "k1"])
        #expect(token == "123:abc" && chat == "-100123" && api == "http://127.0.0.1:9999")
        #expect(settings.receivers.allSatisfy { $0.maximumNotificationsPerHour == 10 })
        #expect(settings.maxNotificationsPerHour == 10)
        let route = settings.route
        #expect(route.receiver == "ops")
        #expect(route.groupBy == ["rule", "agent_id"])
        #expect(route.groupWaitMilliseconds == 0)
        #expect(route.repeatIntervalMilliseconds == 4 * 3_600_000)
        #expect(route.routes.map(\.receiver) == ["pager", "bot"])
        #expect(route.routes[0].continueMatching)
        #expect(route.routes[0].groupIntervalMilliseconds == 300_000, "children inherit timing")
        #expect(
            route.destinations(for: ["severity": "critical", "agent_id": "bot-1"]).map(\.route.receiver) == [
                "pager", "bot",
            ]
        )
        #expect(route.destinations(for: ["severity": "warn", "agent_id": "a1"]).map(\.route.receiver) == ["ops"])
    }

    @Test(
        "mistakes name the file, the line and the key, and never echo a secret",
        arguments: [
            (
                "alerting:\n  rules: [nope]\n  receivers: [{name: a, type: log}]\n  route: {receiver: a}\n",
                "vitals.yml:2: alerting.rules"
            ),
            (
                "alerting:\n  rules: [supervisor]\n  receivers: [{name: a, type: pager}]\n  route: {receiver: a}\n",
                "vitals.yml:3: receiver \"a\": unknown type \"pager\""
            ),
            (
                "alerting:\n  rules: [supervisor]\n  receivers: [{name: a, type: log}]\n  route: {receiver: b}\n",
                "vitals.yml:4: alerting.route: receiver \"b\""
            ),
            (
                "alerting:\n  rules: [supervisor]\n  receivers: [{name: a, type: slack, url: ftp://s3cr3t}]\n  route: {receiver: a}\n",
                "vitals.yml:3: alerting.receivers.url: not an http"
            ),
            (
                "alerting:\n  rules: [supervisor]\n  receivers: [{name: a, type: log}]\n  route: {receiver: a, group_wait: soon}\n",
                "vitals.yml:4: alerting.route.group_wait"
            ),
            (
                "alerting:\n  rules: [supervisor]\n  receivers: [{name: a, type: log}]\n  route: {receiver: a, routes: [{receiver: a}]}\n",
                "vitals.yml:4: alerting.route.routes[0]: a child route needs `match:`"
            ),
            (
                "alerting:\n  rules: [supervisor]\n  receivers: [{name: a, type: log}]\n  route: {receiver: a, match: {x: \"~(a\"}}\n",
                "vitals.yml:4: alerting.route.match.x"
            ),
            (
                "alerting:\n  rules: [supervisor]\n  evaluation: 1m\n",
                "vitals.yml:3: unknown key \"alerting.evaluation\""
            ),
            ("alerting:\n  rules: [supervisor]\n  route: {receiver: a}\n", "vitals.yml:2: alerting: no `receivers:`"),
        ]
    )
    func mistakes(text: String, message: String) throws {
        let path = try Self.file(text)
        do {
            _ = try ServerConfiguration.load(file: path, environment: [:])
            Issue.record("no error for \(text)")
        } catch {
            let folder = (path as NSString).deletingLastPathComponent
            #expect(error.message.hasPrefix(folder + "/" + message), "\(error.message)")
            #expect(!error.message.contains("s3cr3t"))
        }
    }

    @Test(
        "SLACK_WEBHOOK_URL alone gives the supervisor pack and a Slack receiver; SUPERVISOR_CHECK_INTERVAL sets the interval"
    )
    func slackAlone() throws {
        let settings = try #require(
            try ServerConfiguration.load(
                file: nil,
                environment: [
                    "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/x", "SUPERVISOR_CHECK_INTERVAL": "15",
                ]
            ).alerting
        )
        #expect(settings.ruleSources == ["supervisor"])
        #expect(settings.receivers.map(\.name) == ["slack"])
        if case .slack(let url) = settings.receivers.first?.kind {
            #expect(url == "https://hooks.slack.com/services/x")
        } else {
            Issue.record("not a Slack receiver")
        }
        #expect(settings.evaluationInterval == .seconds(15))
        #expect(try ServerConfiguration.load(file: nil, environment: [:]).alerting == nil)
    }
}
