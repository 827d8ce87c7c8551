/// Builds a JSON document into bytes, by hand, in a fixed key order, with numbers in their shortest exact form
/// and non-finite numbers as `null`: the server's answers, the alerting state and the command line's `json`
/// formats are written with it.
///
/// ```swift
/// var json = JSONWriter(indented: true)
/// json.beginObject()
/// json.string("verdict", "pass")
/// json.endObject()
/// // {
/// //   "verdict": "pass"
/// // }
/// ```
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]
    private let indented: Bool

    /// A writer; `indented` puts every member on its own line, two spaces deeper per level, with `": "` after
    /// keys (empty containers stay `{}` and `[]`).
    package init(capacity: Int = 1_024, indented: Bool = false) {
        bytes.reserveCapacity(capacity)
        self.indented = indented
    }

    /// The document as text.
    package var text: String { String(decoding: bytes, as: UTF8.self) }

    package mutating func beginObject(_ key: String? = nil) { open(key, UInt8(ascii: "{")) }
    package mutating func endObject() { close(UInt8(ascii: "}")) }
    package mutating func beginArray(_ key: String? = nil) { open(key, UInt8(ascii: "[")) }
    package mutating func endArray() { close(UInt8(ascii: "]")) }

    package mutating func string(_ key: String?, _ value: String) {
        separate(key)
        append(JSONText.quoted(value))
    }

    /// A string, or `null` when there is none.
    package mutating func optionalString(_ key: String?, _ value: String?) {
        if let value { string(key, value) } else { null(key) }
    }

    package mutating func number(_ key: String?, _ value: Double?) {
        separate(key)
        append(value.map(JSONText.number) ?? "null")
    }

    package mutating func integer(_ key: String?, _ value: some BinaryInteger) {
        separate(key)
        append(String(value))
    }

    package mutating func bool(_ key: String?, _ value: Bool) {
        separate(key)
        append(value ? "true" : "false")
    }

    package mutating func null(_ key: String?) {
        separate(key)
        append("null")
    }

    /// A JSON text produced elsewhere (an encoded event).
    package mutating func raw(_ key: String?, _ json: [UInt8]) {
        separate(key)
        bytes.append(contentsOf: json)
    }

    package mutating func labels(_ key: String, _ labels: Labels) {
        beginObject(key)
        for element in labels { string(element.key, element.value) }
        endObject()
    }

    private mutating func open(_ key: String?, _ bracket: UInt8) {
        separate(key)
        bytes.append(bracket)
        needsComma.append(false)
    }

    private mutating func close(_ bracket: UInt8) {
        let hadMembers = needsComma.removeLast()
        if indented, hadMembers { newLine() }
        bytes.append(bracket)
    }

    private mutating func separate(_ key: String?) {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
        if indented, needsComma.count > 1 { newLine() }
        if let key {
            append(JSONText.quoted(key))
            bytes.append(UInt8(ascii: ":"))
            if indented { bytes.append(UInt8(ascii: " ")) }
        }
    }

    /// A line break and the indentation of the current depth.
    private mutating func newLine() {
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * (needsComma.count - 1)))
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }
}
