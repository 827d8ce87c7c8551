import Foundation
import HummingbirdTesting
import Testing
import Vitals

@testable import VitalsServer

/// An event name with a NUL used to be stored cut at the NUL, merged into the event of the shorter name.
@Suite("POST /v1/events: control characters in names")
struct ControlCharacterIngestTests {
    @Test("a line whose name or label holds a control character is rejected by number; the rest is kept")
    func rejectedByLine() async throws {
        let fixture = try await ServerFixture()
        let time = Recent.time(seconds: 1)
        let body = [
            #"{"event":"llm_call","ts":"\#(time)","duration_ms":10}"#,
            #"{"event":"llm_call\u0000evil","ts":"\#(time)","duration_ms":99}"#,
            #"{"event":"llm_call","ts":"\#(time)","duration_ms":20,"agent_id":"a\u0000"}"#,
            #"{"metric":"queue\u0000depth","value":3,"ts":"\#(time)"}"#,
            #"{"event":"llm_call","ts":"\#(time)","duration_ms":30}"#,
        ].joined(separator: "\n")
        try await fixture.test { client in
            let json = try await client.post("/v1/events", body).json
            #expect(json["accepted"] as? Int == 2)
            let rejected = try #require(json["rejected"] as? [[String: Any]])
            #expect(rejected.map { $0["line"] as? Int } == [2, 3, 4])
            #expect(
                rejected.first?["reason"] as? String
                    == #"field "event": control character U+0000 is not allowed in a name"#
            )
            #expect((rejected[1]["reason"] as? String)?.contains(#"field "agent_id""#) == true)
            let stats = try await client.get("/v1/stats?event=llm_call").json
            let series = try #require(stats["series"] as? [[String: Any]])
            #expect(series.count == 1)
            #expect(series.first?["count"] as? Int == 2)
            let gauge = try await client.get("/v1/stats?metric=queue").json
            #expect((gauge["series"] as? [Any])?.isEmpty == true)
        }
    }
}
