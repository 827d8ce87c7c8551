import Foundation
import Testing
import Vitals
import VitalsStore

@Suite("JSONL import")
struct JSONLImporterTests {
    @Test(
        "good lines are stored in batches, bad lines rejected with file, line and reason",
        arguments: TestBackend.allCases
    )
    func importsAndRejects(backend: TestBackend) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/metrics.jsonl"
        var lines: [String] = []
        for index in 0..<2_345 {
            let second = String(format: "%02d", index % 60)
            lines.append(
                #"{"event":"llm_call","duration_ms":\#(index % 50 + 1),"ts":"2026-01-05T00:0\#(index % 10):\#(second)Z","agent_id":"a\#(index % 3)","model":"m"}"#
            )
        }
        lines.insert("{not json", at: 10)
        lines.insert(#"{"metric":"queue_depth","value":4,"ts":"2026-01-05T00:00:00Z"}"#, at: 500)
        lines.insert(#"{"event":"llm_call","duration_ms":"slow"}"#, at: 2_000)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try await backend.withStore { store in
            var importer = JSONLImporter(store: store, batchSize: 400, receivedAt: Fixture.time(Fixture.day0))
            var progressCalls = 0
            try await importer.importFile(path: path) { _ in progressCalls += 1 }
            let report = importer.report
            #expect(report.acceptedEvents == 2_345)
            #expect(report.acceptedSamples == 1)
            #expect(report.rejectedCount == 2)
            #expect(report.rejections.count == 2)
            #expect(report.rejections[0].hasPrefix("\(path):11:"))
            #expect(report.rejections[1].hasPrefix("\(path):2001:"))
            #expect(report.lines == 2_348)
            #expect(progressCalls >= 5)
            #expect(report.summaryLine(database: "db").contains("2,346 accepted (2,345 events, 1 samples), 2 rejected"))
            let stats = try await store.eventStats(
                StatsQuery(
                    name: "llm_call",
                    range: Fixture.range(Fixture.day0, Fixture.day0 + Fixture.hour),
                    groupBy: ["agent_id"]
                )
            )
            #expect(stats.map(\.statistics.count) == [782, 782, 781])
            let missing = await #expect(throws: JSONLError.self) {
                try await importer.importFile(path: directory.path + "/absent.jsonl")
            }
            #expect(missing?.description.contains("absent.jsonl") == true)
        }
    }
}
