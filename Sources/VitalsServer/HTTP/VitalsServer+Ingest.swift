import CompressNIO
import Hummingbird
import Logging
import NIOCore
import Vitals
import VitalsExposition
import VitalsStore

extension VitalsServer {
    func addIngestRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/events") { request, _ in
            do {
                return try await self.ingest(request)
            } catch let error as APIError {
                return error.response
            }
        }
    }

    /// `POST /v1/events`: admission, body limits, decoding, one durable store batch, then the answer.
    func ingest(_ request: Request) async throws -> Response {
        guard gate.enter() else {
            exposition.server.setQueueDepth(gate.depth)
            throw APIError(
                .serviceUnavailable,
                "the ingest queue is full (\(gate.capacity) requests in progress); retry after a second",
                headers: [.retryAfter: "1"]
            )
        }
        defer {
            gate.leave()
            exposition.server.setQueueDepth(gate.depth)
        }
        exposition.server.setQueueDepth(gate.depth)
        let body = try await readBody(request)
        // Decoded in place: the body is not copied out of its buffer.
        let decoded = body.withUnsafeReadableBytes { bytes in
            Result { () throws(IngestBodyError) in try IngestPayload(body: bytes) }
        }
        let payload: IngestPayload
        switch decoded {
        case .success(let value): payload = value
        case .failure(let error): throw APIError(.badRequest, error.message)
        }
        let storeStart = ContinuousClock.now
        var result = IngestResult()
        if !payload.records.isEmpty {
            do {
                result = try await store.ingest(payload.records, receivedAt: .now())
            } catch {
                logger.error("ingest: the store failed", metadata: ["error": "\(error)"])
                throw APIError(
                    .serviceUnavailable,
                    "the store could not commit the batch (\(error)); nothing of it was stored, retry later",
                    headers: [.retryAfter: "5"]
                )
            }
        }
        let elapsed = ContinuousClock.now - storeStart
        let storeSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var rejections = payload.rejections
        if !result.rejected.isEmpty {
            var rejectedIndices = Set<Int>()
            for rejection in result.rejected {
                rejectedIndices.insert(rejection.index)
                rejections.append(.init(line: payload.lines[rejection.index], reason: rejection.reason))
            }
            rejections.sort { $0.line < $1.line }
            var accepted: [Record] = []
            accepted.reserveCapacity(payload.records.count - rejectedIndices.count)
            for (index, record) in payload.records.enumerated() where !rejectedIndices.contains(index) {
                accepted.append(record)
            }
            exposition.record(accepted)
        } else {
            exposition.record(payload.records)
        }
        exposition.server.recordIngest(
            accepted: result.accepted,
            rejected: rejections.count,
            storeSeconds: storeSeconds
        )
        return .json(
            Self.ingestAnswer(accepted: result.accepted, rejections: rejections, overflowed: result.overflowed)
        )
    }

    /// The body, within the size limit (also after gzip), or a 413/415/400 answer.
    private func readBody(_ request: Request) async throws -> ByteBuffer {
        let limit = configuration.maxBodyBytes
        let tooLarge = APIError(
            .contentTooLarge,
            "the body is larger than the limit of \(limit) bytes; send smaller batches"
        )
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw tooLarge }
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
        switch request.headers[.contentEncoding]?.lowercased() {
        case nil, "identity":
            break
        case "gzip", "x-gzip":
            do {
                buffer = try buffer.decompress(with: .gzip(), maxSize: limit)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw APIError(
                    .contentTooLarge,
                    "the body is larger than the limit of \(limit) bytes once decompressed; send smaller batches"
                )
            } catch {
                throw APIError(
                    .badRequest,
                    "the body is not valid gzip (\(error)); expected Content-Encoding: gzip to match the body"
                )
            }
        case let other?:
            throw APIError(.unsupportedMediaType, "Content-Encoding \(other) is not supported; expected gzip or none")
        }
        return buffer
    }

    /// `{"accepted":N,"rejected":[{"line":L,"reason":"…"}],"rejected_count":R,"overflowed":O}`; at most 1,000
    /// rejections are listed, `rejected_count` counts them all.
    static func ingestAnswer(accepted: Int, rejections: [IngestPayload.Rejection], overflowed: Int) -> [UInt8] {
        var json = JSONWriter(capacity: 96 + 64 * min(rejections.count, 1_000))
        json.beginObject()
        json.integer("accepted", accepted)
        json.beginArray("rejected")
        for rejection in rejections.prefix(1_000) {
            json.beginObject()
            json.integer("line", rejection.line)
            json.string("reason", rejection.reason)
            json.endObject()
        }
        json.endArray()
        json.integer("rejected_count", rejections.count)
        json.integer("overflowed", overflowed)
        json.endObject()
        return json.bytes
    }
}
