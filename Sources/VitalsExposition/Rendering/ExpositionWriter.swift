/// The output of one render: bytes appended straight into a `[UInt8]`, with the number and escaping rules of the
/// Prometheus text format.
///
/// Everything that does not change between scrapes (metric names, label blocks, `le` values) is prepared as bytes
/// beforehand; per sample line the writer only copies those and formats a number, without building a `String`.
struct ExpositionWriter {
    var bytes: [UInt8]
    let format: ExpositionFormat

    init(format: ExpositionFormat, capacity: Int) {
        self.format = format
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func append(_ part: [UInt8]) {
        bytes.append(contentsOf: part)
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    /// A family's `# HELP` and `# TYPE` lines. In OpenMetrics a counter family is named without `_total`; its
    /// sample lines keep the suffix.
    mutating func header(_ family: MetricFamily) {
        switch format {
        case .prometheus: append(family.prometheusHeader)
        case .openMetrics: append(family.openMetricsHeader)
        }
    }

    /// One sample line: `name{labels} value`. `labels` is a cached, escaped block without braces (possibly empty);
    /// `extra` is a further cached `,key="value"` or `key="value"` part (possibly empty).
    @inline(__always)
    mutating func line(_ name: [UInt8], labels: [UInt8], extra: [UInt8] = [], value: Double) {
        sampleStart(name, labels: labels, extra: extra)
        appendNumber(value)
        append(UInt8(ascii: "\n"))
    }

    /// One sample line with an integer value.
    @inline(__always)
    mutating func line(_ name: [UInt8], labels: [UInt8], extra: [UInt8] = [], count: UInt64) {
        sampleStart(name, labels: labels, extra: extra)
        appendInteger(count)
        append(UInt8(ascii: "\n"))
    }

    @inline(__always)
    private mutating func sampleStart(_ name: [UInt8], labels: [UInt8], extra: [UInt8]) {
        append(name)
        if !labels.isEmpty || !extra.isEmpty {
            append(UInt8(ascii: "{"))
            append(labels)
            if !extra.isEmpty {
                if !labels.isEmpty { append(UInt8(ascii: ",")) }
                append(extra)
            }
            append(UInt8(ascii: "}"))
        }
        append(UInt8(ascii: " "))
    }

    /// Ends the exposition: OpenMetrics requires `# EOF`.
    mutating func finish() {
        if format == .openMetrics { append(Self.eof) }
    }

    private static let eof = Array("# EOF\n".utf8)

    /// An unsigned integer in decimal, written in place.
    @inline(__always)
    mutating func appendInteger(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var digits = 0
        var rest = value
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: digits))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var position = start + digits - 1
            var rest = value
            while rest > 0 {
                buffer[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
                position -= 1
            }
        }
    }

    /// A number as the Prometheus text format spells it: `+Inf`, `-Inf`, `NaN`, whole numbers without fraction or
    /// exponent (`1234`), others in the shortest form that reads back to the same value (`0.25`, `1.5e-07`).
    mutating func appendNumber(_ value: Double) {
        if value.isNaN {
            append(Self.nan)
        } else if value.isInfinite {
            append(value > 0 ? Self.positiveInfinity : Self.negativeInfinity)
        } else if value == value.rounded(.towardZero), abs(value) < 1e15 {
            if value < 0 { append(UInt8(ascii: "-")) }
            appendInteger(UInt64(abs(value)))
        } else {
            // The standard library's shortest round-trip form; up to 15 bytes it is a small string and allocates
            // nothing.
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    static let nan = Array("NaN".utf8)
    static let positiveInfinity = Array("+Inf".utf8)
    static let negativeInfinity = Array("-Inf".utf8)
}

extension ExpositionWriter {
    /// `value` escaped for a label value: backslash, double quote and line feed get a backslash.
    static func appendEscaped(_ value: String, to bytes: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            default: bytes.append(byte)
            }
        }
    }

    /// A label block `a="x",b="y"` (no braces) from pairs whose names are already valid; empty values are left
    /// out, as Prometheus treats an empty label as an absent one.
    static func labelBlock(_ pairs: [(name: String, value: String)]) -> [UInt8] {
        var block: [UInt8] = []
        for (name, value) in pairs where !value.isEmpty {
            if !block.isEmpty { block.append(UInt8(ascii: ",")) }
            block.append(contentsOf: name.utf8)
            block.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
            appendEscaped(value, to: &block)
            block.append(UInt8(ascii: "\""))
        }
        return block
    }
}
