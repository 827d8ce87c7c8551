import Vitals
package import VitalsStore

/// A table of raw events under a heading (the slowest or failed events of an operation, an agent's failures):
/// time, duration, status as a sign and a word, labels and the error text, every value escaped.
package enum EventTable {
    /// The heading and the table, or "None in this window."; with `names`, a first column gives each event's name.
    package static func render(_ title: String, _ events: [StoredEvent], names: Bool = false) -> String {
        var html = "<h2>\(Markup.escape(title))</h2>"
        guard !events.isEmpty else { return html + "<p class=\"muted\">None in this window.</p>" }
        html += "<table><thead><tr><th scope=\"col\">Time (UTC)</th>"
        if names { html += "<th scope=\"col\" class=\"text\">Event</th>" }
        html += """
            <th scope="col">Duration</th><th scope="col">Status</th>\
            <th scope="col">Labels</th><th scope="col">Error</th></tr></thead><tbody>
            """
        for stored in events {
            let event = stored.event
            let labels = event.labels.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let statusClass = event.status == .ok ? "status-ok" : "status-bad"
            let mark = event.status == .ok ? "✓" : "✗"
            html += "<tr><td>\(Markup.escape(stored.time.rfc3339))</td>"
            if names { html += "<td class=\"text\">\(Markup.escape(event.name))</td>" }
            html += """
                <td>\(Format.milliseconds(event.durationMilliseconds))</td>\
                <td class="\(statusClass)">\(mark) \(event.status.rawValue)</td>\
                <td>\(Markup.escape(labels))</td><td>\(Markup.escape(event.error ?? ""))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }
}
