import Foundation
import Testing

/// The same data gives the same `last` whether it is summarised from its file or from a store it was imported
/// into: samples at the same instant are tied everywhere, and the larger value wins.
@Suite("Gauge last: one answer from a file and from a store")
struct GaugeLastTests {
    @Test("tied timestamps resolve to the same value in `summary FILE` and `summary --database`")
    func tiedTimestamps() async throws {
        let folder = try TemporaryFolder()
        let now = Date().addingTimeInterval(-120)
        let formatter = ISO8601DateFormatter()
        let ts = formatter.string(from: now)
        let earlier = formatter.string(from: now.addingTimeInterval(-30))
        func last(_ arguments: [String]) async throws -> Double? {
            let result = try await VitalsBinary.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let gauges = object?["gauges"] as? [[String: Any]]
            return gauges?.first { $0["name"] as? String == "queue_depth" }?["last"] as? Double
        }
        // Both orders of the tied pair: the answer must not depend on which line (or bucket) came first.
        for (index, tied) in [[5, 3], [3, 5]].enumerated() {
            let path = try folder.write(
                "gauges\(index).jsonl",
                """
                {"metric":"queue_depth","value":9,"ts":"\(earlier)"}
                {"metric":"queue_depth","value":\(tied[0]),"ts":"\(ts)"}
                {"metric":"queue_depth","value":\(tied[1]),"ts":"\(ts)"}

                """
            )
            let fromFile = try await last(["summary", "--format", "json", path])
            let database = folder.path("v\(index).db")
            #expect(try await VitalsBinary.run(["import", path, "--database", database]).status == 0)
            let fromStore = try await last(["summary", "--format", "json", "--database", database, "--since", "1h"])
            #expect(fromFile == 5, "order \(tied)")
            #expect(fromStore == 5, "order \(tied)")
        }
    }
}
