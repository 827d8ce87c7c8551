import Testing
import VitalsExposition

@Suite("Exposition format")
struct ExpositionFormatTests {
    @Test(
        "Accept picks OpenMetrics only when asked for",
        arguments: [
            (nil, ExpositionFormat.prometheus),
            ("", .prometheus),
            ("*/*", .prometheus),
            ("text/plain", .prometheus),
            ("text/plain;version=0.0.4", .prometheus),
            ("application/json", .prometheus),
            ("application/openmetrics-text", .openMetrics),
            ("Application/OpenMetrics-Text; version=1.0.0", .openMetrics),
            (
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                    + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
                .openMetrics
            ),
            ("text/plain;q=0.9, application/openmetrics-text;q=0.5", .prometheus),
            ("application/openmetrics-text;q=0", .prometheus),
        ] as [(String?, ExpositionFormat)]
    )
    func accept(header: String?, expected: ExpositionFormat) {
        #expect(ExpositionFormat(accept: header) == expected)
    }

    @Test("content types")
    func contentTypes() {
        #expect(ExpositionFormat.prometheus.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(
            ExpositionFormat.openMetrics.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8"
        )
    }
}
