import Testing
import Vitals

@Suite("Linear-time patterns")
struct LinearPatternTests {
    @Test(
        "whole-value matches agree with the usual regular-expression meaning",
        arguments: [
            ("gpt-.*", "gpt-4o", true), ("gpt-.*", "xgpt-4o", false), ("gpt-4o(-mini)?", "gpt-4o-mini", true),
            ("gpt-4o(-mini)?", "gpt-4o-", false), ("a|b|cd", "cd", true), ("a|b|cd", "c", false),
            ("[a-c]+", "abcab", true), ("[a-c]+", "abd", false), ("[^0-9]*", "abc", true), ("[^0-9]*", "a1", false),
            ("\\d{3}-\\d{2,4}", "123-4567", true), ("\\d{3}-\\d{2,4}", "123-45678", false),
            ("\\w+\\s\\w+", "hello world", true), ("a{2,}", "a", false), ("a{2,}", "aaaa", true),
            ("(?:ab)+", "ababab", true), ("(?<name>ab)+c", "ababc", true), ("^llm_call$", "llm_call", true),
            ("a.c", "a\nc", false), ("a.c", "abc", true), ("", "", true), ("", "x", false),
            ("[]a]+", "]a]", true), ("[a\\-z]+", "a-z", true), ("\\.", ".", true), ("\\.", "x", false),
            ("(a*)*b", "aaab", true), ("(a|)+", "aaa", true), ("x*?y", "xxy", true), ("é+", "éé", true),
            ("[\\d_]+", "1_2", true), ("\\D+", "ab", true), ("\\D+", "a1", false),
        ]
    )
    func matches(pattern: String, value: String, expected: Bool) throws {
        #expect(try LinearPattern(pattern).matches(value) == expected)
    }

    @Test("the patterns that defeat backtracking engines match in one pass")
    func catastrophicPatterns() throws {
        let hostile = String(repeating: "a", count: 5_000) + "!"
        for pattern in ["(a+)+b", "(a|a)*b", "(a*)*b", "(a|aa)+$", "(.*a){20}"] {
            #expect(try LinearPattern(pattern).matches(hostile) == false, "\(pattern)")
        }
        #expect(try LinearPattern("(a+)+!").matches(hostile))
    }

    @Test(
        "patterns without a linear-time algorithm, or too large, are refused with the reason",
        arguments: [
            ("(a)\\1", "back-references"), ("(?=a)a", "look-around"), ("(?<!a)b", "look-around"),
            ("(?i)abc", "inline flags"), ("a{1001}", "above 1000"), ("(a{1000}){1000}", "too large"),
            ("(ab", "not closed"), ("ab)", "unbalanced"), ("[ab", "not closed"), ("*a", "nothing to repeat"),
            ("a**", "another quantifier"), ("a++", "possessive"), ("[z-a]", "reversed"), ("a\\", "lone backslash"),
            ("a{3,1}", "below the minimum"), ("[[:alpha:]]", "POSIX"), ("a^b", "very start or end"),
            ("\\q", "not supported"),
        ]
    )
    func refused(pattern: String, reason: String) {
        #expect {
            _ = try LinearPattern(pattern)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test("nesting and length are bounded")
    func bounds() {
        #expect(throws: LinearPatternError.self) {
            _ = try LinearPattern(String(repeating: "(", count: 200) + "a" + String(repeating: ")", count: 200))
        }
        #expect(throws: LinearPatternError.self) {
            _ = try LinearPattern(String(repeating: "a", count: LinearPattern.maximumPatternLength + 1))
        }
    }
}
