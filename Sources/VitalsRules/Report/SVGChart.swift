import Vitals

/// Inline SVG charts for the HTML report: no scripts, no fonts to fetch, readable when printed.
enum SVGChart {
    /// One bar: label on the left, bar scaled to the largest value, text at its end.
    struct Bar {
        var label: String
        var value: Double
        var text: String
        var color: String
    }

    /// Horizontal bars, one per item, scaled to `maximum` (the largest value when `nil`).
    static func bars(
        _ bars: [Bar],
        maximum: Double? = nil,
        width: Int = 560,
        labelWidth: Int = 170,
        textWidth: Int = 150
    ) -> String {
        let rowHeight = 22
        let height = max(rowHeight, bars.count * rowHeight) + 4
        let largest = maximum ?? bars.map(\.value).max() ?? 1
        let scale = largest > 0 ? Double(width - labelWidth - textWidth) / largest : 0
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\""
        svg += " role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">"
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight + 2
            let length = max(1, Int((max(0, bar.value) * scale).rounded()))
            svg +=
                "<text x=\"\(labelWidth - 6)\" y=\(quoted(y + 15)) text-anchor=\"end\">\(Markup.escape(clip(bar.label)))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\(quoted(y + 3)) width=\(quoted(length)) height=\"16\" rx=\"2\""
            svg += " fill=\"\(bar.color)\"/>"
            svg += "<text x=\(quoted(labelWidth + length + 5)) y=\(quoted(y + 15))>\(Markup.escape(bar.text))</text>"
        }
        return svg + "</svg>"
    }

    /// A line of (x, y) points with axes, an optional straight trend line (slope per x unit through the
    /// median point) and an optional horizontal limit.
    static func line(
        _ points: [(x: Double, y: Double)],
        slope: Double?,
        limit: Double?,
        unit: String,
        width: Int = 560,
        height: Int = 220
    ) -> String {
        guard let firstX = points.map(\.x).min(), let lastX = points.map(\.x).max(), lastX > firstX else { return "" }
        let left = 48.0
        let bottom = Double(height) - 24
        let top = 10.0
        let right = Double(width) - 10
        var low = points.map(\.y).min()!
        var high = points.map(\.y).max()!
        if let limit {
            low = min(low, limit)
            high = max(high, limit)
        }
        if high == low { high = low + 1 }
        let padding = (high - low) * 0.08
        low -= padding
        high += padding
        func px(_ x: Double) -> Double { left + (x - firstX) / (lastX - firstX) * (right - left) }
        func py(_ y: Double) -> Double { bottom - (y - low) / (high - low) * (bottom - top) }
        func number(_ value: Double) -> String { NumberText.format(value, decimals: 1) }
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\""
        svg += " role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<line x1=\"\(number(left))\" y1=\"\(number(bottom))\" x2=\"\(number(right))\" y2=\"\(number(bottom))\""
        svg += " stroke=\"#999\"/><line x1=\"\(number(left))\" y1=\"\(number(top))\" x2=\"\(number(left))\""
        svg += " y2=\"\(number(bottom))\" stroke=\"#999\"/>"
        for fraction in [0.0, 0.5, 1.0] {
            let value = low + (high - low) * fraction
            svg += "<text x=\"\(number(left - 4))\" y=\"\(number(py(value) + 4))\" text-anchor=\"end\">"
            svg += "\(NumberText.format(value, decimals: 1))</text>"
        }
        svg += "<text x=\"\(number(left))\" y=\"\(height - 6)\">0 s</text>"
        svg +=
            "<text x=\"\(number((left + right) / 2))\" y=\"\(height - 6)\" text-anchor=\"middle\">\(Markup.escape(unit))</text>"
        svg += "<text x=\"\(number(right))\" y=\"\(height - 6)\" text-anchor=\"end\">"
        svg += "\(NumberText.duration(milliseconds: (lastX - firstX) * 1000))</text>"
        if let limit {
            svg += "<line x1=\"\(number(left))\" y1=\"\(number(py(limit)))\" x2=\"\(number(right))\""
            svg += " y2=\"\(number(py(limit)))\" stroke=\"#c62828\" stroke-dasharray=\"6 4\"/>"
            svg +=
                "<text x=\"\(number(right - 4))\" y=\"\(number(py(limit) - 4))\" text-anchor=\"end\" fill=\"#c62828\">"
            svg += "limit \(NumberText.format(limit, decimals: 1))</text>"
        }
        let path = points.sorted { $0.x < $1.x }.map { "\(number(px($0.x))),\(number(py($0.y)))" }
        svg +=
            "<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"\(path.joined(separator: " "))\"/>"
        if let slope {
            let ys = points.map(\.y).sorted()
            let xs = points.map(\.x).sorted()
            let medianY = ys[ys.count / 2]
            let medianX = xs[xs.count / 2]
            let startY = medianY + slope * (firstX - medianX)
            let endY = medianY + slope * (lastX - medianX)
            svg += "<line x1=\"\(number(px(firstX)))\" y1=\"\(number(py(startY)))\" x2=\"\(number(px(lastX)))\""
            svg += " y2=\"\(number(py(endY)))\" stroke=\"#f9a825\" stroke-width=\"2\"/>"
        }
        return svg + "</svg>"
    }

    private static func quoted(_ value: Int) -> String { "\"\(value)\"" }

    private static func clip(_ text: String) -> String {
        text.count > 28 ? String(text.prefix(27)) + "…" : text
    }
}
