import Testing
import VitalsExposition

/// One sample line of a rendered exposition, parsed back.
struct ParsedSample: Equatable {
    var name: String
    var labels: [String: String]
    var value: Double
}

/// A small reader of the text format for assertions: sample lines with their unescaped labels, and the comment
/// lines in order.
struct ParsedExposition {
    var text: String
    var samples: [ParsedSample] = []
    var comments: [String] = []

    init(_ bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            if line.hasPrefix("#") {
                comments.append(String(line))
            } else {
                samples.append(Self.parse(Array(line.utf8)))
            }
        }
    }

    private static func parse(_ line: [UInt8]) -> ParsedSample {
        var position = 0
        var name: [UInt8] = []
        while position < line.count, line[position] != UInt8(ascii: "{"), line[position] != UInt8(ascii: " ") {
            name.append(line[position])
            position += 1
        }
        var labels: [String: String] = [:]
        if position < line.count, line[position] == UInt8(ascii: "{") {
            position += 1
            while line[position] != UInt8(ascii: "}") {
                var key: [UInt8] = []
                while line[position] != UInt8(ascii: "=") {
                    key.append(line[position])
                    position += 1
                }
                position += 2  // `="`
                var value: [UInt8] = []
                while line[position] != UInt8(ascii: "\"") {
                    if line[position] == UInt8(ascii: "\\") {
                        position += 1
                        value.append(line[position] == UInt8(ascii: "n") ? UInt8(ascii: "\n") : line[position])
                    } else {
                        value.append(line[position])
                    }
                    position += 1
                }
                position += 1
                if line[position] == UInt8(ascii: ",") { position += 1 }
                labels[String(decoding: key, as: UTF8.self)] = String(decoding: value, as: UTF8.self)
            }
            position += 1
        }
        let valueText = String(decoding: line[(position + 1)...], as: UTF8.self)
        let value: Double =
            switch valueText {
            case "+Inf": .infinity
            case "-Inf": -.infinity
            default: Double(valueText) ?? .nan
            }
        return ParsedSample(name: String(decoding: name, as: UTF8.self), labels: labels, value: value)
    }

    /// Samples named `name` whose labels include every pair of `labels`.
    func samples(_ name: String, _ labels: [String: String] = [:]) -> [ParsedSample] {
        samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
    }

    /// The value of the one sample named `name` with these labels; `nil` when there is none or more than one.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples(name, labels)
        return matching.count == 1 ? matching[0].value : nil
    }
}

extension ExpositionRegistry {
    func parsed(_ format: ExpositionFormat = .prometheus) -> ParsedExposition {
        ParsedExposition(render(format))
    }
}
