import Vitals

/// The exporter's bounded queue of encoded lines, oldest first; the head batch stays in it while it is sent, so
/// that the bound counts what is in flight too.
struct ExportQueue: Sendable {
    private var lines: [[UInt8]] = []
    private var head = 0
    var statistics = VitalsExporter.Statistics()

    var count: Int { lines.count - head }

    /// Adds `line` unless `limit` lines are held already; returns the new count, or `nil` when it was dropped.
    mutating func append(_ line: [UInt8], limit: Int) -> Int? {
        statistics.recorded += 1
        guard count < limit else {
            statistics.dropped += 1
            return nil
        }
        lines.append(line)
        return count
    }

    /// The oldest lines that make one batch: at most `maximumLines`, and at most `maximumBytes` with their line
    /// breaks (but always the first line, which the sender rejects alone when it is too large).
    func batch(maximumLines: Int, maximumBytes: Int) -> PendingBatch {
        var batch = PendingBatch()
        var index = head
        while index < lines.count, batch.lineCount < maximumLines {
            let line = lines[index]
            if !batch.isEmpty, batch.body.count + line.count + 1 > maximumBytes { break }
            batch.append(line, origin: .init(file: 0, line: index - head + 1))
            index += 1
        }
        return batch
    }

    /// Removes the `done` oldest lines.
    mutating func removeFirst(_ done: Int) {
        head += min(done, count)
        // Compact once the consumed prefix dominates, so the array does not grow for ever.
        if head == lines.count {
            lines.removeAll(keepingCapacity: lines.count <= 4_096)
            head = 0
        } else if head > 1_024 && head * 2 > lines.count {
            lines.removeFirst(head)
            head = 0
        }
    }
}
