import Testing

/// One convention for every subcommand: 2 means bad input (a malformed command line, a file that cannot be
/// read), whatever the subcommand; 1 is kept for a negative verdict (a violated contract, a regression,
/// rejected lines).
@Suite("Exit status 2 on bad input, for every subcommand")
struct ExitStatusTests {
    @Test(
        "an unknown option is exit status 2",
        arguments: ["summary", "check", "compare", "report", "rules", "import", "push", "serve"]
    )
    func unknownOption(subcommand: String) throws {
        let result = try VitalsBinary.run([subcommand, "--no-such-option", "events.jsonl"])
        #expect(result.status == 2, "\(subcommand): \(result.stderr)")
        #expect(result.stderr.contains("Error:"))
    }

    @Test("a file that does not exist is exit status 2")
    func missingFile() throws {
        let missing = "/nonexistent/vitals-\(UInt64.random(in: 0...UInt64.max)).jsonl"
        for arguments in [
            ["summary", missing], ["check", "--rules", "supervisor", missing], ["compare", missing, missing],
            ["report", missing], ["import", "--database", "/nonexistent/x.db", missing],
        ] {
            let result = try VitalsBinary.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
        }
    }
}
