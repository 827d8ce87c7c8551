import Foundation
import Testing
import Vitals

/// Helpers shared by the JSONL test suites.
enum JSONLTest {
    static let seedLLMCall =
        #"{"event":"llm_call","phase":"initial","model":"gpt-5-mini","start_ts":"2025-12-15T04:08:08.123456Z","end_ts":"2025-12-15T04:08:08.234567Z","duration_ms":111,"prompt_tokens":1234,"completion_tokens":89,"total_tokens":1323}"#
    static let seedToolCall =
        #"{"event":"tool_call","tool":"ssh_exec","start_ts":"2025-12-15T04:08:08.345678Z","end_ts":"2025-12-15T04:08:09.456789Z","duration_ms":1111,"success":true}"#

    /// Decodes a line that must be an event.
    static func event(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Event {
        let record = try JSONLDecoder().decode(line: line)
        guard case .event(let event) = record else {
            Issue.record("expected an event, got \(record)", sourceLocation: sourceLocation)
            throw JSONLError(code: .invalidValue, reason: "not an event")
        }
        return event
    }

    /// Decodes a line that must be a gauge sample.
    static func sample(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Sample {
        let record = try JSONLDecoder().decode(line: line)
        guard case .sample(let sample) = record else {
            Issue.record("expected a sample, got \(record)", sourceLocation: sourceLocation)
            throw JSONLError(code: .invalidValue, reason: "not a sample")
        }
        return sample
    }

    /// The error a bad line gives (and a recorded issue when it decodes).
    static func error(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONLError? {
        error(bytes: Array(line.utf8), sourceLocation: sourceLocation)
    }

    static func error(bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> JSONLError? {
        do {
            let record = try JSONLDecoder().decode(line: bytes)
            Issue.record("expected an error, decoded \(record)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    static func timestamp(_ text: String) -> Timestamp {
        Timestamp(rfc3339: text)!
    }

    /// A temporary file with `contents`, removed after `body`.
    static func withFile<Result>(
        _ contents: [UInt8],
        _ body: (String) throws -> Result
    ) throws -> Result {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("vitals-jsonl-\(UUID().uuidString).jsonl").path
        guard FileManager.default.createFile(atPath: path, contents: Data(contents)) else {
            throw JSONLError(code: .readFailed, reason: "cannot create \(path)")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    static func withFile<Result>(_ contents: String, _ body: (String) throws -> Result) throws -> Result {
        try withFile(Array(contents.utf8), body)
    }

    /// Every line a reader delivers: (number, text or nil for a skipped line).
    static func lines(_ reader: inout JSONLReader) throws -> [(Int, String?)] {
        var result: [(Int, String?)] = []
        while let line = try reader.next() {
            if line.error != nil {
                result.append((line.number, nil))
            } else {
                result.append((line.number, String(decoding: line.bytes, as: UTF8.self)))
            }
        }
        return result
    }
}
