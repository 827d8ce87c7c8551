import Foundation
import Testing
import Vitals

@Suite struct JSONLReaderTests {
    @Test func numbersLinesAndSkipsBlankOnes() throws {
        let text = "a\n\n  \t \nb\r\n\r\nc"
        try JSONLTest.withFile(text) { path in
            var reader = try JSONLReader(path: path)
            let lines = try JSONLTest.lines(&reader)
            #expect(lines.map(\.0) == [1, 4, 6])
            #expect(lines.map(\.1) == ["a", "b", "c"])
            #expect(reader.linesRead == 6)
            #expect(try reader.next() == nil)
        }
    }

    @Test(arguments: [1, 2, 3, 5, 7, 16, 64])
    func readsAcrossBufferBoundaries(maximumLineLength: Int) throws {
        // Lines of every length from 0 to 40 around tiny buffers: every split point gets exercised.
        var text = ""
        var expected: [(Int, String?)] = []
        for length in 0...40 {
            let line = String(repeating: "x", count: length) + (length % 3 == 0 ? "\r" : "")
            text += line + "\n"
            if length > 0 {
                expected.append((length + 1, length <= maximumLineLength ? String(line.prefix(length)) : nil))
            }
        }
        try JSONLTest.withFile(text) { path in
            var reader = try JSONLReader(path: path, bufferSize: 1, maximumLineLength: maximumLineLength)
            let lines = try JSONLTest.lines(&reader)
            #expect(lines.map(\.0) == expected.map(\.0))
            #expect(lines.map(\.1) == expected.map(\.1))
            #expect(reader.linesRead == 41)
        }
    }

    @Test func skipsALongLineWithoutLosingItsNeighbours() throws {
        let long = String(repeating: "y", count: 5000)
        try JSONLTest.withFile("first\n\(long)\nthird\n\(long)") { path in
            var reader = try JSONLReader(path: path, bufferSize: 64, maximumLineLength: 100)
            var seen: [String] = []
            var errors: [JSONLError] = []
            while let line = try reader.next() {
                if let error = line.error {
                    #expect(line.bytes.isEmpty)
                    errors.append(error)
                } else {
                    seen.append("\(line.number):" + String(decoding: line.bytes, as: UTF8.self))
                }
            }
            #expect(seen == ["1:first", "3:third"])
            #expect(errors.map(\.line) == [2, 4])
            #expect(errors.allSatisfy { $0.code == .lineTooLong && $0.file == path })
            #expect(errors.first?.description == "\(path):2: line is longer than the maximum of 100 bytes; skipped")
            #expect(reader.linesRead == 4)
        }
    }

    @Test func acceptsALineOfExactlyTheMaximumLength() throws {
        let exact = String(repeating: "z", count: 100)
        try JSONLTest.withFile("\(exact)\r\n\(exact)z\n\(exact)") { path in
            var reader = try JSONLReader(path: path, bufferSize: 1, maximumLineLength: 100)
            let lines = try JSONLTest.lines(&reader)
            #expect(lines.map(\.0) == [1, 2, 3])
            #expect(lines.map(\.1) == [exact, nil, exact])
        }
    }

    @Test func readsAFinalLineWithoutNewline() throws {
        try JSONLTest.withFile("one\ntwo") { path in
            var reader = try JSONLReader(path: path, bufferSize: 2, maximumLineLength: 8)
            let lines = try JSONLTest.lines(&reader)
            #expect(lines.map(\.1) == ["one", "two"])
            #expect(reader.linesRead == 2)
        }
        try JSONLTest.withFile("") { path in
            var reader = try JSONLReader(path: path)
            #expect(try reader.next() == nil)
            #expect(reader.linesRead == 0)
        }
    }

    @Test func readsFromAFileDescriptor() throws {
        try JSONLTest.withFile("x\ny\n") { path in
            let handle = try #require(FileHandle(forReadingAtPath: path))
            defer { try? handle.close() }
            var reader = JSONLReader(
                fileDescriptor: handle.fileDescriptor,
                name: "-",
                bufferSize: 1,
                maximumLineLength: 4
            )
            #expect(reader.name == "-")
            let lines = try JSONLTest.lines(&reader)
            #expect(lines.map(\.1) == ["x", "y"])
        }
    }

    @Test func namesTheFileWhenItCannotBeRead() throws {
        do {
            _ = try JSONLReader(path: "/nonexistent/vitals.jsonl")
            Issue.record("opening a missing file should fail")
        } catch {
            #expect(error.code == .readFailed)
            #expect(error.file == "/nonexistent/vitals.jsonl")
            #expect(error.description.contains("cannot open /nonexistent/vitals.jsonl: No such file or directory"))
        }
        var reader = try JSONLReader(path: FileManager.default.temporaryDirectory.path)
        #expect(throws: JSONLError.self) { try reader.next() }
    }

