import Foundation
import Vitals
import VitalsStore

/// The delivery's durable state in the ``StateStore``, one kind per record type, bodies in JSON.
enum DeliveryRecords {
    /// A notification waiting to be delivered, keyed by its id.
    static let outboxKind = "outbox"
    /// The notification log: a notification done with (delivered, held back, dropped or given up), keyed by its
    /// id.
    static let sentKind = "sent"
    /// A receiver's hourly cap: its recent sends and what the cap held back, keyed by the receiver's name.
    static let capKind = "cap"

    /// A notification in the outbox with its retry state.
    struct OutboxEntry: Codable, Sendable {
        var notification: AlertNotification
        /// The order of queueing, across restarts.
        var sequence: Int64
        var enqueuedAt: Timestamp
        var failures: Int
        var nextAttemptAt: Timestamp

        var id: String { notification.id }
        var receiver: String { notification.receiver }
    }

    /// One line of the notification log.
    struct SentRecord: Codable, Sendable {
        /// What became of a notification.
        enum Outcome: String, Codable, Sendable {
            case delivered
            case heldBack = "held_back"
            case dropped
            case expired
        }

        var receiver: String
        /// When it was done with.
        var sentAt: Timestamp
        var outcome: Outcome
    }

    /// A receiver's hourly cap.
    struct CapRecord: Codable, Sendable {
        /// When the notifications of the last hour went out.
        var sentAt: [Timestamp] = []
        /// The titles of the notifications held back since the last message, oldest first.
        var heldBack: [String] = []
        /// Held back beyond the lines kept, summarised in one last line.
        var heldBackOmitted = 0

        /// Lines kept at most: a day of a flapping alert, not an unbounded record.
        static let maximumLines = 1_000

        mutating func holdBack(_ title: String) {
            if heldBack.count < Self.maximumLines {
                heldBack.append(title)
            } else {
                heldBackOmitted += 1
            }
        }

        /// The lines the next message carries.
        var lines: [String] {
            heldBackOmitted == 0 ? heldBack : heldBack + ["…and \(heldBackOmitted) more held back"]
        }

        /// Forgets the first `count` of ``lines``: they went out.
        mutating func delivered(lines count: Int) {
            if count > heldBack.count { heldBackOmitted = 0 }
            heldBack.removeFirst(min(count, heldBack.count))
        }

        /// Forgets sends older than the hour before `now`.
        mutating func forgetSends(before cutoff: Timestamp) {
            sentAt.removeAll { $0 <= cutoff }
        }
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        Array(try JSONEncoder().encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ entry: StateEntry) throws -> T {
        try JSONDecoder().decode(type, from: Data(entry.body))
    }
}
