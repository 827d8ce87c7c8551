import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import Vitals
import VitalsAlerting
import VitalsHTTPClient
import VitalsRules
import VitalsSQLite
import VitalsStore

@testable import VitalsServer

/// A server over a fresh SQLite file in a temporary folder, for one test.
final class ServerFixture: Sendable {
    let folder: String
    let store: BucketMetricStore
    let server: VitalsServer
    /// The watcher, when the fixture was made with rules; its notifications go to the log.
    let alerting: AlertingService?

    init(
        extraChecks: [HealthCheck] = [],
        alertingRules: String? = nil,
        logger: Logger = Logger(label: "vitals.server"),
        _ configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws {
        folder =
            FileManager.default.temporaryDirectory.appendingPathComponent("vitals-server-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.database = folder + "/vitals.db"
        configuration.healthCacheDuration = .milliseconds(1)
        configure(&configuration)
        let store = try await SQLiteStore.open(path: configuration.database, configuration: configuration.store)
        self.store = store
        alerting = try alertingRules.map { yaml in
            AlertingService(
                configuration: AlertingConfiguration(
                    rules: try RuleSet(yaml: yaml, file: "rules.yml").rules,
                    route: Route(receiver: "log", groupWaitMilliseconds: 0)
                ),
                store: store,
                state: store,
                sink: try NotificationDelivery(
                    receivers: [ReceiverConfiguration(name: "log", kind: .log)],
                    store: store,
                    logger: Logger(label: "test")
                ),
                logger: Logger(label: "test")
            )
        }
        server = VitalsServer(
            configuration: configuration,
            store: store,
            extraChecks: extraChecks,
            httpProber: AsyncHTTPProber(),
            alerting: alerting,
            logger: logger
        )
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// Runs `test` against the application in-process (`.router`) or on 127.0.0.1 (`.live`), then closes the store.
    func test<Value>(
        _ setup: TestingSetup = .router,
        _ test: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let value = try await server.makeApplication().test(setup, test)
        try await store.close()
        return value
    }
}

/// `ts` values a few minutes ago, inside the API's default one-hour window.
enum Recent {
    static let base = Timestamp(
        nanosecondsSinceEpoch: (Timestamp.now().nanosecondsSinceEpoch / 60_000_000_000 - 10) * 60_000_000_000
    )

    static func time(seconds: Double) -> String {
        Timestamp(nanosecondsSinceEpoch: base.nanosecondsSinceEpoch + Int64(seconds * 1e9)).rfc3339
    }
}

extension TestClientProtocol {
    @discardableResult
    func post(_ uri: String, _ body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers)
    }
}

extension TestResponse {
    /// The body parsed as a JSON object.
    var json: [String: Any] {
        get throws {
            let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
            return try #require(object as? [String: Any], "not a JSON object: \(text)")
        }
    }

    var text: String { String(buffer: body) }
}

/// JSONL of `count` `llm_call` events, a few minutes ago.
func llmCalls(
    _ count: Int,
    agent: String = "a1",
    model: String = "m1",
    durationMilliseconds: (Int) -> Double = { Double($0 + 1) }
)
    -> String
{
    (0..<count).map { index in
        "{\"event\":\"llm_call\",\"ts\":\"\(Recent.time(seconds: Double(index % 300)))\",\"duration_ms\":\(durationMilliseconds(index)),"
            + "\"agent_id\":\"\(agent)\",\"model\":\"\(model)\",\"prompt_tokens\":10,\"completion_tokens\":2,\"cost_usd\":0.5}"
    }.joined(separator: "\n")
}
