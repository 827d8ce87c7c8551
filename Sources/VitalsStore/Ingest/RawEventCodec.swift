package import Vitals

/// One event as a raw row: the columns queries filter and sort on, and a compact binary `detail` holding the
/// rest (start time, error text, trace links, labels and attributes).
///
/// Label values that are already in the event's series are left out of the detail and put back from the
/// series when the event is read, so the labels of a million events are stored once per series, not a million
/// times. Events folded into the `__overflow__` series keep everything in their detail.
package struct RawEventRow: Sendable {
    /// When the event ended (the time it is bucketed and retained by), nanoseconds since the epoch.
    package var time: Int64
    package var durationMilliseconds: Double
    package var status: EventStatus
    package var detail: [UInt8]

    package init(time: Int64, durationMilliseconds: Double, status: EventStatus, detail: [UInt8]) {
        self.time = time
        self.durationMilliseconds = durationMilliseconds
        self.status = status
        self.detail = detail
    }
}

extension EventStatus {
    /// The integer stored in the `status` column.
    package var storedCode: Int {
        switch self {
        case .ok: return 0
        case .error: return 1
        case .timeout: return 2
        case .cancelled: return 3
        }
    }

    /// The status of a stored code; unknown codes read as `.error` so a newer writer's outcome still counts as
    /// a failure.
    package init(storedCode: Int) {
        switch storedCode {
        case 0: self = .ok
        case 2: self = .timeout
        case 3: self = .cancelled
        default: self = .error
        }
    }
}

