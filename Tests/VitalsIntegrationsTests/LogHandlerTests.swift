import Logging
import Synchronization
import Testing
import Tracing
import Vitals
import VitalsIntegrations

@Suite("swift-log handler")
struct LogHandlerTests {
    /// The lines a handler wrote, in order.
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        var output: LogLineOutput { .custom { line in self.lines.withLock { $0.append(line) } } }
    }

    static func logger(_ format: VitalsLogHandler.Format, _ lines: Lines, level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "worker") { label in
            VitalsLogHandler(label: label, format: format, output: lines.output, metadataProvider: nil)
        }
        logger.logLevel = level
        return logger
    }

    @Test("logfmt: the grep-able line with the worker and the trace of the task")
    func logfmtWithContext() throws {
        let lines = Lines()
        let logger = Self.logger(.logfmt, lines)
        let tracer = VitalsTracer()
        var traceID = ""
        var spanID = ""
        withEventCollector(EventCollector(workerID: "w-7")) {
            tracer.withSpan("worker_run") { span in
                traceID = span.traceID
                spanID = span.spanID
                logger.info("tool_call", metadata: ["duration_ms": "1111", "tool": "ssh_exec"])
            }
        }
        let line = try #require(lines.all.first)
        let pattern =
            #/^ts=(\S+) level=info event=tool_call tool=ssh_exec duration_ms=1111 worker_id=w-7 trace_id=(\w+) span_id=(\w+)$/#
        let match = try #require(line.wholeMatch(of: pattern), "\(line)")
        #expect(Timestamp(rfc3339: String(match.1)) != nil)
        #expect(match.2 == traceID)
        #expect(match.3 == spanID)
    }

    @Test("JSON lines are event lines that the Vitals decoder reads back")
    func jsonIsWireFormat() throws {
        let lines = Lines()
        var logger = Self.logger(.json, lines)
        logger[metadataKey: "service"] = "bot"
        withEventCollector(EventCollector(workerID: "w-9")) {
            logger.notice(
                "llm_call",
                metadata: [
                    "model": "gpt-5-mini", "duration_ms": "98.5", "prompt_tokens": .stringConvertible(1234),
                    "cached": .stringConvertible(true), "http": ["status": "200"],
                ]
            )
        }
        let line = try #require(lines.all.first)
        guard case .event(let event) = try JSONLDecoder().decode(line: line) else {
            Issue.record("not an event line: \(line)")
            return
        }
        #expect(event.name == "llm_call")
        #expect(event.durationMilliseconds == 98.5)
        #expect(event.labels["worker_id"] == "w-9")
        #expect(event.labels["service"] == "bot")
        #expect(event.attributes["model"] == .string("gpt-5-mini"))
        #expect(event.attributes["prompt_tokens"] == .int(1234))
        #expect(event.attributes["cached"] == .bool(true))
        #expect(event.attributes["http.status"] == .string("200"))
        #expect(event.attributes["level"] == .string("notice"))
    }

    @Test("sentences go to msg, reserved keys are renamed, awkward text is quoted or escaped, errors attached")
    func awkwardInput() throws {
        struct DiskFull: Error, CustomStringConvertible {
            var description: String { "disk \"full\"" }
        }
        let lines = Lines()
        let logger = Self.logger(.logfmt, lines, level: .debug)
        logger.debug("Starting server on port 8080", metadata: ["event": "x", "": "empty key", "a b": "c=d\n"])
        logger.error("write_failed", error: DiskFull())
        logger.trace("below the level")
        let all = lines.all
        #expect(all.count == 2)
        let first = try #require(all.first)
        #expect(first.contains(" level=debug msg=\"Starting server on port 8080\" "), "\(first)")
        #expect(first.contains(" meta_event=x"))
        #expect(first.contains(" a_b=\"c=d\\n\""))
        #expect(!first.contains("empty key"))
        #expect(all.last?.hasSuffix(" event=write_failed error=\"disk \\\"full\\\"\"") == true, "\(all.last ?? "")")
    }

    @Test("a huge value is cut, a control character escaped, and the JSON stays parseable")
    func hugeAndControl() throws {
        let lines = Lines()
        let logger = Self.logger(.json, lines)
        logger.info(
            "tool_call",
            metadata: ["output": "\(String(repeating: "y", count: 50_000))", "raw": "a\u{1}b\"c\\"]
        )
        let line = try #require(lines.all.first)
        #expect(line.utf8.count < VitalsLogHandler.maximumValueLength + 500)
        #expect(line.contains(#""raw":"a\u0001b\"c\\""#))
        guard case .event(let event) = try JSONLDecoder().decode(line: line) else {
            Issue.record("not an event line: \(line)")
            return
        }
        #expect(event.attributes["raw"] == .string("a\u{1}b\"c\\"))
    }
}
