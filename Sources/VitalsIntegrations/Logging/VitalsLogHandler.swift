import Instrumentation
public import Logging
import Vitals

/// A swift-log handler that writes one grep-able line per log call: logfmt (the third tier of worker visibility)
/// or JSON lines that Vitals ingests as events.
///
/// A line carries the time (`ts`), the level, the message — as `event=` when it is one word such as `tool_call`,
/// otherwise as `msg=` — then `phase`, `tool`, `model`, `provider`, `duration_ms` and `status` when present, then
/// the worker context of the task (the labels of the bound ``Vitals/EventCollector``, `worker_id` among them, and
/// the `trace_id`/`span_id` of the current ``VitalsTracer`` span), then the other metadata sorted by key (the
/// call's winning over the metadata provider's, which wins over the handler's), and finally the logged error.
///
/// ```
/// ts=2026-12-04T15:50:01.123456Z level=info event=tool_call tool=ssh_exec duration_ms=1111 worker_id=w-7
/// {"ts":"2026-12-04T15:50:01.123456Z","level":"info","event":"tool_call","tool":"ssh_exec","duration_ms":1111}
/// ```
///
/// Nested metadata is flattened with dots (`http.status=200`); lists are written as text. Metadata given as
/// numbers or booleans (`.stringConvertible(1111)`) stay numbers in JSON, and so do strings of the numeric wire
/// keys (`duration_ms`, token counts, `cost_usd`, …) that read as finite numbers, so that a JSON line is a valid
/// event line. Keys are written with `_` in place of spaces, `=` and quotes; empty keys are skipped; values longer
/// than ``maximumValueLength`` bytes are cut. Writing never throws into the caller.
///
/// ```swift
/// LoggingSystem.bootstrap { label in VitalsLogHandler(label: label, format: .logfmt) }
/// let logger = Logger(label: "worker")
/// logger.info("tool_call", metadata: ["tool": "ssh_exec", "duration_ms": "1111"])
/// ```
public struct VitalsLogHandler: LogHandler, Sendable {
    /// The line format.
    public enum Format: Sendable, Hashable {
        /// `key=value` pairs separated by spaces; values quoted only when they need it.
        case logfmt
        /// One flat JSON object per line, compatible with the JSONL wire format.
        case json
    }

    /// Bytes kept of one metadata value or message.
    public static let maximumValueLength = 8_192

    /// The logger's label.
    public let label: String
    /// The line format.
    public let format: Format
    /// Where lines go.
    public let output: LogLineOutput

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - label: The logger's label (as `LoggingSystem.bootstrap` passes it).
    ///   - format: logfmt (default) or JSON lines.
    ///   - output: Standard error (default), standard output or a function.
    ///   - metadataProvider: Metadata added to every line; the bootstrapped provider by default.
    public init(
        label: String,
        format: Format = .logfmt,
        output: LogLineOutput = .standardError,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    ) {
        self.label = label
        self.format = format
        self.output = output
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = LogFields()
        fields.append(WireKey.timestamp, .text(Timestamp.now().rfc3339))
        fields.append("level", .text(event.level.rawValue))
        let message = BoundedText.bounded(event.message.description, limit: Self.maximumValueLength)
        fields.append(LogFields.isWord(message) ? WireKey.event : "msg", .text(message))

        var merged: [(String, LogFieldValue)] = []
        if let collector = EventCollector.current {
            for label in collector.labels { merged.append((label.key, .text(label.value))) }
        }
        if let span = InstrumentationContext.currentVitalsSpan {
            merged.append((WireKey.traceID, .text(span.traceID)))
            merged.append(("span_id", .text(span.spanID)))
        }
        var metadata = self.metadata
        if let provided = metadataProvider?.get() { metadata.merge(provided) { _, new in new } }
        if let own = event.metadata { metadata.merge(own) { _, new in new } }
        merged += LogFields.flatten(metadata, limit: Self.maximumValueLength)
        if let error = event.error {
            merged.append((WireKey.error, .text(BoundedText.bounded("\(error)", limit: Self.maximumValueLength))))
        }
        fields.appendMerged(merged)

        switch format {
        case .logfmt: output.write(fields.logfmt())
        case .json: output.write(fields.json())
        }
    }
}
