import Foundation
import Testing

@Suite("vitals check and rules validate: rule file size limit")
struct RuleFileLimitCommandTests {
    @Test("a rule file over 4 MiB is one line on stderr naming the file and the limit, exit 2")
    func oversized() async throws {
        let folder = try TemporaryFolder()
        let data = try folder.write("run.jsonl", CheckCommandTests.passing)
        let rules = folder.path("huge.yml")
        _ = FileManager.default.createFile(atPath: rules, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: rules))
        try handle.truncate(atOffset: 1 << 30)
        try handle.close()
        let expected =
            "\(rules): the rule file is 1073741824 bytes, over the limit of 4194304 bytes (4 MiB); "
            + "expected a rule file of at most 4194304 bytes\n"
        let check = try await VitalsBinary.run(["check", "--rules", rules, data])
        #expect(check.status == 2)
        #expect(check.stderr.hasSuffix(expected), "\(check.stderr)")
        #expect(check.stderr.split(separator: "\n").count == 1)
        let validate = try await VitalsBinary.run(["rules", "validate", rules])
        #expect(validate.status == 2)
        #expect(validate.stderr.hasSuffix(expected), "\(validate.stderr)")
        let zero = try await VitalsBinary.run(["rules", "validate", "/dev/zero"])
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("/dev/zero: the rule file is more than 4194304 bytes"))
    }
}
