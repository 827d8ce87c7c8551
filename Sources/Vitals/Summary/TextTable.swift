/// The one renderer of the command line's tables: `vitals summary`, `check`, `compare`, `report` and `alerts`
/// draw their plain-text and Markdown tables with it, so that columns are padded and cells escaped one way.
///
/// ```swift
/// let text = TextTable.render(header: ["operation", "p95"], rows: [["llm_call", "2.1s"]], rightAligned: [1])
/// // operation  p95
/// // ---------  ----
/// // llm_call   2.1s
/// ```
package enum TextTable {
    /// Rows as a table with columns two spaces apart; columns in `rightAligned` are padded on the left, trailing
    /// spaces are dropped, and every line (each prefixed with `indent`) ends in a newline.
    package static func render(_ rows: [[String]], rightAligned: Set<Int> = [], indent: String = "") -> String {
        let widths = columnWidths(rows)
        var output = ""
        for row in rows {
            var line = indent
            for (column, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                if column > 0 { line += "  " }
                line += rightAligned.contains(column) ? padding + cell : cell + padding
            }
            while line.last == " " { line.removeLast() }
            output += line + "\n"
        }
        return output
    }

    /// A header, a rule of dashes as wide as each column, then the rows (see ``render(_:rightAligned:indent:)``).
    package static func render(
        header: [String],
        rows: [[String]],
        rightAligned: Set<Int> = [],
        indent: String = ""
    ) -> String {
        let rule = columnWidths([header] + rows).map { String(repeating: "-", count: $0) }
        return render([header, rule] + rows, rightAligned: rightAligned, indent: indent)
    }

    /// The lines of ``render(header:rows:rightAligned:indent:)``, without their newlines.
    package static func lines(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
        render(header: header, rows: rows, rightAligned: rightAligned)
            .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// A GitHub-flavoured Markdown pipe table: the header, its `| --- |` line, then the rows, every cell escaped
    /// with ``markdownCell(_:)``.
    package static func markdown(header: [String], rows: [[String]]) -> [String] {
        func line(_ cells: [String]) -> String { "| " + cells.map(markdownCell).joined(separator: " | ") + " |" }
        return [line(header), "|" + String(repeating: " --- |", count: header.count)] + rows.map(line)
    }

    /// A Markdown table cell: pipes escaped, line breaks flattened.
    package static func markdownCell(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "|": output += "\\|"
            case "\n": output += " "
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    private static func columnWidths(_ rows: [[String]]) -> [Int] {
        var widths = [Int](repeating: 0, count: rows.map(\.count).max() ?? 0)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        return widths
    }
}
