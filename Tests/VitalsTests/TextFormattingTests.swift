import Testing

@testable import Vitals

@Suite struct TextFormattingTests {
    @Test func fixedDecimalsRoundAndPad() {
        #expect(TextFormatting.fixed(245.26, decimals: 1) == "245.3")
        #expect(TextFormatting.fixed(0.042, decimals: 3) == "0.042")
        #expect(TextFormatting.fixed(0.0005, decimals: 3) == "0.001")
        #expect(TextFormatting.fixed(12, decimals: 2) == "12.00")
        #expect(TextFormatting.fixed(-1.25, decimals: 1) == "-1.3")
        #expect(TextFormatting.fixed(1234, decimals: 0) == "1234")
        #expect(TextFormatting.fixed(.nan, decimals: 1) == "nan")
    }

    @Test func millisecondsLikeThePerfLine() {
        #expect(TextFormatting.milliseconds(245.3) == "245.3ms")
        #expect(TextFormatting.milliseconds(0.042) == "0.042ms")
        #expect(TextFormatting.milliseconds(0) == "0.0ms")
    }

}
