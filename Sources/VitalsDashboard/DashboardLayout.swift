import Vitals

/// The frame of every page: head with the embedded stylesheet, the navigation, the window selector, the content.
package enum DashboardLayout {
    /// The sections of the navigation.
    enum Section: String {
        case overview = "Overview"
        case operations = "Operations"
        case agents = "Agents"
        case pipeline = "Pipeline"
        case tools = "Tools"
        case alerts = "Alerts"
    }

    /// A whole page.
    ///
    /// - Parameters:
    ///   - title: The page's heading (plain text; escaped here).
    ///   - section: The navigation entry marked current.
    ///   - window: The window shown; the selector links keep the page and change only `window=`.
    ///   - path: This page's path, for the selector's links (already percent-encoded).
    ///   - query: Other query parameters to keep in the selector's links, percent-encoded `key=value` pairs.
    ///   - live: Whether the page subscribes to `/v1/stream` (of its window, or of the shortest for a page
    ///     without one): its `data-live` figures follow every update, and its content is fetched again when the
    ///     store took a batch or the number of active alerts changed.
    ///   - body: The content, already HTML.
    ///   - script: A script to run after the content.
    static func page(
        title: String,
        section: Section?,
        window: DashboardWindow?,
        path: String,
        query: [String] = [],
        live: Bool = true,
        body: String,
        script: String? = nil
    ) -> String {
        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">\
            <title>\(Markup.escape(title)) · Vitals</title><style>\(DashboardAssets.style)</style></head>\
            <body\(live ? " data-live-window=\"\((window ?? .fifteenMinutes).rawValue)\"" : "")>\
            <header><a class="brand" href="/">Vitals</a><nav aria-label="Sections"><ul>
            """
        let sections: [(Section, String)] = [
            (.overview, "/"), (.operations, "/operations"), (.agents, "/agents"), (.pipeline, "/pipeline"),
            (.tools, "/tools"), (.alerts, "/alerts"),
        ]
        for (entry, href) in sections {
            let current = entry == section ? " aria-current=\"page\"" : ""
            let target = window.map { entry == .alerts ? href : "\(href)?window=\($0.rawValue)" } ?? href
            html += "<li><a href=\"\(target)\"\(current)>\(entry.rawValue)</a></li>"
        }
        html += "</ul></nav>"
        if let window {
            html += "<nav aria-label=\"Time window\"><ul>"
            for option in DashboardWindow.allCases {
                let current = option == window ? " aria-current=\"true\"" : ""
                let parameters = (["window=\(option.rawValue)"] + query).joined(separator: "&amp;")
                html += """
                    <li><a href="\(path)?\(parameters)"\(current) title="\(option.title)">\(option.rawValue)</a></li>
                    """
            }
            html += "</ul></nav>"
        }
        if live {
            html +=
                "<span id=\"live-status\" class=\"live\" role=\"status\" aria-live=\"polite\">Live: connecting…</span>"
        }
        html += "</header><main><h1>\(Markup.escape(title))</h1>\(body)</main>"
        if live { html += "<script>\(DashboardAssets.liveScript)</script>" }
        if let script { html += "<script>\(script)</script>" }
        return html + "</body></html>"
    }

    /// The page of a bad request: what was wrong, and a way back.
    package static func errorPage(_ error: DashboardError) -> String {
        page(
            title: "Bad request",
            section: nil,
            window: nil,
            path: "/",
            live: false,
            body: """
                <p class="error" role="alert"><strong>Error:</strong> \(Markup.escape(error.message))</p>\
                <p><a href="/">Back to the overview</a></p>
                """
        )
    }

    /// A card: a label and a value, the value optionally updated live under `key`.
    static func card(_ label: String, _ value: String, live key: String? = nil, note: String? = nil) -> String {
        let attribute = key.map { " data-live=\"\($0)\"" } ?? ""
        let noteHTML = note.map { "<div class=\"muted\">\(Markup.escape($0))</div>" } ?? ""
        return """
            <div class="card"><div class="label">\(Markup.escape(label))</div>\
            <div class="value"\(attribute)>\(Markup.escape(value))</div>\(noteHTML)</div>
            """
    }
}
