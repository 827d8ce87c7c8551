import Hummingbird
import NIOCore
import Vitals

/// An error answer of the API: a status and `{"error":"message"}`.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    var response: Response {
        var json = JSONWriter(capacity: message.utf8.count + 16)
        json.beginObject()
        json.string("error", message)
        json.endObject()
        return Response.json(json.bytes, status: status, headers: headers)
    }
}

extension Response {
    /// A JSON answer.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        bodyResponse(bytes, contentType: "application/json", status: status, headers: headers)
    }

    static func bodyResponse(
        _ bytes: [UInt8],
        contentType: String,
        status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:]
    ) -> Response {
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
