/// Escaping for XML and HTML text and attribute values: the report's HTML and JUnit, and the dashboard's pages.
///
/// ```swift
/// Markup.escape("<script>")  // &lt;script&gt;
/// ```
package enum Markup {
    /// `&`, `<`, `>`, `"` and `'` as entities; control characters XML cannot hold are dropped.
    package static func escape(_ text: some StringProtocol) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default:
                if scalar.value < 0x20, scalar != "\n", scalar != "\t", scalar != "\r" { continue }
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