/// Encodes and decodes ``RawEventRow/detail``.
package enum RawEventCodec {
    private static let version: UInt8 = 1

    private enum Flag {
        static let start: UInt8 = 1
        static let end: UInt8 = 2
        static let error: UInt8 = 4
        static let traceID: UInt8 = 8
        static let spanID: UInt8 = 16
        static let parentSpanID: UInt8 = 32
    }

    private enum Tag {
        static let label: UInt8 = 0
        static let string: UInt8 = 1
        static let int: UInt8 = 2
        static let double: UInt8 = 3
        static let bool: UInt8 = 4
    }

    /// The keys a detail may leave out because the series holds them: identity labels that are series labels,
    /// and other series label keys taken from string attributes (`status` is never omitted: it is the outcome).
    package struct OmittedKeys: Sendable {
        package var labels: Set<String>
        package var attributes: Set<String>

        package init(seriesLabelKeys: [String]) {
            let identity = Set(WireKey.identityLabels)
            labels = Set(seriesLabelKeys).intersection(identity)
            attributes = Set(seriesLabelKeys).subtracting(identity).subtracting([WireKey.status])
        }
    }

    /// The detail of `event`. With `omitting` set, series label values are left out (the series holds them);
    /// pass `nil` for events whose series does not carry their labels (the overflow series).
    package static func encode(_ event: Event, omitting omitted: OmittedKeys?) -> [UInt8] {
        let labels = event.labels.elements
        let attributes = event.attributes.elements
        var omittedLabels: UInt64 = 0
        var omittedAttributes: UInt64 = 0
        if let omitted, labels.count <= 64, attributes.count <= 64 {
            for (index, label) in labels.enumerated() where omitted.labels.contains(label.key) {
                omittedLabels |= 1 << UInt64(index)
            }
            for (index, attribute) in attributes.enumerated() {
                guard case .string = attribute.value, omitted.attributes.contains(attribute.key),
                    !labels.contains(where: { $0.key == attribute.key })
                else { continue }
                omittedAttributes |= 1 << UInt64(index)
            }
        }
        return encode(
            event,
            labels: labels,
            attributes: attributes,
            omittedLabels: omittedLabels,
            omittedAttributes: omittedAttributes
        )
    }

    /// The detail of `event`, leaving out the labels and attributes whose bit is set in the masks (bit `i` for
    /// element `i`; lists longer than 64 entries must pass 0).
    ///
    /// Takes the label and attribute arrays read once by the caller: going through the list's generic
    /// accessors per key costs more than the rest of the encoding.
    package static func encode(
        _ event: Event,
        labels: [Labels.Element],
        attributes: [Attributes.Element],
        omittedLabels: UInt64,
        omittedAttributes: UInt64
    ) -> [UInt8] {
        var writer = ByteWriter(capacity: 128)
        writer.write(version)
        var flags: UInt8 = 0
        if event.start != nil { flags |= Flag.start }
        if event.end != nil { flags |= Flag.end }
        if event.error != nil { flags |= Flag.error }
        if event.traceID != nil { flags |= Flag.traceID }
        if event.spanID != nil { flags |= Flag.spanID }
        if event.parentSpanID != nil { flags |= Flag.parentSpanID }
        writer.write(flags)
        if let start = event.start { writer.write(start.nanosecondsSinceEpoch) }
        if let error = event.error { writer.write(error) }
        if let traceID = event.traceID { writer.write(traceID) }
        if let spanID = event.spanID { writer.write(spanID) }
        if let parentSpanID = event.parentSpanID { writer.write(parentSpanID) }
        let kept = labels.count - omittedLabels.nonzeroBitCount + attributes.count - omittedAttributes.nonzeroBitCount
        writer.writeVarint(UInt64(kept))
        for (index, label) in labels.enumerated() where omittedLabels & (1 << UInt64(index & 63)) == 0 {
            writer.write(Tag.label)
            writer.write(label.key)
            writer.write(label.value)
        }
        for (index, attribute) in attributes.enumerated() where omittedAttributes & (1 << UInt64(index & 63)) == 0 {
            switch attribute.value {
            case .string(let text):
                writer.write(Tag.string)
                writer.write(attribute.key)
                writer.write(text)
            case .int(let number):
                writer.write(Tag.int)
                writer.write(attribute.key)
                writer.write(number)
            case .double(let number):
                writer.write(Tag.double)
                writer.write(attribute.key)
                writer.write(number)
            case .bool(let flag):
                writer.write(Tag.bool)
                writer.write(attribute.key)
                writer.write(UInt8(flag ? 1 : 0))
            }
        }
        return writer.bytes
    }

    /// The event of a stored row: its detail plus the labels of its series.
    ///
    /// A series label goes back where the event had it: its labels when the detail does not hold the key and the
    /// key is an identity label, else its attributes (as text); `status` is the event's outcome, not a label.
    package static func decode(
        _ row: RawEventRow,
        series: SeriesKey
    ) throws(ByteReader.Malformed) -> Event {
        var reader = ByteReader(row.detail)
        guard try reader.readByte() == version else { throw ByteReader.Malformed(offset: 0) }
        let flags = try reader.readByte()
        let start = flags & Flag.start != 0 ? Timestamp(nanosecondsSinceEpoch: try reader.readInt64()) : nil
        let end = flags & Flag.end != 0 ? Timestamp(nanosecondsSinceEpoch: row.time) : nil
        let error = flags & Flag.error != 0 ? try reader.readString() : nil
        let traceID = flags & Flag.traceID != 0 ? try reader.readString() : nil
        let spanID = flags & Flag.spanID != 0 ? try reader.readString() : nil
        let parentSpanID = flags & Flag.parentSpanID != 0 ? try reader.readString() : nil
        var labels = Labels()
        var attributes = Attributes()
        let count = try reader.readVarint()
        guard count <= UInt64(row.detail.count) else { throw ByteReader.Malformed(offset: reader.offset) }
        for _ in 0..<count {
            let tag = try reader.readByte()
            let key = try reader.readString()
            switch tag {
            case Tag.label: labels[key] = try reader.readString()
            case Tag.string: attributes[key] = .string(try reader.readString())
            case Tag.int: attributes[key] = .int(try reader.readInt64())
            case Tag.double: attributes[key] = .double(try reader.readDouble())
            case Tag.bool: attributes[key] = .bool(try reader.readByte() != 0)
            default: throw ByteReader.Malformed(offset: reader.offset)
            }
        }
        if !series.isOverflow {
            for label in series.labels where label.key != WireKey.status {
                guard labels[label.key] == nil, attributes[label.key] == nil else { continue }
                if WireKey.identityLabels.contains(label.key) {
                    labels[label.key] = label.value
                } else {
                    attributes[label.key] = .string(label.value)
                }
            }
        }
        return Event(
            name: series.name,
            start: start,
            end: end,
            durationMilliseconds: row.durationMilliseconds,
            status: row.status,
            error: error,
            labels: labels,
            attributes: attributes,
            traceID: traceID,
            spanID: spanID,
            parentSpanID: parentSpanID
        )
    }
}
