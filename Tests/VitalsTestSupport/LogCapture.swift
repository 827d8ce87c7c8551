package import Logging
import Vitals

/// A swift-log handler that keeps every line, with its metadata, for the test to read.
package final class LogCapture: Sendable {
    package struct Line: Sendable {
        package var level: Logger.Level
        package var message: String
        package var metadata: [String: String]

        /// The message and every metadata key and value, as one text to search.
        package var text: String {
            ([message] + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
        }
    }

    private let storage = LockedValue([Line]())

    package init() {}

    package var lines: [Line] { storage.withLock { $0 } }
    package var text: String { lines.map(\.text).joined(separator: "\n") }

    /// A logger writing here, at `trace` level so that nothing escapes the check.
    package func logger(label: String = "vitals.alerting") -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: Line) {
        storage.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all = metadata
            for (key, value) in event.metadata ?? [:] { all[key] = value }
            capture.append(
                Line(level: event.level, message: "\(event.message)", metadata: all.mapValues { "\($0)" })
            )
        }
    }
}
