extension EventSummary {
    /// Adds an event from the ``EventFacts`` of its line, finding its operation, model and tool from the
    /// line's bytes; `event` decodes the whole line, and is called only when the event joins the slowest or
    /// the failed list. The result is the same as adding the decoded event.
    mutating func add(
        _ facts: EventFacts,
        in line: UnsafeRawBufferPointer,
        groupKeys: GroupKeyPlan,
        file: String,
        line number: Int,
        fileIndex: Int,
        event: () -> Event?
    ) {
        eventCount &+= 1
        let operation = operationPosition(facts, line, groupKeys)
        operationValues.update(at: operation) {
            $0.add(durationMilliseconds: facts.durationMilliseconds, status: facts.status)
        }
        if let model = facts.model {
            let position = modelBytes.position(of: Self.bytes(model, line)) {
                modelValues.position(of: Self.string(model, line))
            }
            modelValues.update(at: position) {
                $0.add(facts.usage, durationMilliseconds: facts.durationMilliseconds, status: facts.status)
            }
        }
        if let tool = facts.tool {
            let position = toolBytes.position(of: Self.bytes(tool, line)) {
                toolValues.position(of: Self.string(tool, line))
            }
            toolValues.update(at: position) {
                $0.add(facts.usage, durationMilliseconds: facts.durationMilliseconds, status: facts.status)
            }
        }
        let isSlow = joinsSlowest(facts.durationMilliseconds)
        let isListedFailure = facts.status.isFailure && failed.count < options.failedLimit
        if facts.status.isFailure { failedCount &+= 1 }
        guard isSlow || isListedFailure, let event = event() else { return }
        let reference = Self.reference(to: event, file: file, line: number, fileIndex: fileIndex)
        if isSlow { pushSlowest(reference) }
        if isListedFailure { failed.append(reference) }
    }

    /// The operation's position: found from the name's bytes, or from the name and the `--by` values joined
    /// by zero bytes (which a JSON string cannot hold unescaped, and escaped values never get here).
    @inline(__always)
    private mutating func operationPosition(
        _ facts: EventFacts,
        _ line: UnsafeRawBufferPointer,
        _ groupKeys: GroupKeyPlan
    ) -> Int {
        if groupKeys.count == 0 {
            return operationBytes.position(of: Self.bytes(facts.name, line)) {
                operationValues.position(of: GroupKey(name: Self.string(facts.name, line)))
            }
        }
        // The reused buffer is moved out while its bytes are looked up (the lookup mutates `self`), then back.
        var key = groupKeyBytes
        groupKeyBytes = []
        key.removeAll(keepingCapacity: true)
        key.append(contentsOf: Self.bytes(facts.name, line))
        for index in 0..<groupKeys.count {
            key.append(0)
            if groupKeys.isStatus[index] {
                key.append(contentsOf: facts.status.rawValue.utf8)
            } else if let span = facts.groupValues[index] {
                key.append(contentsOf: Self.bytes(span, line))
            }
        }
        let position = key.withUnsafeBytes { bytes in
            operationBytes.position(of: bytes) {
                let values = (0..<groupKeys.count).map { index -> String in
                    if groupKeys.isStatus[index] { return facts.status.rawValue }
                    return facts.groupValues[index].map { Self.string($0, line) } ?? ""
                }
                return operationValues.position(of: GroupKey(name: Self.string(facts.name, line), labelValues: values))
            }
        }
        groupKeyBytes = key
        return position
    }

    @inline(__always)
    private static func bytes(_ span: EventFacts.Span, _ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: line[span.start..<span.end])
    }

    private static func string(_ span: EventFacts.Span, _ line: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes(span, line), as: UTF8.self)
    }
}
