import Foundation
import Vitals

// Temporary line decoding through Foundation's JSONDecoder, until the codec helper's JSONLReader and
// JSONLDecoder land in main; replaced by them in the merge that brings them.
extension JSONLInput {
    static func readFile(
        _ path: String,
        _ body: (Int, Result<Record, DecodingProblem>) throws(InputError) -> Void
    ) throws(InputError) {
        let data: Data
        do {
            data =
                path == "-"
                ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputError(
                code: .unreadable,
                file: path,
                line: 0,
                message: "cannot read the file (\(error.localizedDescription))"
            )
        }
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            try body(lineNumber, decode(Data(line)))
        }
    }

    struct DecodingProblem: Error, CustomStringConvertible {
        var description: String
    }

    private enum Scalar: Decodable {
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case string(String)
        case null

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Int64.self) {
                self = .int(value)
            } else if let value = try? container.decode(Double.self) {
                self = .double(value)
            } else {
                self = .string(try container.decode(String.self))
            }
        }

        var text: String? {
            switch self {
            case .bool(let value): return value ? "true" : "false"
            case .int(let value): return String(value)
            case .double(let value): return String(value)
            case .string(let value): return value
            case .null: return nil
            }
        }

        var number: Double? {
            switch self {
            case .int(let value): return Double(value)
            case .double(let value): return value
            default: return nil
            }
        }
    }

    private static func decode(_ line: Data) -> Result<Record, DecodingProblem> {
        guard let object = try? JSONDecoder().decode([String: Scalar].self, from: line) else {
            return .failure(DecodingProblem(description: "not a flat JSON object"))
        }
        func time(_ key: String) -> Timestamp? {
            guard case .string(let text)? = object[key] else { return nil }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
            return date.map { Timestamp(nanosecondsSinceEpoch: Int64(($0.timeIntervalSince1970 * 1e9).rounded())) }
        }
        if case .string(let name)? = object["metric"] {
            guard let value = object["value"]?.number else {
                return .failure(DecodingProblem(description: "field \"value\": expected a number"))
            }
            var labels = Labels()
            for (key, scalar) in object.sorted(by: { $0.key < $1.key })
            where !["metric", "value", "ts"].contains(key) {
                if let text = scalar.text { labels[key] = text }
            }
            return .success(.sample(Sample(name: name, value: value, timestamp: time("ts"), labels: labels)))
        }
        guard case .string(let name)? = object["event"] else {
            return .failure(DecodingProblem(description: "field \"event\": missing"))
        }
        let end = time("end_ts") ?? time("ts")
        let start = time("start_ts")
        var duration = object["duration_ms"]?.number
        if duration == nil, let start, let end { duration = end.milliseconds(since: start) }
        var status = EventStatus.ok
        if case .bool(false)? = object["success"] { status = .error }
        if case .string(let text)? = object["status"], let parsed = EventStatus(rawValue: text) { status = parsed }
        var labels = Labels()
        var attributes = Attributes()
        let reserved: Set = ["event", "ts", "start_ts", "end_ts", "duration_ms", "success", "status", "error"]
        for (key, scalar) in object.sorted(by: { $0.key < $1.key }) where !reserved.contains(key) {
            if WireKey.identityLabels.contains(key) {
                if let text = scalar.text { labels[key] = text }
                continue
            }
            switch scalar {
            case .bool(let value): attributes[key] = .bool(value)
            case .int(let value): attributes[key] = .int(value)
            case .double(let value): attributes[key] = .double(value)
            case .string(let value): attributes[key] = .string(value)
            case .null: break
            }
        }
        var error: String?
        if case .string(let text)? = object["error"] { error = text }
        return .success(
            .event(
                Event(
                    name: name,
                    start: start,
                    end: end,
                    durationMilliseconds: max(0, duration ?? 0),
                    status: status,
                    error: error,
                    labels: labels,
                    attributes: attributes
                )
            )
        )
    }
}
