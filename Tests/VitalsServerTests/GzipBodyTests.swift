import CompressNIO
import NIOCore
import Testing

@testable import VitalsServer

/// The gzip decoder of ingest bodies, on its own.
@Suite("GzipBody")
struct GzipBodyTests {
    @Test("empty members and an empty body decode to nothing; members concatenate")
    func members() throws {
        #expect(try GzipBody.decode(ByteBuffer(), limit: 10).readableBytes == 0)
        let body = try GzipIngestTests.members(["", "ab", "", "c"])
        #expect(try GzipBody.decode(body, limit: 100) == ByteBuffer(string: "abc"))
        #expect(try GzipBody.decode(GzipIngestTests.members([""]), limit: 0).readableBytes == 0)
    }

    @Test("the limit is inclusive: exactly the limit decodes, one byte more is too large")
    func limit() throws {
        let text = String(repeating: "0123456789", count: 1_000)
        let body = try GzipIngestTests.member(text)
        #expect(try GzipBody.decode(body, limit: 10_000).readableBytes == 10_000)
        let error = try #require(throws: GzipBodyError.self) { try GzipBody.decode(body, limit: 9_999) }
        #expect(error.code == .tooLarge)
    }

    @Test("a body that expands a thousandfold stops at the limit")
    func bomb() throws {
        let body = try GzipIngestTests.member(String(repeating: "\0", count: 4 << 20))
        #expect(body.readableBytes < 8_192)
        let error = try #require(throws: GzipBodyError.self) { try GzipBody.decode(body, limit: 1 << 20) }
        #expect(error.code == .tooLarge)
    }

    @Test("every cut inside a member is truncated, never a shorter body")
    func everyCut() throws {
        let body = try GzipIngestTests.members(["{\"event\":\"a\"}\n", "{\"event\":\"b\"}\n"])
        let first = try GzipIngestTests.member("{\"event\":\"a\"}\n").readableBytes
        for cut in 1..<body.readableBytes where cut != first {
            let slice = try #require(body.getSlice(at: 0, length: cut))
            let error = try #require(throws: GzipBodyError.self, "cut at \(cut)") {
                try GzipBody.decode(slice, limit: 1_000)
            }
            #expect(error.code == .truncated, "cut at \(cut): \(error)")
        }
    }
}
