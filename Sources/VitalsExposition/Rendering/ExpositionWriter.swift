/// The output of one render: bytes appended straight into a `[UInt8]`, with the number and escaping rules of the
/// Prometheus text format.
///
/// Everything that does not change between scrapes (metric names, label blocks, `le` values) is prepared as bytes
/// beforehand; per sample line the writer only copies those and formats a number, without building a `String`.
struct ExpositionWriter {
    // A raw buffer rather than `[UInt8]`: appending to an array checks uniqueness and capacity on every call,
    // which made those checks, not the copying, the cost of a render. Each line reserves its worst case once and
    // then writes without checks.
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    private(set) var count = 0
    let format: ExpositionFormat

    /// Longest number `appendNumber` writes (`-2.2250738585072014e-308`, 24 bytes), with room to spare.
    private static let numberBytes = 32

    /// Whether `base` was allocated here (after outgrowing the caller's buffer) rather than lent by the caller.
    private(set) var ownsBuffer = false

    /// A writer into `buffer`, which the caller owns (the uninitialised storage of the `[UInt8]` being built, so
    /// that the result needs no copy). Should the output outgrow it, the writer moves to a buffer of its own.
    init(format: ExpositionFormat, buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.format = format
        base = buffer.baseAddress ?? .allocate(capacity: 0)
        capacity = buffer.baseAddress == nil ? 0 : buffer.count
        ownsBuffer = buffer.baseAddress == nil
    }

    /// The bytes written, as an array, when the writer had to move to a buffer of its own; frees that buffer.
    mutating func takeOwnedBytes() -> [UInt8] {
        precondition(ownsBuffer)
        let bytes = Array(UnsafeBufferPointer(start: base, count: count))
        base.deallocate()
        ownsBuffer = false
        capacity = 0
        count = 0
        return bytes
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(to: count &+ extra) }
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        let newCapacity = max(capacity &* 2, needed)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        if ownsBuffer { base.deallocate() }
        base = newBase
        ownsBuffer = true
        capacity = newCapacity
    }

    /// Copies `part`; room must have been reserved.
    @inline(__always)
    private mutating func put(_ part: [UInt8]) {
        let length = part.count
        guard length > 0 else { return }
        part.withUnsafeBufferPointer { (base + count).update(from: $0.baseAddress!, count: length) }
        count &+= length
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        base[count] = byte
        count &+= 1
    }

    mutating func append(_ part: [UInt8]) {
        reserve(part.count)
        put(part)
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
    /// `extra` is a further cached `key="value"` part (possibly empty).
    @inline(__always)
    mutating func line(_ name: [UInt8], labels: [UInt8], extra: [UInt8] = [], value: Double) {
        sampleStart(name, labels: labels, extra: extra)
        putNumber(value)
        put(UInt8(ascii: "\n"))
    }

    /// One sample line with an integer value.
    @inline(__always)
    mutating func line(_ name: [UInt8], labels: [UInt8], extra: [UInt8] = [], count value: UInt64) {
        sampleStart(name, labels: labels, extra: extra)
        putInteger(value)
        put(UInt8(ascii: "\n"))
    }

    /// Reserves room for the whole line, then writes up to the value.
    @inline(__always)
    private mutating func sampleStart(_ name: [UInt8], labels: [UInt8], extra: [UInt8]) {
        reserve(name.count &+ labels.count &+ extra.count &+ 4 &+ Self.numberBytes)
        put(name)
        if !labels.isEmpty || !extra.isEmpty {
            put(UInt8(ascii: "{"))
            put(labels)
            if !extra.isEmpty {
                if !labels.isEmpty { put(UInt8(ascii: ",")) }
                put(extra)
            }
            put(UInt8(ascii: "}"))
        }
        put(UInt8(ascii: " "))
    }

    /// Ends the exposition: OpenMetrics requires `# EOF`.
    mutating func finish() {
        if format == .openMetrics { append(Self.eof) }
    }

    private static let eof = Array("# EOF\n".utf8)

    /// A number as the Prometheus text format spells it: `+Inf`, `-Inf`, `NaN`, whole numbers without fraction or
    /// exponent (`1234`), others in the shortest form that reads back to the same value (`0.25`, `1.5e-07`).
    mutating func appendNumber(_ value: Double) {
        reserve(Self.numberBytes)
        putNumber(value)
    }

    /// An unsigned integer in decimal; room must have been reserved.
    @inline(__always)
    private mutating func putInteger(_ value: UInt64) {
        if value < 10 {
            put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var digits = 0
        var rest = value
        while rest > 0 {
            digits &+= 1
            rest /= 10
        }
        var position = count &+ digits &- 1
        rest = value
        while rest > 0 {
            base[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            position &-= 1
        }
        count &+= digits
    }

    @inline(__always)
    private mutating func putNumber(_ value: Double) {
        if value.isNaN {
            put(Self.nan)
        } else if value.isInfinite {
            put(value > 0 ? Self.positiveInfinity : Self.negativeInfinity)
        } else if value == value.rounded(.towardZero), abs(value) < 1e15 {
            if value < 0 { put(UInt8(ascii: "-")) }
            putInteger(UInt64(abs(value)))
        } else {
            // The standard library's shortest round-trip form; up to 15 bytes it is a small string and allocates
            // nothing.
            for byte in value.description.utf8 { put(byte) }
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
