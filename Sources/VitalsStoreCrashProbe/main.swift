// The child process of the crash-safety test: ingests numbered batches into a SQLite store from several
// concurrent tasks and prints `ack N` after each batch's ingest call has returned, so the test knows which
// batches were acknowledged when it kills this process with SIGKILL.
//
// Usage: VitalsStoreCrashProbe DATABASE FIRST_BATCH BATCHES BATCH_SIZE
import Foundation
import Vitals
import VitalsSQLite
import VitalsStore

let arguments = CommandLine.arguments
guard arguments.count == 5, let firstBatch = Int(arguments[2]), let batches = Int(arguments[3]),
    let batchSize = Int(arguments[4])
else {
    FileHandle.standardError.write(Data("usage: VitalsStoreCrashProbe DATABASE FIRST_BATCH BATCHES BATCH_SIZE\n".utf8))
    exit(2)
}

/// Batch `number`: `size` events spread over a few agents and minutes, each carrying its batch number.
func batch(_ number: Int, size: Int) -> [Record] {
    let base: Int64 = 1_767_571_200_000_000_000
    let minute = Int64(number % 120) * 60_000_000_000
    var records: [Record] = []
    records.reserveCapacity(size)
    for index in 0..<size {
        let end = Timestamp(nanosecondsSinceEpoch: base + minute + Int64(index))
        let status: EventStatus = index % 13 == 0 ? .error : .ok
        var attributes = Attributes()
        attributes["batch"] = .int(Int64(number))
        attributes["seq"] = .int(Int64(index))
        attributes["prompt_tokens"] = .int(Int64(index % 11))
        let event = Event(
            name: "probe",
            end: end,
            durationMilliseconds: Double(index % 97) + 0.5,
            status: status,
            labels: ["agent_id": "agent-\(index % 7)"],
            attributes: attributes
        )
        records.append(.event(event))
    }
    return records
}

let lock = NSLock()
func acknowledge(_ number: Int) {
    lock.lock()
    defer { lock.unlock() }
    FileHandle.standardOutput.write(Data("ack \(number)\n".utf8))
}

let store = try await SQLiteStore.open(path: arguments[1])
let writers = 4
try await withThrowingTaskGroup(of: Void.self) { group in
    for writer in 0..<writers {
        group.addTask {
            for number in stride(from: firstBatch + writer, to: firstBatch + batches, by: writers) {
                _ = try await store.ingest(batch(number, size: batchSize))
                acknowledge(number)
            }
        }
    }
    try await group.waitForAll()
}
try await store.close()
FileHandle.standardOutput.write(Data("done\n".utf8))
