/// Small number and table formatting shared by the text renderers (no Foundation `String(format:)`, which is
/// slow and locale-dependent on Linux).
package enum TextFormatting {
    /// `value` with exactly `decimals` digits after the point, rounded half away from zero.
    package static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return String(value) }
        let digits = String(UInt64(scaled))
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + digits }
        let padded =
            digits.count <= decimals ? String(repeating: "0", count: decimals - digits.count + 1) + digits : digits
        let split = padded.index(padded.endIndex, offsetBy: -decimals)
        return sign + padded[..<split] + "." + padded[split...]
    }

    /// A duration as people read it in a PERF line: `245.3ms`, `0.042ms` below one millisecond.
    package static func milliseconds(_ value: Double) -> String {
        fixed(value, decimals: abs(value) < 1 && value != 0 ? 3 : 1) + "ms"
    }
}

/// JSON fragments for hand-built report output: escaped strings and numbers in their shortest exact form.
package enum JSONText {
    package static func quoted(_ string: String) -> String {
        var output = "\""
        output.reserveCapacity(string.utf8.count + 2)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    package static func number(_ value: Double) -> String {
        value.isFinite ? AttributeValue.format(value) : "null"
    }
}
