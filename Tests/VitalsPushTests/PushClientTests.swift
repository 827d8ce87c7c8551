import Foundation
import Synchronization
import Testing
import VitalsPush

@Suite("vitals push against a real HTTP receiver", .timeLimit(.minutes(5)))
struct PushClientTests {
    func configuration(port: Int) -> PushConfiguration {
        var configuration = PushConfiguration.default
        configuration.serverURL = "http://127.0.0.1:\(port)"
        configuration.retry = PushRetryPolicy(baseDelay: .milliseconds(1), maximumDelay: .milliseconds(20))
        configuration.followPollInterval = .milliseconds(10)
        configuration.followFlushInterval = .milliseconds(50)
        return configuration
    }

    @Test func batchesByLineCountAndSkipsBlankLines() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let lines = eventLines(2_500)
        let path = try files.write(
            "a.jsonl",
            lines[..<10].joined(separator: "\n") + "\n\n  \n" + lines[10...].joined(separator: "\n")
        )
        let receiver = Receiver()
        let report = try await receiver.serve { port in
            try await PushClient(configuration: configuration(port: port)).push(files: [path])
        }
        #expect(receiver.requests.map(\.lines.count) == [1_000, 1_000, 500])
        #expect(Set(receiver.requests.compactMap(\.idempotencyKey)).count == 3, "a key of its own per batch")
        #expect(receiver.storedLines == lines)
        #expect(report.batches == 3)
        #expect(report.linesSent == 2_500)
        #expect(report.accepted == 2_500)
        #expect(report.rejectedCount == 0)
        #expect(report.retries == 0)
        #expect(receiver.requests.allSatisfy { $0.contentType == "application/x-ndjson" })
    }

    @Test func batchesByBytesAndRejectsLinesLongerThanABatchLocally() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let lines = eventLines(20)
        let long = #"{"event":"x","padding":""# + String(repeating: "p", count: 300) + #""}"#
        let path = try files.write("a.jsonl", (lines[..<5] + [long] + lines[5...]).joined(separator: "\n") + "\n")
        let receiver = Receiver()
        let report = try await receiver.serve { port in
            var configuration = configuration(port: port)
            configuration.maximumBatchBytes = 200
            configuration.gzip = false
            return try await PushClient(configuration: configuration).push(files: [path])
        }
        #expect(receiver.storedLines == lines)
        #expect(receiver.requests.count > 1)
        #expect(receiver.requests.allSatisfy { $0.bodyBytes <= 200 })
        #expect(report.linesSent == 20)
        #expect(report.rejectedCount == 1)
        #expect(report.rejections.first?.file == path)
        #expect(report.rejections.first?.line == 6)
        #expect(report.rejections.first?.reason.contains("longer than the batch limit") == true)
    }

    @Test func gzipBodiesDecodeToTheSameLines() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let lines = eventLines(300)
        let path = try files.write("a.jsonl", lines.joined(separator: "\n") + "\n")
        let receiver = Receiver()
        _ = try await receiver.serve { port in
            try await PushClient(configuration: configuration(port: port)).push(files: [path])
        }
        let request = try #require(receiver.requests.first)
        #expect(request.gzip)
        #expect(request.bodyBytes < lines.joined(separator: "\n").utf8.count / 2)
        #expect(request.lines == lines)

        let plain = Receiver()
        _ = try await plain.serve { port in
            var configuration = configuration(port: port)
            configuration.gzip = false
            return try await PushClient(configuration: configuration).push(files: [path])
        }
        #expect(plain.requests.first?.gzip == false)
        #expect(plain.requests.first?.lines == lines)
    }

    @Test func sendsTheTokenAsABearerHeader() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let path = try files.write("a.jsonl", eventLines(3).joined(separator: "\n"))
        let receiver = Receiver()
        _ = try await receiver.serve { port in
            var configuration = configuration(port: port)
            configuration.token = "s3cret"
            return try await PushClient(configuration: configuration).push(files: [path])
        }
        #expect(receiver.requests.map(\.authorization) == ["Bearer s3cret"])
    }

    @Test func retriesAfter503And429WithRetryAfterThenSucceeds() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let lines = eventLines(5)
        let path = try files.write("a.jsonl", lines.joined(separator: "\n"))
        let receiver = Receiver(script: [
            .status(503, body: #"{"error":"queue full"}"#, retryAfter: "0"),
            .status(429, retryAfter: "0"),
        ])
        let report = try await receiver.serve { port in
            try await PushClient(configuration: configuration(port: port)).push(files: [path])
        }
        #expect(receiver.requests.count == 3)
        #expect(receiver.requests.allSatisfy { $0.lines == lines })
        let keys = Set(receiver.requests.map(\.idempotencyKey))
        #expect(keys.count == 1 && keys.first??.isEmpty == false, "one key for the batch, the same on its retries")
        #expect(receiver.acknowledgedLines == lines)
        #expect(report.retries == 2)
        #expect(report.batches == 1)
        #expect(report.accepted == 5)
    }

    @Test func givesUpAfterTheLastAttemptWhenTheServerStaysOverloaded() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let path = try files.write("a.jsonl", eventLines(2).joined(separator: "\n"))
        let receiver = Receiver(script: Array(repeating: .status(503, retryAfter: "0"), count: 10))
        let error = try await receiver.serve { port in
            var configuration = configuration(port: port)
            configuration.retry.maximumAttempts = 3
            do {
                _ = try await PushClient(configuration: configuration).push(files: [path])
                return PushError?.none
            } catch {
                return error as? PushError
            }
        }
        #expect(error?.code == .unreachable)
        #expect(error?.status == 503)
        #expect(error?.message.contains("gave up after 3 attempts") == true)
        #expect(receiver.requests.count == 3)
    }

    @Test func retriesAfterConnectionRefusedUntilTheServerIsUp() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let lines = eventLines(4)
        let path = try files.write("a.jsonl", lines.joined(separator: "\n"))
        // A port that was free a moment ago; nothing listens on it until the receiver starts below.
        let port = try await Receiver().serve { $0 }
        var settings = configuration(port: port)
        settings.retry = PushRetryPolicy(
            baseDelay: .milliseconds(20),
            maximumDelay: .milliseconds(50),
            maximumAttempts: 1_000
        )
        let (retries, continuation) = AsyncStream.makeStream(of: Int.self)
        let client = PushClient(configuration: settings)
        let push = Task {
            try await client.push(files: [path]) { continuation.yield($0.retries) }
        }
        for await count in retries where count >= 1 { break }
        let receiver = Receiver()
        let report = try await receiver.serve(port: port) { _ in try await push.value }
        #expect(report.retries >= 1)
        #expect(report.accepted == 4)
        #expect(receiver.acknowledgedLines == lines)
    }

    @Test func giveUpOnARefusedConnectionAfterTheLastAttempt() async throws {
        let port = try await Receiver().serve { $0 }
        let files = try TemporaryFiles()
        defer { files.remove() }
        let path = try files.write("a.jsonl", eventLines(1)[0])
        var settings = configuration(port: port)
        settings.retry.maximumAttempts = 2
        await #expect {
            try await PushClient(configuration: settings).push(files: [path])
        } throws: { error in
            let error = error as? PushError
            return error?.code == .unreachable && error?.message.contains("gave up after 2 attempts") == true
        }
    }

    @Test func neverResendsABatchAnswered2xxEvenWithAnUnreadableAnswer() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let lines = eventLines(7)
        let path = try files.write("a.jsonl", lines.joined(separator: "\n"))
        let receiver = Receiver(script: [.garbage, .status(202, body: #"{"accepted":3}"#)])
        let report = try await receiver.serve { port in
            var configuration = configuration(port: port)
            configuration.batchSize = 3
            return try await PushClient(configuration: configuration).push(files: [path])
        }
        #expect(receiver.requests.map(\.lines.count) == [3, 3, 1])
        #expect(receiver.requests.flatMap(\.lines) == lines)
        #expect(report.batches == 3)
        #expect(report.linesSent == 7)
        #expect(report.accepted == 7)
        #expect(report.retries == 0)
    }

    @Test func stopsOn400WithTheServersMessage() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let path = try files.write("a.jsonl", eventLines(5).joined(separator: "\n"))
        let receiver = Receiver(script: [.status(400, body: #"{"error":"unreadable body: not gzip"}"#)])
        let error = try await receiver.serve { port in
            var configuration = configuration(port: port)
            configuration.batchSize = 2
            do {
                _ = try await PushClient(configuration: configuration).push(files: [path])
                return PushError?.none
            } catch {
                return error as? PushError
            }
        }
        let failure = try #require(error)
        #expect(failure.code == .requestRejected)
        #expect(failure.status == 400)
        #expect(failure.message.contains("400"))
        #expect(failure.message.contains("unreadable body: not gzip"))
        #expect(failure.report?.batches == 0)
        #expect(receiver.requests.count == 1)
    }

    @Test func stopsOn401AndNamesTheToken() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let path = try files.write("a.jsonl", eventLines(1)[0])
        let receiver = Receiver(script: [.status(401, body: #"{"error":"missing or invalid token"}"#)])
        await #expect {
            try await receiver.serve { port in
                try await PushClient(configuration: configuration(port: port)).push(files: [path])
            }
        } throws: { error in
            let error = error as? PushError
            return error?.code == .requestRejected && error?.message.contains("--token") == true
        }
        #expect(receiver.requests.count == 1)
    }

    @Test func mapsRejectedLinesBackToFileAndLine() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let first = try files.write(
            "first.jsonl",
            [#"{"event":"a"}"#, #"{"event":"b","bad":1}"#, "", #"{"event":"c"}"#].joined(separator: "\n")
        )
        let second = try files.write(
            "second.jsonl",
            [#"{"event":"d"}"#, #"{"event":"e"}"#, #"{"event":"f","bad":2}"#].joined(separator: "\n") + "\n"
        )
        let receiver = Receiver()
        let report = try await receiver.serve { port in
            var configuration = configuration(port: port)
            configuration.batchSize = 2
            return try await PushClient(configuration: configuration).push(files: [first, second])
        }
        #expect(report.linesSent == 6)
        #expect(report.accepted == 4)
        #expect(report.rejectedCount == 2)
        #expect(
            report.rejections.map(\.description) == [
                "\(first):2: field \"bad\" is not allowed",
                "\(second):3: field \"bad\" is not allowed",
            ]
        )
    }

    @Test func splitsABatchTheServerFindsTooLarge() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let lines = eventLines(9)
        let path = try files.write("a.jsonl", lines.joined(separator: "\n"))
        let receiver = Receiver(tooLargeAbove: 2)
        let report = try await receiver.serve { port in
            try await PushClient(configuration: configuration(port: port)).push(files: [path])
        }
        #expect(receiver.acknowledgedLines == lines)
        #expect(report.linesSent == 9)
        #expect(report.accepted == 9)
        #expect(report.rejectedCount == 0)
    }

    @Test func followSendsAppendedCompleteLinesUntilCancelled() async throws {
        let files = try TemporaryFiles()
        defer { files.remove() }
        let lines = eventLines(6)
        let path = try files.write("live.jsonl", lines[..<3].joined(separator: "\n") + "\n")
        let receiver = Receiver()
        let report = try await receiver.serve { port in
            let client = PushClient(configuration: configuration(port: port))
            let push = Task { try await client.push(files: [path], follow: true) }
            try await receiver.waitForAcknowledged(3)
            try files.append(path, lines[3...4].joined(separator: "\n") + "\n" + #"{"event":"half"#)
            try await receiver.waitForAcknowledged(5)
            push.cancel()
            return try await push.value
        }
        #expect(receiver.acknowledgedLines == Array(lines[..<5]))
        #expect(report.linesSent == 5)
        #expect(report.accepted == 5)
        #expect(report.interrupted == false)
    }

    @Test func rejectsBadArgumentsAndUnreadableFilesBeforeSending() async throws {
        var settings = PushConfiguration.default
        settings.serverURL = "ftp://example"
        await #expect {
            try await PushClient(configuration: settings).push(files: ["-"])
        } throws: { ($0 as? PushError)?.code == .invalidConfiguration }
        await #expect {
            try await PushClient().push(files: ["/nonexistent/vitals.jsonl"])
        } throws: { error in
            let error = error as? PushError
            return error?.code == .unreadableInput && error?.message.contains("/nonexistent/vitals.jsonl") == true
        }
        await #expect {
            try await PushClient().push(files: ["-"], follow: true)
        } throws: { ($0 as? PushError)?.code == .invalidConfiguration }
    }

    @Test func readsServerAndTokenFromTheEnvironment() {
        let configuration = PushConfiguration.fromEnvironment([
            "VITALS_SERVER": "http://10.0.0.1:9090", "VITALS_TOKEN": "abc",
        ])
        #expect(configuration.serverURL == "http://10.0.0.1:9090")
        #expect(configuration.token == "abc")
        #expect(PushConfiguration.fromEnvironment([:]).serverURL == "http://127.0.0.1:8080")
    }
}

@Suite("PushRetryPolicy")
struct PushRetryPolicyTests {
    @Test func fullJitterStaysUnderTheExponentialCeilingAndTheCap() {
        let policy = PushRetryPolicy.default
        for retry in 1...12 {
            let ceiling = min(30.0, 0.2 * Double(1 << (retry - 1)))
            for _ in 0..<50 {
                let delay = policy.delay(beforeRetry: retry)
                #expect(delay >= .zero)
                #expect(delay <= .milliseconds(Int64(ceiling * 1000) + 1))
            }
        }
    }

    @Test func honoursRetryAfterAsAFloor() {
        let policy = PushRetryPolicy.default
        for _ in 0..<50 {
            #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(5)) >= .seconds(5))
        }
        #expect(policy.delay(beforeRetry: 20, retryAfter: .seconds(120)) == .seconds(120))
        #expect(PushRetryPolicy.default.maximumAttempts == 8)
    }
}
