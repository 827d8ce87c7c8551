import Foundation

/// The body of the server's 2xx answer to `POST /v1/events`.
struct IngestAnswer: Sendable, Decodable {
    struct Rejected: Sendable, Decodable {
        var line: Int
        var reason: String
    }

    var accepted: Int?
    var rejected: [Rejected]?
    var rejectedCount: Int?
    var overflowed: Int?

    enum CodingKeys: String, CodingKey {
        case accepted
        case rejected
        case rejectedCount = "rejected_count"
        case overflowed
    }

    /// The answer in `bytes`; an unreadable body of a 2xx counts every line accepted, since the server
    /// acknowledged the batch and sending it again would store it twice.
    static func decode(_ bytes: [UInt8]?, lineCount: Int) -> IngestAnswer {
        guard let bytes, let answer = try? JSONDecoder().decode(IngestAnswer.self, from: Data(bytes)) else {
            return IngestAnswer(accepted: lineCount, rejected: [], rejectedCount: 0, overflowed: 0)
        }
        return answer
    }

    /// The `error` text of a failure's JSON body, or the body itself shortened, or `nil` when empty.
    static func errorMessage(_ bytes: [UInt8]?) -> String? {
        guard let bytes, !bytes.isEmpty else { return nil }
        struct Failure: Decodable { var error: String }
        if let failure = try? JSONDecoder().decode(Failure.self, from: Data(bytes)) { return failure.error }
        let text = String(decoding: bytes.prefix(300), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
