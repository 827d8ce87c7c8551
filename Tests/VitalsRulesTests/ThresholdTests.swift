import Testing
import VitalsRules

@Suite("Thresholds")
struct ThresholdTests {
    @Test(
        "parses operators, numbers and units into canonical values",
        arguments: [
            ("> 5s", Threshold.Comparison.greater, 5000.0),
            ("< 87%", .less, 0.87),
            ("== 6", .equal, 6),
            ("!= 6", .notEqual, 6),
            (">= 100MB", .greaterOrEqual, 100 * 1024 * 1024),
            ("<=250ms", .lessOrEqual, 250),
            ("> 1.5m", .greater, 90_000),
            ("> 2h", .greater, 7_200_000),
            ("> 500us", .greater, 0.5),
            ("> 500µs", .greater, 0.5),
            ("> 2000000ns", .greater, 2),
            ("> 64KB", .greater, 65_536),
            ("> 1GB", .greater, 1_073_741_824),
            ("> -3", .greater, -3),
        ]
    )
    func parses(text: String, comparison: Threshold.Comparison, value: Double) throws {
        let threshold = try Threshold(parsing: text)
        #expect(threshold.comparison == comparison)
        #expect(threshold.value == value)
    }

    @Test("the threshold states the violating condition, boundaries exact")
    func boundaries() throws {
        let above = try Threshold(parsing: "> 3s")
        #expect(!above.isViolated(by: 3000))
        #expect(above.isViolated(by: 3000.001))
        let below = try Threshold(parsing: "< 87%")
        #expect(!below.isViolated(by: 0.87))
        #expect(below.isViolated(by: 0.8699))
        let exactly = try Threshold(parsing: "!= 6")
        #expect(!exactly.isViolated(by: 6))
        #expect(exactly.isViolated(by: 5))
        let atLeast = try Threshold(parsing: ">= 100MB")
        #expect(atLeast.isViolated(by: 100 * 1024 * 1024))
    }

    @Test("rejects text without operator or number", arguments: ["5s", "> s", ">", "about 5", "=> 5"])
    func rejectsSyntax(text: String) {
        #expect(throws: ThresholdSyntaxError.self) { try Threshold(parsing: text) }
    }

    @Test("an unknown unit is a unit error with a suggestion")
    func unknownUnit() {
        do {
            _ = try Threshold(parsing: "> 5 sec")
            Issue.record("expected an error")
        } catch {
            #expect(error.isUnitError)
            #expect(error.message.contains("unknown unit \"sec\""))
        }
        do {
            _ = try Threshold(parsing: "> 5MBs")
            Issue.record("expected an error")
        } catch {
            #expect(error.isUnitError)
            #expect(error.message.contains("did you mean \"MB\""))
        }
    }
}
