import Testing

@testable import Vitals

@Suite struct JSONWriterTests {
    private func document(indented: Bool) -> String {
        var json = JSONWriter(indented: indented)
        json.beginObject()
        json.string("name", "a \"quoted\"\nline")
        json.number("ratio", 0.25)
        json.number("count", 3)
        json.number("nan", .nan)
        json.beginArray("empty")
        json.endArray()
        json.beginArray("items")
        json.bool(nil, true)
        json.beginObject(nil)
        json.null("x")
        json.endObject()
        json.endArray()
        json.endObject()
        return json.text
    }

    @Test func compactByDefault() {
        #expect(
            document(indented: false)
                == #"{"name":"a \"quoted\"\nline","ratio":0.25,"count":3,"nan":null,"empty":[],"items":[true,{"x":null}]}"#
        )
    }

    @Test func indentedPutsEveryMemberOnItsLine() {
        let expected = """
            {
              "name": "a \\"quoted\\"\\nline",
              "ratio": 0.25,
              "count": 3,
              "nan": null,
              "empty": [],
              "items": [
                true,
                {
                  "x": null
                }
              ]
            }
            """
        #expect(document(indented: true) == expected)
    }
}
