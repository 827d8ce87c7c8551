import Testing

@testable import Vitals

@Suite struct TextTableTests {
    @Test func rowsAlignTheirColumns() {
        let table = TextTable.render([["NAME", "COUNT"], ["llm_call", "2"], ["x", "100"]], rightAligned: [1])
        #expect(table == "NAME      COUNT\nllm_call      2\nx           100\n")
    }

    @Test func aHeaderGetsARuleAsWideAsItsColumn() {
        let table = TextTable.render(header: ["op", "p95"], rows: [["llm_call", "2.1s"]], rightAligned: [1])
        #expect(table == "op         p95\n--------  ----\nllm_call  2.1s\n")
        #expect(TextTable.lines(header: ["op"], rows: [["a"]]) == ["op", "--", "a"])
    }

    @Test func indentAndNoTrailingSpaces() {
        #expect(TextTable.render([["a", ""], ["bbb", "c"]], indent: "  ") == "  a\n  bbb  c\n")
        #expect(TextTable.render([]) == "")
    }

    @Test func markdownEscapesPipesAndLineBreaks() {
        let lines = TextTable.markdown(header: ["rule", "note"], rows: [["a|b", "two\nlines"]])
        #expect(lines == ["| rule | note |", "| --- | --- |", "| a\\|b | two lines |"])
    }
}
