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
                return try await withTaskExecutorPreference(IngestExecutor.shared) {
                    try await self.ingest(request)
                }
            } catch let error as APIError {
                return error.response
            }
        }
    }

    /// `POST /v1/events`: the body (within the byte budget and its deadline), admission, decoding, one durable
    /// store batch, then the answer.
    func ingest(_ request: Request) async throws -> Response {
        let batchKey = try Self.batchKey(request)
        let maximumRecords = configuration.maxBatchRecords
        let (payload, reserved) = try await readPayload(request, processingFactor: 3) { bytes throws(APIError) in
            do throws(IngestBodyError) {
                return try IngestPayload(body: bytes, maximumRecords: maximumRecords)
            } catch {
                throw APIError(error.tooLarge ? .contentTooLarge : .badRequest, error.message)
            }
        }
        defer { leaveIngest(reserved) }
        let result = try await storeDurably(payload.records, batchKey: batchKey)
        var rejections = payload.rejections
        for rejection in result.rejected {
            rejections.append(.init(line: payload.lines[rejection.index], reason: rejection.reason))
        }
        if !result.rejected.isEmpty { rejections.sort { $0.line < $1.line } }
        let rejectedCount = payload.rejectedCount + result.rejected.count
        exposition.server.recordIngest(
            accepted: result.accepted,
            rejected: rejectedCount,
            storeSeconds: result.storeSeconds
        )
        return .json(
            Self.ingestAnswer(
                accepted: result.accepted,
                rejections: rejections,
                rejectedCount: rejectedCount,
                overflowed: result.overflowed,
                duplicate: result.duplicate
            )
        )
    }

    /// The `Idempotency-Key` header: 1 to 200 visible ASCII characters, or none.
    static func batchKey(_ request: Request) throws(APIError) -> String? {
        guard let value = request.headers[Self.idempotencyKey] else { return nil }
        guard (1...200).contains(value.utf8.count), value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError(
                .badRequest,
                "Idempotency-Key: expected 1 to 200 visible ASCII characters (a UUID per batch, the same on retries)"
            )
        }
        return value
    }

    static let idempotencyKey = HTTPFields.Element.Name("Idempotency-Key")!

    /// Gives back what ``readPayload(_:processingFactor:decode:)`` holds once the answer is made.
    func leaveIngest(_ reserved: Int) {
        ingestBudget.give(reserved)
        gate.leave()
        exposition.server.setQueueDepth(gate.depth)
    }

    /// Commits `records` to the store as one batch — durable when this returns — and records the accepted ones in
    /// the exposition; a 503 when the store fails (nothing of the batch was stored then). A batch whose key is
    /// stored already is a retry of one committed before: nothing is stored or recorded again (`duplicate`).
    func storeDurably(
        _ records: [Record],
        batchKey: String? = nil
    ) async throws -> (
        accepted: Int, rejected: [IngestResult.Rejection], overflowed: Int, storeSeconds: Double, duplicate: Bool
    ) {
        let storeStart = ContinuousClock.now
        var result = IngestResult()
        if !records.isEmpty {
            do {
                result = try await store.ingest(records, receivedAt: .now(), batchKey: batchKey)
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
        if result.duplicate {
            return (result.accepted, result.rejected, result.overflowed, storeSeconds, true)
        }
        if result.acceptedEvents + result.acceptedSamples > 0 { noteChange() }
        if !result.rejected.isEmpty {
            let rejectedIndices = Set(result.rejected.map(\.index))
            var accepted: [Record] = []
            accepted.reserveCapacity(records.count - rejectedIndices.count)
            for (index, record) in records.enumerated() where !rejectedIndices.contains(index) {
                accepted.append(record)
            }
            exposition.record(accepted)
        } else {
            exposition.record(records)
        }
        return (result.accepted, result.rejected, result.overflowed, storeSeconds, false)
    }

    /// Reads and decodes the body. On success the request holds a place in the ingest gate and the returned bytes
    /// of the ingest budget (the caller gives both back with ``leaveIngest(_:)``); the body itself is released
    /// before this returns.
    ///
    /// - Parameter processingFactor: The decoded form's size, in bodies: it is charged to the budget until the
    ///   answer.
    func readPayload<Payload>(
        _ request: Request,
        processingFactor: Int,
        decode: (UnsafeRawBufferPointer) throws(APIError) -> Payload
    ) async throws -> (Payload, Int) {
        var (body, reserved) = try await readBody(request)
        var admitted = false
        defer {
            if !admitted { ingestBudget.give(reserved) }
        }
        // Until the commit, decoded JSONL records take about twice the body (strings and lists of their own) and
        // the batch prepared for the store about once more; protobuf, being denser, grows more.
        let processing = processingFactor * body.readableBytes
        guard ingestBudget.take(processing) else {
            throw APIError(
                .serviceUnavailable,
                "the server holds as many ingest bytes as it may (\(ingestBudget.capacity)); retry after a second",
                headers: [.retryAfter: "1"]
            )
        }
        reserved += processing
        guard gate.enter() else {
            exposition.server.setQueueDepth(gate.depth)
            throw APIError(
                .serviceUnavailable,
                "the ingest queue is full (\(gate.capacity) requests in progress); retry after a second",
                headers: [.retryAfter: "1"]
            )
        }
        exposition.server.setQueueDepth(gate.depth)
        // Decoded in place: the body is not copied out of its buffer.
        let decoded = body.withUnsafeReadableBytes { bytes in
            Result { () throws(APIError) in try decode(bytes) }
        }
        body = ByteBuffer()
        switch decoded {
        case .success(let payload):
            admitted = true
            return (payload, reserved)
        case .failure(let error):
            gate.leave()
            exposition.server.setQueueDepth(gate.depth)
            throw error
        }
    }

    /// The body, within the size limit (also after gzip), the byte budget and its deadline, with the budget bytes
    /// it holds; or a 413/415/400/408/503 answer.
    private func readBody(_ request: Request) async throws -> (ByteBuffer, Int) {
        let limit = configuration.maxBodyBytes
        let tooLarge = APIError(
            .contentTooLarge,
            "the body is larger than the limit of \(limit) bytes; send smaller batches"
        )
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw tooLarge }
        let reader = BodyReader(limit: limit, budget: ingestBudget, timeout: configuration.bodyTimeout)
        var buffer: ByteBuffer
        var reserved: Int
        do {
            (buffer, reserved) = try await reader.read(request.body)
        } catch BodyReader.Failure.tooLarge {
            throw tooLarge
        } catch BodyReader.Failure.overBudget {
            throw APIError(
                .serviceUnavailable,
                "the server holds as many ingest bytes as it may (\(ingestBudget.capacity)); retry after a second",
                headers: [.retryAfter: "1", .connection: "close"]
            )
        } catch BodyReader.Failure.tooSlow(let received) {
            throw APIError(
                .requestTimeout,
                "the body arrived too slowly (\(received) bytes in \(configuration.bodyTimeout) plus one second per "
                    + "64 KiB); send the whole body at once",
                headers: [.connection: "close"]
            )
        }
        do {
            try decompressBody(&buffer, request)
        } catch {
            ingestBudget.give(reserved)
            throw error
        }
        // A decompressed body is charged for what it grew to; the compressed one is gone.
        if buffer.capacity > reserved {
            guard ingestBudget.take(buffer.capacity - reserved) else {
                ingestBudget.give(reserved)
                throw APIError(
                    .serviceUnavailable,
                    "the server holds as many ingest bytes as it may (\(ingestBudget.capacity)); retry after a second",
                    headers: [.retryAfter: "1"]
                )
            }
            reserved = buffer.capacity
        }
        return (buffer, reserved)
    }

    /// Decompresses a gzip body in place (the result is within the size limit too).
    private func decompressBody(_ buffer: inout ByteBuffer, _ request: Request) throws {
        let limit = configuration.maxBodyBytes
        switch request.headers[.contentEncoding]?.lowercased() {
        case nil, "identity":
            break
        case "gzip", "x-gzip":
            do {
                buffer = try GzipBody.decode(buffer, limit: limit)
            } catch {
                throw APIError(error.code == .tooLarge ? .contentTooLarge : .badRequest, error.message)
            }
        case let other?:
            throw APIError(.unsupportedMediaType, "Content-Encoding \(other) is not supported; expected gzip or none")
        }
    }

    /// `{"accepted":N,"rejected":[{"line":L,"reason":"…"}],"rejected_count":R,"overflowed":O}`; at most 1,000
    /// rejections are listed, `rejected_count` counts them all.
    static func ingestAnswer(
        accepted: Int,
        rejections: [IngestPayload.Rejection],
        rejectedCount: Int,
        overflowed: Int,
        duplicate: Bool = false
    ) -> [UInt8] {
        var json = JSONWriter(capacity: 96 + 64 * min(rejections.count, IngestPayload.listedRejections))
        json.beginObject()
        json.integer("accepted", accepted)
        json.beginArray("rejected")
        for rejection in rejections.prefix(IngestPayload.listedRejections) {
            json.beginObject()
            json.integer("line", rejection.line)
            json.string("reason", rejection.reason)
            json.endObject()
        }
        json.endArray()
        json.integer("rejected_count", rejectedCount)
        json.integer("overflowed", overflowed)
        if duplicate { json.bool("duplicate", true) }
        json.endObject()
        return json.bytes
    }
}
