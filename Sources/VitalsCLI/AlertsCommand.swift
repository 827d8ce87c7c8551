import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Vitals

/// `vitals alerts list|ack|silence|unsilence|silences --server URL`: the alerts of a running `vitals serve`.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List, acknowledge and silence the alerts of a running vitals serve.",
        discussion: """
            The server is --server (default $VITALS_SERVER, else http://127.0.0.1:8080); the token is --token \
            (default $VITALS_TOKEN). Acknowledging and silencing need a token with the admin scope when tokens \
            are configured.
            Exit status: 0 on success, 1 when the server cannot be reached or fails, 2 on bad input (an unknown \
            alert or silence, a bad matcher or duration).
            """,
        subcommands: [List.self, Acknowledge.self, SilenceCommand.self, Unsilence.self, Silences.self]
    )

    struct Connection: ParsableArguments {
        @Option(help: "The server's URL.")
        var server = ProcessInfo.processInfo.environment["VITALS_SERVER"] ?? "http://127.0.0.1:8080"

        @Option(help: "A bearer token (default $VITALS_TOKEN).")
        var token: String?

        /// Sends a request and returns the JSON answer; exits 2 on a 4xx (with the server's message), 1 otherwise.
        func send(_ method: HTTPMethod, _ path: String, body: [String: Any]? = nil) async throws -> Any {
            let base = server.hasSuffix("/") ? String(server.dropLast()) : server
            var request = HTTPClientRequest(url: base + path)
            request.method = method
            if let token = token ?? ProcessInfo.processInfo.environment["VITALS_TOKEN"], !token.isEmpty {
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
            }
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
            }
            let response: HTTPClientResponse
            let bytes: ByteBuffer
            do {
                response = try await HTTPClient.shared.execute(request, timeout: .seconds(15))
                bytes = try await response.body.collect(upTo: 64 << 20)
            } catch {
                CommandSupport.printError("vitals alerts: cannot reach \(base): \(error)")
                throw ExitCode(1)
            }
            let json = try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))
            guard (200..<300).contains(response.status.code) else {
                let message = (json as? [String: Any])?["error"] as? String ?? "HTTP \(response.status.code)"
                let refused = response.status.code >= 500 || response.status.code == 401 || response.status.code == 403
                guard refused else { throw CommandSupport.badInput("alerts", message) }
                CommandSupport.printError("vitals alerts: \(message)")
                throw ExitCode(1)
            }
            return json ?? [:]
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List alerts (firing and pending first).")
        @OptionGroup var connection: Connection
        @Option(help: "Only alerts in this state: pending, firing or resolved.")
        var state: String?
        @Option(help: "Only alerts of this rule.")
        var rule: String?
        @Option(help: "text or json.")
        var format = "text"

        func run() async throws {
            guard format == "text" || format == "json" else {
                throw CommandSupport.badInput("alerts list", "--format \(format): expected text or json")
            }
            var query: [String] = []
            if let state { query.append("state=\(Self.escape(state))") }
            if let rule { query.append("rule=\(Self.escape(rule))") }
            let answer = try await connection.send(
                .GET,
                "/v1/alerts" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
            )
            let alerts = (answer as? [String: Any])?["alerts"] as? [[String: Any]] ?? []
            if format == "json" {
                let data = try JSONSerialization.data(
                    withJSONObject: ["alerts": alerts],
                    options: [.prettyPrinted, .sortedKeys]
                )
                print(String(decoding: data, as: UTF8.self))
                return
            }
            let order = ["firing": 0, "pending": 1, "resolved": 2]
            let sorted = alerts.sorted {
                (order[$0["state"] as? String ?? ""] ?? 3) < (order[$1["state"] as? String ?? ""] ?? 3)
            }
            let rows = sorted.map { alert -> [String] in
                let group = (alert["group"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map {
                    "\($0.key)=\($0.value)"
                }
                var notes: [String] = []
                if let muted = alert["muted"] as? String { notes.append(muted) }
                if let ack = alert["acknowledgement"] as? [String: Any] {
                    notes.append("acknowledged by \(ack["author"] as? String ?? "")")
                }
                return [
                    alert["state"] as? String ?? "", alert["severity"] as? String ?? "", alert["rule"] as? String ?? "",
                    group.joined(separator: " "), alert["value_text"] as? String ?? "",
                    alert["threshold"] as? String ?? "",
                    alert["active_since"] as? String ?? "", alert["fingerprint"] as? String ?? "",
                    notes.joined(separator: "; "),
                ]
            }
            if rows.isEmpty {
                print("no alerts")
                return
            }
            print(
                TextTable.render(
                    header: [
                        "state", "severity", "rule", "group", "value", "threshold", "since", "fingerprint", "notes",
                    ],
                    rows: rows
                ),
                terminator: ""
            )
        }

        static func escape(_ text: String) -> String {
            text.addingPercentEncoding(
                withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))
            ) ?? text
        }
    }

    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Acknowledge an alert: no repeats until it resolves."
        )
        @OptionGroup var connection: Connection
        @Argument(help: "The alert's fingerprint (see `vitals alerts list`).")
        var fingerprint: String
        @Option(help: "What is being done.")
        var comment = ""
        @Option(help: "Who acknowledges (default $USER).")
        var author = ProcessInfo.processInfo.environment["USER"] ?? ""
        @Option(help: "How long the acknowledgement lasts, such as 2h (default: until the alert resolves).")
        var expires: String?

        func run() async throws {
            guard fingerprint.count == 16, fingerprint.allSatisfy(\.isHexDigit) else {
                throw CommandSupport.badInput("alerts ack", "\(fingerprint): expected a 16-digit fingerprint")
            }
            var body: [String: Any] = ["comment": comment, "author": author]
            if let expires {
                guard DurationText.parse(expires) != nil else {
                    throw CommandSupport.badInput(
                        "alerts ack",
                        "--expires \(expires): expected a \(DurationText.expected)"
                    )
                }
                body["expires"] = expires
            }
            _ = try await connection.send(.POST, "/v1/alerts/\(fingerprint)/ack", body: body)
            print("acknowledged \(fingerprint)")
        }
    }

    struct SilenceCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "silence",
            abstract: "Silence the alerts matching label matchers."
        )
        @OptionGroup var connection: Connection
        @Argument(help: "Matchers: name=value, name!=value, name=~regex or name!~regex (all must hold).")
        var matchers: [String]
        @Option(help: "How long, such as 2h.")
        var duration = "1h"
        @Option(help: "Why.")
        var comment = ""
        @Option(help: "Who (default $USER).")
        var author = ProcessInfo.processInfo.environment["USER"] ?? ""

        func run() async throws {
            guard !matchers.isEmpty else {
                throw CommandSupport.badInput(
                    "alerts silence",
                    "expected at least one matcher, such as alertname=agent-errors"
                )
            }
            guard let parsed = DurationText.parse(duration), parsed > .zero else {
                throw CommandSupport.badInput(
                    "alerts silence",
                    "--duration \(duration): expected a positive \(DurationText.expected)"
                )
            }
            let answer = try await connection.send(
                .POST,
                "/v1/silences",
                body: ["matchers": matchers, "duration": duration, "comment": comment, "createdBy": author]
            )
            let silence = answer as? [String: Any] ?? [:]
            print("silenced until \(silence["endsAt"] as? String ?? "?"): id \(silence["id"] as? String ?? "?")")
        }
    }

    struct Unsilence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a silence.")
        @OptionGroup var connection: Connection
        @Argument(help: "The silence's id.")
        var id: String

        func run() async throws {
            guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                throw CommandSupport.badInput("alerts unsilence", "\(id): not a silence id")
            }
            _ = try await connection.send(.DELETE, "/v1/silences/\(id)")
            print("removed silence \(id)")
        }
    }

    struct Silences: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List silences.")
        @OptionGroup var connection: Connection

        func run() async throws {
            let answer = try await connection.send(.GET, "/v1/silences")
            let silences = (answer as? [String: Any])?["silences"] as? [[String: Any]] ?? []
            guard !silences.isEmpty else {
                print("no silences")
                return
            }
            let rows = silences.map { silence -> [String] in
                let matchers = (silence["matchers"] as? [[String: Any]] ?? []).map { matcher in
                    let equal = matcher["isEqual"] as? Bool ?? true
                    let regex = matcher["isRegex"] as? Bool ?? false
                    let op = equal ? (regex ? "=~" : "=") : (regex ? "!~" : "!=")
                    return "\(matcher["name"] as? String ?? "")\(op)\(matcher["value"] as? String ?? "")"
                }
                return [
                    silence["id"] as? String ?? "", matchers.joined(separator: " "), silence["endsAt"] as? String ?? "",
                    (silence["active"] as? Bool ?? false) ? "active" : "inactive",
                    silence["createdBy"] as? String ?? "",
                    silence["comment"] as? String ?? "",
                ]
            }
            print(
                TextTable.render(header: ["id", "matchers", "ends", "state", "by", "comment"], rows: rows),
                terminator: ""
            )
        }
    }
}
