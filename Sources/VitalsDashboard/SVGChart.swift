import Vitals

/// Inline SVG charts: no script, no fonts fetched; lines differ by dash pattern as well as colour, and each chart
/// carries a text title and a legend.
package enum SVGChart {
    /// One line of a chart: a name for the legend and a value per step (`nil` where the step has no data).
    package struct Line: Sendable {
        package var name: String
        package var values: [Double?]

        package init(name: String, values: [Double?]) {
            self.name = name
            self.values = values
        }
    }

    /// Colours by CSS class (`l0`…`l3`, themed by the stylesheet) and a distinct dash pattern each.
    static let dashes = ["", "6 3", "2 3", "10 3 2 3"]

    /// A small trend line of `values`, 120×28, with `label` as its accessible title.
    package static func sparkline(_ values: [Double], label: String) -> String {
        let width = 120.0
        let height = 28.0
        let top = max(values.max() ?? 0, 1e-9)
        let points = values.enumerated().map { index, value in
            let x = values.count > 1 ? Double(index) / Double(values.count - 1) * width : width / 2
            let y = height - 2 - value / top * (height - 4)
            return "\(HTML.number(x)),\(HTML.number(y))"
        }
        return """
            <svg class="spark" viewBox="0 0 120 28" width="120" height="28" role="img" aria-label="\(Markup.escape(label))">\
            <title>\(Markup.escape(label))</title>\
            <polyline class="l0" fill="none" stroke-width="1.5" points="\(points.joined(separator: " "))"/></svg>
            """
    }

    /// A line chart of up to four lines sharing one y axis from zero, with the maximum written on the axis, the
    /// window's start and end under it, and a legend naming each line and its dash pattern.
    ///
    /// - Parameters:
    ///   - title: The chart's heading and accessible name.
    ///   - lines: The lines, equally long (one value per step).
    ///   - format: How the axis maximum is written (`Format.milliseconds`, …).
    ///   - start: The text under the left end.
    ///   - end: The text under the right end.
    package static func chart(
        title: String,
        lines: [Line],
        format: (Double) -> String,
        start: String,
        end: String
    ) -> String {
        let width = 560.0
        let height = 180.0
        let left = 64.0
        let plotWidth = width - left - 8
        let plotHeight = height - 28
        let top = max(lines.flatMap { $0.values.compactMap { $0 } }.max() ?? 0, 1e-9)
        var svg = """
            <figure class="chart"><figcaption>\(Markup.escape(title))</figcaption>\
            <svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(Markup.escape(title))">\
            <title>\(Markup.escape(title))</title>\
            <line class="axis" x1="\(left)" y1="8" x2="\(left)" y2="\(plotHeight + 8)"/>\
            <line class="axis" x1="\(left)" y1="\(plotHeight + 8)" x2="\(width - 8)" y2="\(plotHeight + 8)"/>\
            <text class="tick" x="\(left - 6)" y="14" text-anchor="end">\(Markup.escape(format(top)))</text>\
            <text class="tick" x="\(left - 6)" y="\(plotHeight + 8)" text-anchor="end">0</text>\
            <text class="tick" x="\(left)" y="\(height - 4)">\(Markup.escape(start))</text>\
            <text class="tick" x="\(width - 8)" y="\(height - 4)" text-anchor="end">\(Markup.escape(end))</text>
            """
        for (index, line) in lines.prefix(4).enumerated() {
            let count = line.values.count
            var path = ""
            var dots = ""
            var pen = "M"
            for (step, value) in line.values.enumerated() {
                guard let value else {
                    pen = "M"
                    continue
                }
                let x = left + (count > 1 ? Double(step) / Double(count - 1) : 0.5) * plotWidth
                let y = 8 + plotHeight - value / top * plotHeight
                path += "\(pen)\(HTML.number(x)) \(HTML.number(y)) "
                pen = "L"
                // A step with no neighbour draws no segment: a dot shows it.
                let alone =
                    (step == 0 || line.values[step - 1] == nil) && (step + 1 >= count || line.values[step + 1] == nil)
                if alone {
                    dots += "<circle class=\"l\(index)\" cx=\"\(HTML.number(x))\" cy=\"\(HTML.number(y))\" r=\"3\"/>"
                }
            }
            svg += """
                <path class="l\(index)" fill="none" stroke-width="2" stroke-dasharray="\(dashes[index])" \
                d="\(path)"/>\(dots)
                """
        }
        svg += "</svg><ul class=\"legend\">"
        for (index, line) in lines.prefix(4).enumerated() {
            svg += """
                <li><svg width="28" height="10" aria-hidden="true"><line class="l\(index)" x1="0" y1="5" x2="28" \
                y2="5" stroke-width="2" stroke-dasharray="\(dashes[index])"/></svg>\(Markup.escape(line.name))</li>
                """
        }
        return svg + "</ul></figure>"
    }
}
