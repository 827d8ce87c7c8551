import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import VitalsServer

/// gzip bodies of `POST /v1/events`: every member is decoded, and a body that is not whole gzip stores nothing.
@Suite("POST /v1/events with Content-Encoding: gzip")
struct GzipIngestTests {
    /// One gzip member of `text`.
    static func member(_ text: String) throws -> ByteBuffer {
        var plain = ByteBuffer(string: text)
        return try plain.compress(with: .gzip())
    }

    /// Members of each text one after the other, as `cat a.gz b.gz` writes them.
    static func members(_ texts: [String]) throws -> ByteBuffer {
        var body = ByteBuffer()
        for text in texts {
            var member = try member(text)
            body.writeBuffer(&member)
        }
        return body
    }

    static func postGzip(_ client: any TestClientProtocol, _ body: ByteBuffer) async throws -> TestResponse {
        try await client.execute(
            uri: "/v1/events",
            method: .post,
            headers: [.contentEncoding: "gzip", .contentType: "application/x-ndjson"],
            body: body
        )
    }

    static func storedCount(_ client: any TestClientProtocol) async throws -> Int {
        let stats = try await client.get("/v1/stats?event=llm_call").json
        let series = try #require(stats["series"] as? [[String: Any]])
        return series.reduce(0) { $0 + ($1["count"] as? Int ?? 0) }
    }

    @Test("a body of several members (cat a.gz b.gz c.gz) stores the lines of every member")
    func multiMember() async throws {
        let fixture = try await ServerFixture()
        let body = try Self.members([llmCalls(30, agent: "a") + "\n", llmCalls(20, agent: "b"), "\n" + llmCalls(7)])
        try await fixture.test { client in
            let response = try await Self.postGzip(client, body)
            #expect(response.status == .ok)
            #expect(try response.json["accepted"] as? Int == 57)
            #expect(try await Self.storedCount(client) == 57)
        }
    }

    @Test("a body cut short anywhere is a 400 naming the member, and nothing of it is stored")
    func truncated() async throws {
        let fixture = try await ServerFixture()
        let whole = try Self.members([llmCalls(40, agent: "a") + "\n", llmCalls(40, agent: "b")])
        let first = try Self.member(llmCalls(40, agent: "a") + "\n").readableBytes
        // In the first member's data, in its trailer, in the second member's header, data and trailer.
        let cuts = [
            first / 2, first - 4, first + 5, first + (whole.readableBytes - first) / 2, whole.readableBytes - 1,
        ]
        try await fixture.test { client in
            for cut in cuts {
                let body = try #require(whole.getSlice(at: 0, length: cut))
                let response = try await Self.postGzip(client, body)
                #expect(response.status == .badRequest, "cut at \(cut) of \(whole.readableBytes)")
                let message = try #require(try response.json["error"] as? String)
                #expect(message.contains("truncated"), "cut at \(cut): \(message)")
                #expect(message.contains(cut < first ? "member 1" : "member 2"), "cut at \(cut): \(message)")
            }
            #expect(try await Self.storedCount(client) == 0)
        }
    }

    @Test("bytes after the last member that are not another member are a 400, and nothing is stored")
    func trailingBytes() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            for tail in ["garbage", "\0\0\0\0"] {
                var body = try Self.member(llmCalls(10))
                body.writeString(tail)
                let response = try await Self.postGzip(client, body)
                #expect(response.status == .badRequest)
                #expect(try (response.json["error"] as? String)?.contains("after member 1") == true)
            }
            var corrupt = try Self.member(llmCalls(10))
            let last = corrupt.writerIndex - 8
            corrupt.setInteger(corrupt.getInteger(at: last, as: UInt8.self)! ^ 0xFF, at: last)
            #expect(try await Self.postGzip(client, corrupt).status == .badRequest)
            #expect(try await Self.storedCount(client) == 0)
        }
    }

    @Test("members that together decompress past the limit are a 413, though each is under it")
    func overLimit() async throws {
        let fixture = try await ServerFixture { $0.maxBodyBytes = 8_192 }
        let piece = llmCalls(25) + "\n"
        #expect(piece.utf8.count < 8_192)
        let body = try Self.members(Array(repeating: piece, count: 4))
        #expect(body.readableBytes < 8_192)
        try await fixture.test { client in
            let response = try await Self.postGzip(client, body)
            #expect(response.status == .contentTooLarge)
            #expect(try (response.json["error"] as? String)?.contains("once decompressed") == true)
            #expect(try await Self.storedCount(client) == 0)
            let fits = try await Self.postGzip(client, try Self.members([piece]))
            #expect(fits.status == .ok)
        }
    }
}
