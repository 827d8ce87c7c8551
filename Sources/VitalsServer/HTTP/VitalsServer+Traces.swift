import Hummingbird
import NIOCore
import Vitals
import VitalsExposition
import VitalsStore

extension VitalsServer {
    /// The budget bytes a protobuf body is charged for its decoding, in bodies: a span of a few hundred protobuf
    /// bytes decodes to an event several times its size (hex ids, keys and values as strings of their own).
    static let otlpProcessingFactor = 6

    func addTraceRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/traces") { request, _ in
            // An unknown Content-Type gets its Status in JSON: it is the one encoding every client can read.
            let encoding = OTLPEncoding(contentType: request.headers[.contentType])
            do {
                return try await withTaskExecutorPreference(IngestExecutor.shared) {
                    try await self.ingestTraces(request, encoding: encoding)
                }
            } catch let error as APIError {
                let encoding = encoding ?? .json
                return Response.bodyResponse(
                    encoding.status(httpStatus: Int(error.status.code), message: error.message),
                    contentType: encoding.contentType,
                    status: error.status,
                    headers: error.headers
                )
            }
        }
    }

    /// `POST /v1/traces`: OTLP/HTTP spans in protobuf or JSON (gzip allowed) become events through the GenAI
    /// mapping and go through the same admission, budget and durable store batch as `POST /v1/events`. The answer
    /// is an `ExportTraceServiceResponse` in the request's encoding, with `partial_success` when spans were rejected.
    func ingestTraces(_ request: Request, encoding: OTLPEncoding?) async throws -> Response {
        guard let encoding else {
            let given = request.headers[.contentType].map { "Content-Type \($0) is" } ?? "a missing Content-Type is"
            throw APIError(
                .unsupportedMediaType,
                "\(given) not supported; expected application/x-protobuf or application/json (OTLP/HTTP)"
            )
        }
        let maximumSpans = configuration.maxBatchRecords
        let factor = encoding == .protobuf ? Self.otlpProcessingFactor : 3
        let (batch, reserved) = try await readPayload(request, processingFactor: factor) { bytes throws(APIError) in
            do throws(IngestBodyError) {
                switch encoding {
                case .protobuf: return try OTLPTraceBatch(protobuf: bytes, maximumSpans: maximumSpans)
                case .json: return try OTLPTraceBatch(json: bytes, maximumSpans: maximumSpans)
                }
            } catch {
                throw APIError(error.tooLarge ? .contentTooLarge : .badRequest, error.message)
            }
        }
        defer { leaveIngest(reserved) }
        let result = try await storeDurably(batch.records)
        var reasons = batch.reasons
        for rejection in result.rejected.prefix(max(0, OTLPTraceBatch.listedReasons - reasons.count)) {
            reasons.append("span \(batch.spanNumbers[rejection.index]): \(rejection.reason)")
        }
        let rejected = batch.rejectedSpans + result.rejected.count
        exposition.server.recordIngest(accepted: result.accepted, rejected: rejected, storeSeconds: result.storeSeconds)
        return Response.bodyResponse(
            encoding.exportResponse(
                rejectedSpans: rejected,
                errorMessage: OTLPTraceBatch.errorMessage(rejected: rejected, reasons: reasons)
            ),
            contentType: encoding.contentType
        )
    }
}
