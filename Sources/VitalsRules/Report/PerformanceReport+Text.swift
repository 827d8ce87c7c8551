import Vitals

extension PerformanceReport {
    /// Plain text: a title, then each section with padded tables.
    func renderText() -> String {
        var lines = [title, String(repeating: "=", count: title.count)]
        for section in sections {
            lines.append("")
            lines.append(section.title)
            lines.append(String(repeating: "-", count: section.title.count))
            lines += section.lines
            if !section.header.isEmpty {
                lines += TextTable.lines(header: section.header, rows: section.rows)
            }
            lines += section.bullets.map { "- \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// GitHub-flavoured Markdown: headings, pipe tables and bullet lists.
    func renderMarkdown() -> String {
        var lines = ["# \(title)"]
        for section in sections {
            lines.append("")
            lines.append("## \(section.title)")
            lines.append("")
            if !section.lines.isEmpty {
                lines += section.lines.map { "\($0)  " }
                lines.append("")
            }
            if !section.header.isEmpty {
                lines += TextTable.markdown(header: section.header, rows: section.rows)
                lines.append("")
            }
            lines += section.bullets.map { "- \($0)" }
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }
}