    @Test func decodesAFileKeepingGoodLinesAroundBadOnes() throws {
        let lines = [
            JSONLTest.seedLLMCall,  // 1
            #"{"event":"tool_call","tool":"ssh_exec","duration_ms""#,  // 2 truncated
            #"{"event":"x","duration_ms":"slow"}"#,  // 3 wrong type
            #"{"model":"m"}"#,  // 4 missing event
            "",  // 5 blank
            #"{"event":"x","start_ts":"2025-13-01T00:00:00Z"}"#,  // 6 bad timestamp
            #"{"event":"x","duration_ms":1e999}"#,  // 7 huge number
            #"{"event":"x","tags":[1]}"#,  // 8 nested
            #"{"event":"\ud800"}"#,  // 9 lone surrogate
            "INVALID",  // 10 placeholder for invalid UTF-8
            #"{"metric":"queue_depth","value":5}"#,  // 11
            JSONLTest.seedToolCall,  // 12, no newline at the end
        ]
        var bytes = Array(lines.joined(separator: "\n").utf8)
        let placeholder = Array("INVALID".utf8)
        let start = try #require(bytes.firstRange(of: placeholder))
        bytes.replaceSubrange(
            start,
            with: [0x7B, 0x22, 0x65, 0x76, 0x65, 0x6E, 0x74, 0x22, 0x3A, 0x22, 0xC3, 0x22, 0x7D]
        )
        try JSONLTest.withFile(bytes) { path in
            let file = try JSONLDecoder().decodeFile(atPath: path)
            #expect(file.entries.map(\.line) == [1, 11, 12])
            #expect(file.records.count == 3)
            #expect(file.errors.map(\.line) == [2, 3, 4, 6, 7, 8, 9, 10])
            #expect(file.errors.allSatisfy { $0.file == path })
            let reasons = file.errors.map(\.reason)
            #expect(reasons[0].contains("unexpected end of line"))
            #expect(reasons[1] == #"field "duration_ms": expected a number, found a string"#)
            #expect(reasons[2] == #"missing "event""#)
            #expect(reasons[3].contains(#"field "start_ts": invalid RFC 3339 timestamp"#))
            #expect(reasons[4].contains("number out of range"))
            #expect(reasons[5].contains("nested objects and arrays are not supported"))
            #expect(reasons[6].contains("lone surrogate"))
            #expect(reasons[7] == #"field "event": invalid UTF-8 at byte 11"#)
            #expect(
                file.errors[1].description == #"\#(path):3: field "duration_ms": expected a number, found a string"#
            )
        }
    }

    @Test func splitsAFileIntoRangesAtLineBreaks() throws {
        // Lines of varied length, some blank, one long, CRLF, no final newline.
        var text = ""
        for index in 0..<2000 {
            switch index % 97 {
            case 0: text += "\n"
            case 1: text += String(repeating: "L", count: 3000) + "\n"
            case 2: text += "line \(index)\r\n"
            default: text += "line \(index) " + String(repeating: "p", count: index % 50) + "\n"
            }
        }
        text += "last"
        // Split bytes, not characters: "\r\n" is a single Character.
        let allLines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        try JSONLTest.withFile(text) { path in
            for count in [1, 2, 3, 7, 16, 1000] {
                let ranges = try JSONLFileRanges(path: path, count: count, minimumRangeSize: 1024)
                #expect(ranges.fileSize == text.utf8.count)
                #expect(ranges.ranges.count <= count)
                #expect(ranges.ranges.first?.lowerBound == 0)
                #expect(ranges.ranges.last?.upperBound == text.utf8.count)
                for (left, right) in zip(ranges.ranges, ranges.ranges.dropFirst()) {
                    #expect(left.upperBound == right.lowerBound)
                    #expect(!left.isEmpty)
                }
                var lineCounts: [Int] = []
                var seen: [(Int, Int, String)] = []
                for index in ranges.ranges.indices {
                    var reader = try ranges.makeReader(for: index, bufferSize: 100, maximumLineLength: 5000)
                    while let line = try reader.next() {
                        seen.append((index, line.number, String(decoding: line.bytes, as: UTF8.self)))
                    }
                    lineCounts.append(reader.linesRead)
                }
                #expect(lineCounts.reduce(0, +) == allLines.count)
                let first = JSONLFileRanges.firstLineNumbers(lineCounts: lineCounts)
                #expect(first.first == 1)
                for (range, relative, content) in seen {
                    let global = first[range] + relative - 1
                    let expected = allLines[global - 1]
                    #expect(content == (expected.hasSuffix("\r") ? String(expected.dropLast()) : expected))
                }
                let nonBlank = allLines.filter { !$0.isEmpty }.count
                #expect(seen.count == nonBlank, "count \(count)")
            }
            let defaultSized = try JSONLFileRanges(path: path, count: 8)
            #expect(defaultSized.ranges.count == text.utf8.count / 65536, "ranges are 64 KiB or more by default")
        }
        try JSONLTest.withFile(String(repeating: "small line\n", count: 1000)) { path in
            let ranges = try JSONLFileRanges(path: path, count: 8)
            #expect(ranges.ranges == [0..<11_000])
        }
    }

    @Test func splitsEdgeCaseFiles() throws {
        try JSONLTest.withFile("") { path in
            let ranges = try JSONLFileRanges(path: path, count: 4)
            #expect(ranges.ranges.isEmpty)
            #expect(JSONLFileRanges.firstLineNumbers(lineCounts: []) == [])
        }
        try JSONLTest.withFile(String(repeating: "x", count: 10_000)) { path in
            let ranges = try JSONLFileRanges(path: path, count: 4, minimumRangeSize: 1)
            #expect(ranges.ranges == [0..<10_000])
        }
        try JSONLTest.withFile(String(repeating: "\n", count: 10)) { path in
            let ranges = try JSONLFileRanges(path: path, count: 10, minimumRangeSize: 1)
            #expect(ranges.ranges.count == 10)
            #expect(ranges.ranges.allSatisfy { $0.count == 1 })
        }
        #expect(throws: JSONLError.self) { try JSONLFileRanges(path: "/nonexistent/x.jsonl", count: 2) }
        #expect(throws: JSONLError.self) {
            try JSONLFileRanges(path: FileManager.default.temporaryDirectory.path, count: 2)
        }
    }
}
