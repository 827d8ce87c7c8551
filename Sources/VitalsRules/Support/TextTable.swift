/// Plain-text tables with columns padded to their widest cell.
enum TextTable {
    /// Lines of the table: header, a rule of dashes, then rows. Columns in `rightAligned` are right-aligned.
    static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: max(0, widths[index] - cell.count))
                parts.append(rightAligned.contains(index) ? padding + cell : cell + padding)
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var lines = [line(header), line(widths.map { String(repeating: "-", count: $0) })]
        for row in rows { lines.append(line(row)) }
        return lines
    }
}
