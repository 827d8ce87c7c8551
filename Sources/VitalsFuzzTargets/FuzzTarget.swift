import VitalsServer

/// The fuzz targets: hostile-input parsers, each run on one input at a time with checks on what it answers.
///
/// `scripts/fuzz TARGET SECONDS` builds `VitalsFuzz` with libFuzzer and runs one of them; the committed seed
/// corpus (`Fuzz/corpus/TARGET/`) and the inputs of past findings (`Fuzz/regressions/TARGET/`) are replayed by
/// the tests of this module on every test run.
///
/// ```swift
/// bytes.withUnsafeBytes { FuzzTarget.gzip.run($0) }  // traps when a check fails
/// ```
package enum FuzzTarget: String, CaseIterable, Sendable {
    /// One JSONL line through `JSONLDecoder` (with an encode-decode round trip of what it accepts), and the same
    /// bytes as a `POST /v1/events` body split into lines or array elements.
    case jsonl
    /// A YAML rule file through the rule-file parser, then the rules it accepts evaluated over a few events.
    case rules
    /// A query string through the query routes' parameter parser, patterns compiled and run.
    case query
    /// A gzip body through the ingest route's decoder, and members built from the input that must round-trip.
    case gzip
    /// A `POST /v1/traces` body (protobuf or OTLP/JSON by the first byte) through the OTLP decoder and mapping.
    case otlp

    /// Runs one input; a failed check traps.
    package func run(_ input: UnsafeRawBufferPointer) {
        switch self {
        case .jsonl:
            JSONLFuzzing.line(input)
            ServerFuzzEntryPoints.ingestBody(input)
        case .rules:
            RulesFuzzing.file(input)
        case .query:
            ServerFuzzEntryPoints.queryString(input)
        case .gzip:
            ServerFuzzEntryPoints.gzipBody(input)
        case .otlp:
            ServerFuzzEntryPoints.otlpBody(input)
        }
    }
}
