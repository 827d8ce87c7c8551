import Foundation
import Testing
import Vitals

@Suite struct CostTests {
    private let table = PriceTable([
        "gpt-5": ModelPrice(input: 1.25, output: 10),
        "gpt-5-mini": ModelPrice(input: 0.25, output: 2, cachedInput: 0.025),
        "glm-4.6": ModelPrice(input: 0.6, output: 2.2),
    ])

    @Test func looksUpExactThenLongestPrefix() {
        #expect(table.price(for: "gpt-5-mini")?.input == 0.25)
        #expect(table.price(for: "gpt-5-mini-2025-08-07")?.input == 0.25)
        #expect(table.price(for: "gpt-5-2025-08-07")?.input == 1.25)
        #expect(table.price(for: "gpt-5")?.input == 1.25)
        #expect(table.price(for: "claude-sonnet") == nil)
        #expect(table.price(for: "gpt-4o") == nil)
    }

    @Test func billsCachedTokensAtTheCachedRate() throws {
        let cost = try #require(
            table.cost(model: "gpt-5-mini", promptTokens: 1_000_000, completionTokens: 100_000, cachedTokens: 400_000)
        )
        // 600k uncached × 0.25 + 400k cached × 0.025 + 100k output × 2, per million.
        #expect(abs(cost - 0.36) < 1e-12)
        // Without a cached rate, cached tokens cost the input rate.
        let glm = try #require(
            table.cost(model: "glm-4.6", promptTokens: 1_000_000, completionTokens: 0, cachedTokens: 500_000)
        )
        #expect(abs(glm - 0.6) < 1e-12)
        #expect(table.cost(model: "unknown", promptTokens: 1, completionTokens: 1) == nil)
    }

    @Test func fillsCostOnlyWhereMissingAndKnown() {
        var llm = Event(
            name: "llm_call",
            durationMilliseconds: 111,
            attributes: ["model": "gpt-5-mini-2025-08-07", "prompt_tokens": 1234, "completion_tokens": 89]
        )
        #expect(table.fillCost(&llm))
        let expected = (1234 * 0.25 + 89 * 2.0) / 1_000_000
        #expect(abs((llm.number("cost_usd") ?? -1) - expected) < 1e-15)

        var priced = Event(
            name: "llm_call",
            durationMilliseconds: 1,
            attributes: ["model": "gpt-5", "prompt_tokens": 10, "cost_usd": 0.5]
        )
        #expect(!table.fillCost(&priced))
        #expect(priced.number("cost_usd") == 0.5)

        var tool = Event(name: "tool_call", durationMilliseconds: 1, attributes: ["tool": "ssh_exec"])
        #expect(!table.fillCost(&tool))
        #expect(tool.attributes["cost_usd"] == nil)

        var unknown = Event(
            name: "llm_call",
            durationMilliseconds: 1,
            attributes: ["model": "llama", "prompt_tokens": 5]
        )
        #expect(!table.fillCost(&unknown))

        var noTokens = Event(name: "llm_call", durationMilliseconds: 1, attributes: ["model": "gpt-5"])
        #expect(!table.fillCost(&noTokens))
        #expect(noTokens.attributes["cost_usd"] == nil)

        var cached = Event(
            name: "llm_call",
            durationMilliseconds: 1,
            attributes: ["model": "gpt-5-mini", "prompt_tokens": 1000, "cached_tokens": 1000]
        )
        #expect(table.fillCost(&cached))
        #expect(abs((cached.number("cost_usd") ?? -1) - 0.000025) < 1e-15)
    }

    @Test func loadsARealFile() throws {
        let file = try TemporaryFile(
            #"{"as_of": "2026-01-01", "models": {"gpt-5-mini": {"input": 0.25, "output": 2.0, "cached_input": 0.025}, "glm-4.6": {"input": 0.6, "output": 2.2, "cached_input": null}}}"#
        )
        let loaded = try PriceTable(contentsOfFile: file.path)
        #expect(loaded.prices.count == 2)
        #expect(loaded["gpt-5-mini"] == ModelPrice(input: 0.25, output: 2, cachedInput: 0.025))
        #expect(loaded["glm-4.6"] == ModelPrice(input: 0.6, output: 2.2))
    }

    @Test func theExampleFileLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let loaded = try PriceTable(contentsOfFile: root.appendingPathComponent("examples/prices.json").path)
        #expect(!loaded.prices.isEmpty)
        #expect(loaded.price(for: "gpt-5-mini-2025-08-07") != nil)
    }

    @Test(arguments: [
        (
            #"{"models": {"gpt-5-mini": {"input": 0.25, "output": "two"}}}"#, "models.gpt-5-mini.output",
            "expected a number >= 0, found \"two\""
        ),
        (
            #"{"models": {"gpt-5-mini": {"input": 0.25}}}"#, "models.gpt-5-mini.output",
            "missing; expected USD per million tokens"
        ),
        (
            #"{"models": {"gpt-5-mini": {"input": -1, "output": 2}}}"#, "models.gpt-5-mini.input",
            "expected a number >= 0, found -1"
        ),
        (
            #"{"models": {"gpt-5-mini": {"input": true, "output": 2}}}"#, "models.gpt-5-mini.input",
            "expected a number >= 0, found true"
        ),
        (
            #"{"models": {"gpt-5-mini": {"input": 1, "ouput": 2}}}"#, "models.gpt-5-mini.ouput",
            "unknown field; expected input, output or cached_input"
        ),
        (
            #"{"models": {"gpt-5-mini": [1, 2]}}"#, "models.gpt-5-mini",
            "expected an object with input, output and cached_input, found an array"
        ),
        (#"{"models": []}"#, "models", "expected an object of prices by model name, found an array"),
        (#"{"prices": {}}"#, "models", "missing; expected an object of prices by model name"),
    ])
    func badFieldsAreNamed(json: String, field: String, reason: String) throws {
        let file = try TemporaryFile(json)
        let error = #expect(throws: PriceTableError.self) { try PriceTable(contentsOfFile: file.path) }
        #expect(error?.code == .invalidField)
        #expect(error?.file == file.path)
        #expect(error?.field == field)
        #expect(error?.reason == reason)
        #expect(error?.description == "\(file.path): \(field): \(reason)")
    }

    @Test func invalidJSONAndMissingFilesAreReported() throws {
        let file = try TemporaryFile(#"{"models": {"gpt-5-mini": {"input": 0.25,"#)
        let invalid = #expect(throws: PriceTableError.self) { try PriceTable(contentsOfFile: file.path) }
        #expect(invalid?.code == .invalidJSON)
        #expect(invalid?.description.hasPrefix(file.path + ": ") == true)

        let top = #expect(throws: PriceTableError.self) { try PriceTable(json: "[1]", source: "inline") }
        #expect(top?.description == "inline: expected a JSON object at the top level, found an array")

        let missingPath = file.path + ".missing"
        let missing = #expect(throws: PriceTableError.self) { try PriceTable(contentsOfFile: missingPath) }
        #expect(missing?.code == .unreadableFile)
        #expect(missing?.file == missingPath)
        #expect(missing?.description.contains(missingPath) == true)
    }
}

/// A real file in a fresh temporary directory, removed when the value is released.
final class TemporaryFile {
    let directory: URL
    let path: String

    init(_ contents: String, name: String = "prices.json") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent(name).path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }
}
