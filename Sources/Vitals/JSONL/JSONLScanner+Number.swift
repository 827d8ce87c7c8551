/// Exact powers of ten up to 1e22, the largest that a `Double` holds exactly.
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22,
]

/// Powers of ten that fit in 64 bits, up to 1e19.
private let integerPowersOfTen: [UInt64] = [
    1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
    100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
    10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
]

extension JSONLScanner {
    /// Scans a number per the JSON grammar: integers that fit in `Int64` become `.integer`, the rest `.double`.
    ///
    /// Common decimals (up to 19 significant digits, small exponent) are converted with one exact
    /// multiplication or division, which IEEE-754 rounds correctly; anything else goes through the standard
    /// library's correctly rounded parser.
    @inline(__always)
    mutating func scanNumber() throws(JSONLError) -> JSONLToken {
        let start = index
        var position = index
        let negative = base[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var mantissa: UInt64 = 0
        var digitCount = 0
        var overflowed = false

        guard position < count else {
            index = position
            throw syntax("unexpected end of line in a number")
        }
        if base[position] == UInt8(ascii: "0") {
            position += 1
            if position < count, isDigit(base[position]) {
                index = position
                throw syntax("numbers must not have leading zeros")
            }
        } else if isDigit(base[position]) {
            while position < count, isDigit(base[position]) {
                accumulate(base[position], into: &mantissa, digits: &digitCount, overflowed: &overflowed)
                position += 1
            }
        } else {
            index = position
            throw unexpected("a digit")
        }

        var fractionDigits = 0
        var isInteger = true
        if position < count, base[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            let firstFraction = position
            while position < count, isDigit(base[position]) {
                accumulate(base[position], into: &mantissa, digits: &digitCount, overflowed: &overflowed)
                position += 1
            }
            fractionDigits = position - firstFraction
            guard fractionDigits > 0 else {
                index = position
                throw unexpected("a digit after '.'")
            }
        }

        var exponent = 0
        if position < count, base[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            var exponentNegative = false
            if position < count, base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-") {
                exponentNegative = base[position] == UInt8(ascii: "-")
                position += 1
            }
            let firstExponent = position
            while position < count, isDigit(base[position]) {
                // Saturate: any exponent this large already overflows or underflows a Double.
                if exponent < 100_000 { exponent = exponent * 10 + Int(base[position] &- UInt8(ascii: "0")) }
                position += 1
            }
            guard position > firstExponent else {
                index = position
                throw unexpected("a digit in the exponent")
            }
            if exponentNegative { exponent = -exponent }
        }
        index = position

        if isInteger && !overflowed {
            if !negative, mantissa <= UInt64(Int64.max) {
                return JSONLToken(kind: .integer, start: start, end: position, payload: mantissa)
            }
            if negative, mantissa <= UInt64(Int64.max) + 1 {
                return JSONLToken(kind: .integer, start: start, end: position, payload: 0 &- mantissa)
            }
        }

        let scale = exponent - fractionDigits
        if !overflowed, mantissa <= 1 << 53, scale >= -22, scale <= 22 {
            let exact = Double(mantissa)
            let magnitude = scale >= 0 ? exact * exactPowersOfTen[scale] : exact / exactPowersOfTen[-scale]
            let value = negative ? -magnitude : magnitude
            return JSONLToken(kind: .double, start: start, end: position, payload: value.bitPattern)
        }
        if !overflowed, scale >= -19, scale <= 19 {
            let magnitude = Self.scaled(mantissa, byPowerOfTen: scale)
            let value = negative ? -magnitude : magnitude
            return JSONLToken(kind: .double, start: start, end: position, payload: value.bitPattern)
        }
        let value = try parseDouble(start: start, end: position)
        return JSONLToken(kind: .double, start: start, end: position, payload: value.bitPattern)
    }

    /// `mantissa × 10^scale` correctly rounded, for `mantissa > 2^53` and `|scale| <= 19`, where a single
    /// floating-point operation would round twice.
    ///
    /// The exact product or quotient is computed in 128-bit integer arithmetic down to 64 significant bits,
    /// a remainder is folded into the lowest bit (so that a value just above a tie rounds up), and the
    /// conversion of those 64 bits to `Double` does the one correct rounding; scaling by a power of two is
    /// then exact.
    static func scaled(_ mantissa: UInt64, byPowerOfTen scale: Int) -> Double {
        guard mantissa != 0 else { return 0 }
        if scale >= 0 {
            let (high, low) = mantissa.multipliedFullWidth(by: integerPowersOfTen[scale])
            guard high != 0 else { return Double(low) }
            let shift = high.leadingZeroBitCount
            var top = shift == 0 ? high : high << shift | low >> (64 - shift)
            if low << shift != 0 { top |= 1 }
            return Double(sign: .plus, exponent: 64 - shift, significand: Double(top))
        }
        let divisor = integerPowersOfTen[-scale]
        let mantissaShift = mantissa.leadingZeroBitCount
        let divisorShift = divisor.leadingZeroBitCount
        let numerator = mantissa << mantissaShift
        let denominator = divisor << divisorShift
        // Both now have their top bit set, so the quotient below has exactly 64 significant bits.
        let quotient: UInt64
        let remainder: UInt64
        let exponent: Int
        if numerator < denominator {
            (quotient, remainder) = denominator.dividingFullWidth((high: numerator, low: 0))
            exponent = -64
        } else {
            (quotient, remainder) = denominator.dividingFullWidth((high: numerator >> 1, low: numerator << 63))
            exponent = -63
        }
        let bits = remainder == 0 ? quotient : quotient | 1
        return Double(sign: .plus, exponent: exponent + divisorShift - mantissaShift, significand: Double(bits))
    }

    /// The correctly rounded value of a number the fast paths cannot convert exactly.
    private mutating func parseDouble(start: Int, end: Int) throws(JSONLError) -> Double {
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            index = start
            throw JSONLError(code: .outOfRange, reason: "number out of range: \(text.prefix(40))")
        }
        return value
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// Adds a decimal digit to the mantissa; past 19 digits the exact value no longer fits, which sends the
    /// number to the slow path.
    @inline(__always)
    private func accumulate(_ byte: UInt8, into mantissa: inout UInt64, digits: inout Int, overflowed: inout Bool) {
        if digits == 0 && byte == UInt8(ascii: "0") { return }  // leading zeros of a fraction add nothing
        digits += 1
        if digits > 19 {
            overflowed = true
            return
        }
        mantissa = mantissa &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
    }
}
