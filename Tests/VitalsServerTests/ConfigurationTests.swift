import Foundation
import Hummingbird
import NIOCore
import Testing
import VitalsServer
import VitalsStore

@Suite("Server configuration")
struct ConfigurationTests {
    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-\(UUID().uuidString).yml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("defaults: 127.0.0.1:8080, ./vitals.db, 10 MB bodies, no tokens")
    func defaults() throws {
        let configuration = try ServerConfiguration.load(file: nil, environment: [:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.database == "./vitals.db")
        #expect(configuration.maxBodyBytes == 10 * 1024 * 1024)
        #expect(configuration.tokens.isEmpty)
        #expect(configuration.store.retention.rawEvents == .seconds(7 * 86_400))
    }

    @Test("a file sets every section; the environment wins over it")
    func fileThenEnvironment() throws {
        let path = try Self.file(
            """
            host: 0.0.0.0
            port: 9000
            database: /tmp/other.db
            max_body_bytes: 2048
            ingest_queue: 4
            retention_days: 3
            maintenance_interval: 5m
            metrics:
              series_limit: 50
            tokens:
              - token: t1
                scopes: [ingest, read]
            health:
              cache: 500ms
              checks:
                - name: gateway
                  http: http://127.0.0.1:9999/health
                  timeout: 1s
                - name: redis
                  tcp: 127.0.0.1:6379
            """
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try ServerConfiguration.load(file: path, environment: [:])
        #expect(fromFile.host == "0.0.0.0")
        #expect(fromFile.port == 9000)
        #expect(fromFile.database == "/tmp/other.db")
        #expect(fromFile.maxBodyBytes == 2048)
        #expect(fromFile.ingestQueue == 4)
        #expect(fromFile.store.retention.rawEvents == .seconds(3 * 86_400))
        #expect(fromFile.maintenanceInterval == .seconds(300))
        #expect(fromFile.metricsSeriesLimit == 50)
        #expect(fromFile.tokens == [AccessToken(token: "t1", scopes: [.ingest, .read])])
        #expect(fromFile.healthCacheDuration == .milliseconds(500))
        #expect(
            fromFile.healthChecks == [
                HealthCheckDeclaration(
                    name: "gateway",
                    target: .http(url: "http://127.0.0.1:9999/health"),
                    timeout: .seconds(1)
                ),
                HealthCheckDeclaration(name: "redis", target: .tcp(host: "127.0.0.1", port: 6379)),
            ]
        )
        let withEnvironment = try ServerConfiguration.load(
            file: path,
            environment: [
                "HEALTH_SERVER_PORT": "7070", "VITALS_DATABASE": "env.db", "METRICS_RETENTION_DAYS": "2",
                "VITALS_TOKEN": "t2",
            ]
        )
        #expect(withEnvironment.port == 7070)
        #expect(withEnvironment.database == "env.db")
        #expect(withEnvironment.store.retention.rawEvents == .seconds(2 * 86_400))
        #expect(withEnvironment.tokens.count == 2)
        // VITALS_PORT wins over the original HEALTH_SERVER_PORT when both are set.
        let both = try ServerConfiguration.load(
            file: nil,
            environment: ["HEALTH_SERVER_PORT": "7070", "VITALS_PORT": "7171"]
        )
        #expect(both.port == 7171)
    }

    @Test(
        "bad values name the file, the line and the key",
        arguments: [
            ("port: 80a", "vitals.yml:1: port: expected a whole number from 0 to 65535, got \"80a\""),
            ("host: a\nprot: 1", "vitals.yml:2: unknown key \"prot\""),
            (
                "health:\n  checks:\n    - name: x\n      tcp: nohost",
                "vitals.yml:4: health.checks.tcp: \"nohost\" is not HOST:PORT"
            ),
            ("tokens:\n  - token: a\n    scopes: [write]", "vitals.yml:3: tokens.scopes: unknown scope \"write\""),
            ("health:\n  cache: soon", "vitals.yml:2: health.cache: expected a positive duration"),
            ("port: [1", "vitals.yml: invalid YAML"),
            ("- a\n- b", "vitals.yml:1: the file is not a mapping"),
        ]
    )
    func badFile(text: String, message: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("vitals.yml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try ServerConfiguration.load(file: path, environment: [:])
            Issue.record("expected an error for \(text)")
        } catch {
            let expected = folder.path + "/" + message
            #expect(error.message.hasPrefix(expected), "\(error.message)")
        }
    }

    @Test("bad environment values name the variable")
    func badEnvironment() {
        #expect(throws: ServerConfigurationError.self) {
            try ServerConfiguration.load(file: nil, environment: ["VITALS_PORT": "-1"])
        }
        do {
            _ = try ServerConfiguration.load(file: nil, environment: ["HEALTH_SERVER_PORT": "http"])
        } catch {
            #expect(error.message.hasPrefix("HEALTH_SERVER_PORT=http"))
        }
        do {
            _ = try ServerConfiguration.load(file: nil, environment: ["METRICS_RETENTION_DAYS": "soon"])
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("METRICS_RETENTION_DAYS"))
        }
    }

    @Test("a missing file is an error naming it")
    func missingFile() {
        do {
            _ = try ServerConfiguration.load(file: "/nonexistent/vitals.yml", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unreadableFile)
            #expect(error.message.hasPrefix("/nonexistent/vitals.yml: cannot read"))
        }
    }
}
