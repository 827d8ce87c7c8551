import CompressNIO
import Hummingbird
import NIOCore
import Vitals
import VitalsStore

/// The server's parsers of hostile input, reachable from the fuzz targets (`Sources/VitalsFuzz`, `scripts/fuzz`)
/// and from the tests that replay their corpus. Not API: each runs one input and checks, with `precondition`,
/// what must hold of any answer, so that a broken property is a crash the fuzzer reports.
package enum ServerFuzzEntryPoints {
    /// A `POST /v1/events` body, split into lines (or array elements) and decoded.
    package static func ingestBody(_ bytes: UnsafeRawBufferPointer, maximumRecords: Int = 1_000) {
        let payload: IngestPayload
        do {
            payload = try IngestPayload(body: bytes, maximumRecords: maximumRecords)
        } catch {
            precondition(!error.message.isEmpty, "an ingest body error without a message")
            return
        }
        precondition(payload.records.count == payload.lines.count, "a record without its line number")
        precondition(payload.records.count <= maximumRecords, "more records than the cap")
        precondition(payload.rejections.count <= IngestPayload.listedRejections, "more rejections listed than shown")
        precondition(payload.rejectedCount >= payload.rejections.count, "rejections listed but not counted")
        precondition(zip(payload.lines, payload.lines.dropFirst()).allSatisfy { $0 < $1 }, "line numbers out of order")
        for rejection in payload.rejections {
            precondition(rejection.line >= 1 && !rejection.reason.isEmpty, "a rejection without line or reason")
        }
    }

    /// A `POST /v1/traces` body: an odd first byte makes the rest a protobuf `ExportTraceServiceRequest`, an even
    /// one OTLP/JSON. Every span is either an event or a counted rejection, and the answer encodes.
    package static func otlpBody(_ bytes: UnsafeRawBufferPointer, maximumSpans: Int = 1_000) {
        guard let mode = bytes.first else { return }
        let rest = UnsafeRawBufferPointer(rebasing: bytes.dropFirst())
        let encoding: OTLPEncoding = mode & 1 == 1 ? .protobuf : .json
        let batch: OTLPTraceBatch
        do {
            switch encoding {
            case .protobuf: batch = try OTLPTraceBatch(protobuf: rest, maximumSpans: maximumSpans)
            case .json: batch = try OTLPTraceBatch(json: rest, maximumSpans: maximumSpans)
            }
        } catch {
            precondition(!error.message.isEmpty, "an OTLP body error without a message")
            return
        }
        precondition(batch.records.count + batch.rejectedSpans == batch.spanCount, "a span neither kept nor counted")
        precondition(batch.spanCount <= maximumSpans, "more spans than the cap")
        precondition(batch.records.count == batch.spanNumbers.count, "an event without its span number")
        precondition(zip(batch.spanNumbers, batch.spanNumbers.dropFirst()).allSatisfy { $0 < $1 }, "spans out of order")
        precondition(
            batch.reasons.count <= min(batch.rejectedSpans, OTLPTraceBatch.listedReasons),
            "reasons miscounted"
        )
        for case .event(let event) in batch.records {
            precondition(!event.name.isEmpty, "an event without a name")
            precondition(event.name.utf8.count <= GenAISpanMapping.maximumNameLength, "a name over the store's limit")
            precondition(event.durationMilliseconds >= 0 && event.durationMilliseconds.isFinite, "a bad duration")
            precondition(event.attributes.count <= GenAISpanMapping.maximumAttributes + 8, "attributes past the cap")
            for label in event.labels {
                precondition(label.value.utf8.count <= GenAISpanMapping.maximumLabelLength, "a label over the limit")
            }
            precondition(event.traceID?.utf8.count == 32 && event.spanID?.utf8.count == 16, "a bad identifier")
        }
        let message = OTLPTraceBatch.errorMessage(rejected: batch.rejectedSpans, reasons: batch.reasons)
        let answer = encoding.exportResponse(rejectedSpans: batch.rejectedSpans, errorMessage: message)
        precondition(answer.isEmpty == (batch.rejectedSpans == 0) || encoding == .json, "a partial success mislaid")
    }

    /// A `Content-Encoding: gzip` body. The first byte chooses the check: odd, the rest of the input is decoded as
    /// a body; even, the rest is cut into pieces (at bytes that are `0xFF`), each piece compressed as one gzip
    /// member, and the concatenated members must decode to the rest exactly, while the same members cut short
    /// inside a member must fail.
    package static func gzipBody(_ bytes: UnsafeRawBufferPointer, limit: Int = 1 << 20) {
        guard let mode = bytes.first else { return }
        let rest = UnsafeRawBufferPointer(rebasing: bytes.dropFirst())
        if mode & 1 == 1 {
            do {
                let output = try GzipBody.decode(ByteBuffer(bytes: rest), limit: limit)
                precondition(output.readableBytes <= limit, "a decoded body over the limit")
            } catch {
                precondition(!error.message.isEmpty, "a gzip error without a message")
            }
            return
        }
        var compressed = ByteBuffer()
        var boundaries: Set<Int> = [0]
        for piece in rest.split(separator: 0xFF, omittingEmptySubsequences: false) {
            var plain = ByteBuffer(bytes: piece)
            guard var member = try? plain.compress(with: .gzip()) else {
                preconditionFailure("CompressNIO failed to compress \(piece.count) bytes")
            }
            compressed.writeBuffer(&member)
            boundaries.insert(compressed.readableBytes)
        }
        let expected = ByteBuffer(bytes: rest.filter { $0 != 0xFF })
        do {
            let decoded = try GzipBody.decode(compressed, limit: limit)
            precondition(decoded == expected, "the members did not decode to their pieces")
        } catch {
            precondition(
                error.code == .tooLarge && expected.readableBytes > limit,
                "valid members were refused: \(error.message)"
            )
        }
        let cut = Int(mode >> 1) * compressed.readableBytes / 128
        guard !boundaries.contains(cut), let truncated = compressed.getSlice(at: 0, length: cut) else { return }
        if let decoded = try? GzipBody.decode(truncated, limit: limit) {
            preconditionFailure("a body cut at byte \(cut) inside a member decoded to \(decoded.readableBytes) bytes")
        }
    }

    /// A query string of the query routes (`event=x&label.model=~a.*&window=1h`), decoded as Hummingbird decodes
    /// a request's and parsed into query parameters; the time-series step count is computed as the route does.
    package static func queryString(_ bytes: UnsafeRawBufferPointer) {
        let text = String(decoding: bytes, as: UTF8.self)
        let head = HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/v1/stats?" + text)
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer()))
        let pairs = request.uri.queryParameters.map { (key: String($0.key), value: String($0.value)) }
        let now = Timestamp(nanosecondsSinceEpoch: 1_767_225_600_000_000_000)
        let parameters: QueryParameters
        do {
            parameters = try QueryParameters(pairs, now: now)
        } catch {
            precondition(!error.message.isEmpty, "a query error without a message")
            return
        }
        precondition(parameters.range.from < parameters.range.to, "an empty range was accepted")
        if let limit = parameters.limit {
            precondition((1...QueryParameters.maximumLimit).contains(limit), "a limit out of range")
        }
        precondition(parameters.quantiles.allSatisfy { $0 >= 0 && $0 <= 1 }, "a quantile out of 0...1")
        let step = parameters.step ?? .seconds(60)
        let steps = parameters.stepCount(step)
        precondition(steps > 0, "a time series without steps")
        _ = parameters.statsQuery("fuzz")
        // Label patterns (compiled when the matcher was made) run, as a store runs them, on a value that is hard
        // for backtracking.
        for matcher in parameters.matchers where matcher.isPattern {
            _ = matcher.matches(String(repeating: "a", count: 30) + "!")
            _ = matcher.matches(matcher.key)
        }
    }
}
