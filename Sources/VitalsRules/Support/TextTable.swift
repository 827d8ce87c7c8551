import Vitals

/// Plain-text tables with a header and a rule of dashes, drawn by the core's one table renderer
/// (``TextFormatting/table(_:rightAligned:indent:)``, which the summary uses too).
enum TextTable {
    /// Lines of the table: header, a rule of dashes, then rows. Columns in `rightAligned` are right-aligned.
    static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
        var widths = [Int](repeating: 0, count: ([header] + rows).map(\.count).max() ?? 0)
        for row in [header] + rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        let rule = widths.map { String(repeating: "-", count: $0) }
        let text = TextFormatting.table([header, rule] + rows, rightAligned: rightAligned)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}
