import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VitalsStore

@testable import VitalsServer

@Suite("Bearer tokens and scopes")
struct AccessTests {
    static func fixture() async throws -> ServerFixture {
        try await ServerFixture {
            $0.tokens = [
                AccessToken(token: "ingest-secret", scopes: [.ingest]),
                AccessToken(token: "read-secret", scopes: [.read]),
                AccessToken(token: "admin-secret", scopes: [.admin]),
            ]
        }
    }

    @Test("401 without a token or with an unknown one, 403 with the wrong scope, 200 with the right one")
    func scopes() async throws {
        try await Self.fixture().test { client in
            let none = try await client.post("/v1/events", llmCalls(1))
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate] != nil)
            #expect(
                try await client.post("/v1/events", llmCalls(1), headers: [.authorization: "Bearer ingest-secreT"])
                    .status == .unauthorized
            )
            #expect(
                try await client.post("/v1/events", llmCalls(1), headers: [.authorization: "Basic abc"]).status
                    == .unauthorized
            )
            let wrongScope = try await client.post(
                "/v1/events",
                llmCalls(1),
                headers: [.authorization: "Bearer read-secret"]
            )
            #expect(wrongScope.status == .forbidden)
            #expect(try (wrongScope.json["error"] as? String)?.contains("ingest") == true)
            #expect(
                try await client.post("/v1/events", llmCalls(1), headers: [.authorization: "Bearer ingest-secret"])
                    .status == .ok
            )
            #expect(
                try await client.post("/v1/events", llmCalls(1), headers: [.authorization: "bearer admin-secret"])
                    .status == .ok
            )

            #expect(try await client.get("/v1/stats?event=llm_call").status == .unauthorized)
            #expect(
                try await client.get("/v1/stats?event=llm_call", headers: [.authorization: "Bearer ingest-secret"])
                    .status == .forbidden
            )
            let read = try await client.get("/v1/stats?event=llm_call", headers: [.authorization: "Bearer read-secret"])
            #expect(read.status == .ok)
            #expect(try (read.json["series"] as? [[String: Any]])?.first?["count"] as? Int == 2)
            #expect(try await client.get("/metrics", headers: [.authorization: "Bearer read-secret"]).status == .ok)
            #expect(try await client.get("/metrics").status == .unauthorized)
        }
    }

    @Test("health probes need no token")
    func healthIsOpen() async throws {
        try await Self.fixture().test { client async throws in
            #expect(try await client.get("/health").status == .ok)
            #expect(try await client.get("/health/live").status == .ok)
            #expect(try await client.get("/health/ready").status == .ok)
        }
    }

    @Test("tokens compare in full: a prefix, an extension or an empty token never matches")
    func constantTimeComparison() {
        let verifier = TokenVerifier([AccessToken(token: "abcdef", scopes: [.read])])
        #expect(verifier.verify("abcdef")?.token == "abcdef")
        #expect(verifier.verify("abcde") == nil)
        #expect(verifier.verify("abcdefg") == nil)
        #expect(verifier.verify("") == nil)
        #expect(verifier.verify("abcdeF") == nil)
        #expect(!TokenVerifier([]).isEnabled)
    }
}
