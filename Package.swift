// swift-tools-version:6.2

import PackageDescription

let package = Package(
    name: "vitals",
    products: [
        .library(name: "Vitals", targets: ["Vitals"]),
        .library(name: "VitalsStore", targets: ["VitalsStore"]),
        .library(name: "VitalsSQLite", targets: ["VitalsSQLite"]),
        .library(name: "VitalsPostgres", targets: ["VitalsPostgres"]),
        .library(name: "VitalsRules", targets: ["VitalsRules"]),
        .library(name: "VitalsExposition", targets: ["VitalsExposition"]),
        .library(name: "VitalsAlerting", targets: ["VitalsAlerting"]),
        .library(name: "VitalsServer", targets: ["VitalsServer"]),
        .library(name: "VitalsHTTPClient", targets: ["VitalsHTTPClient"]),
        .library(name: "VitalsPush", targets: ["VitalsPush"]),
        .library(name: "VitalsIntegrations", targets: ["VitalsIntegrations"]),
        .executable(name: "vitals", targets: ["VitalsCLI"]),
        .executable(name: "vitals-example-worker", targets: ["VitalsExampleWorker"]),
        .executable(name: "vitals-example-bot", targets: ["VitalsExampleBot"]),
        .executable(name: "vitals-example-pipeline", targets: ["VitalsExamplePipeline"]),
        .executable(name: "vitals-example-fleet", targets: ["VitalsExampleFleet"]),
        .executable(name: "vitals-example-mcp-tools", targets: ["VitalsExampleMCPTools"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
    ],
    targets: [
        // Clock reads and a per-thread stripe number, as inline C so the hot path stays a few instructions.
        .target(name: "CVitalsShims"),
        .target(
            name: "Vitals",
            dependencies: [
                "CVitalsShims",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The store protocol, series identity, buckets, rollups and query planning shared by every backend.
        .target(
            name: "VitalsStore",
            dependencies: [
                "Vitals",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "VitalsSQLite",
            dependencies: [
                "Vitals",
                "VitalsStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "VitalsPostgres",
            dependencies: [
                "Vitals",
                "VitalsStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // A child process for the crash-safety test: ingests batches and reports each acknowledged one.
        .executableTarget(
            name: "VitalsStoreCrashProbe",
            dependencies: ["Vitals", "VitalsStore", "VitalsSQLite"]
        ),
        // Rule language, evaluation, analyses and reports; Yams stays out of the core module.
        .target(
            name: "VitalsRules",
            dependencies: [
                "Vitals",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Prometheus text 0.0.4 and OpenMetrics 1.0 exposition of events, gauges and the server's own metrics.
        .target(name: "VitalsExposition", dependencies: ["Vitals"]),
        .target(
            name: "VitalsAlerting",
            dependencies: [
                "Vitals",
                "VitalsStore",
                "VitalsRules",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The dashboard's pages as HTML with embedded CSS, SVG and a little JavaScript, rendered from the store's query
        // API and the rules' report; no Hummingbird here, the server registers the routes.
        .target(name: "VitalsDashboard", dependencies: ["Vitals", "VitalsStore", "VitalsRules"]),
        // The Hummingbird application of `vitals serve`: ingest, query API, /metrics, /health, the demo fleet.
        .target(
            name: "VitalsServer",
            dependencies: [
                "CVitalsShims",
                "Vitals",
                "VitalsStore",
                "VitalsRules",
                "VitalsAlerting",
                "VitalsExposition",
                "VitalsDashboard",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Vitals as an HTTP client: the GET of the server's declared `http:` health checks and the POST of alert
        // notifications. AsyncHTTPClient (with TLS and HTTP/2) stays out of VitalsServer, which answers HTTP but never
        // asks, and out of VitalsAlerting, which posts through its NotificationTransport protocol.
        .target(
            name: "VitalsHTTPClient",
            dependencies: [
                "VitalsServer",
                "VitalsStore",
                "VitalsAlerting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // `vitals push` and the in-process exporter: batches, retries with backoff and jitter, never resends an
        // acknowledged batch.
        .target(
            name: "VitalsPush",
            dependencies: [
                "Vitals",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The doors in from the Swift server ecosystem: a swift-metrics backend, a swift-log handler and a
        // swift-distributed-tracing tracer. A leaf: the core stays free of these packages, and only the executable,
        // tests and benchmarks depend on it.
        .target(
            name: "VitalsIntegrations",
            dependencies: [
                "Vitals",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ]
        ),
        .executableTarget(
            name: "VitalsCLI",
            dependencies: [
                "CVitalsShims",
                "Vitals",
                "VitalsStore",
                "VitalsSQLite",
                "VitalsPostgres",
                "VitalsRules",
                "VitalsAlerting",
                "VitalsServer",
                "VitalsHTTPClient",
                "VitalsPush",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The examples (examples/*/README.md): programs a user starts with one command, built with everything else.
        .executableTarget(
            name: "VitalsExampleWorker",
            dependencies: [
                "Vitals",
                "VitalsRules",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "examples/worker/Sources"
        ),
        .executableTarget(
            name: "VitalsExamplePipeline",
            dependencies: [
                "Vitals",
                "VitalsRules",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "examples/pipeline/Sources"
        ),
        .executableTarget(
            name: "VitalsExampleFleet",
            dependencies: [
                "Vitals",
                "VitalsRules",
                "VitalsStore",
                "VitalsSQLite",
                "VitalsPostgres",
                "VitalsAlerting",
                "VitalsExposition",
                "VitalsServer",
                "VitalsPush",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "examples/agent-fleet/Sources"
        ),
        .executableTarget(
            name: "VitalsExampleBot",
            dependencies: [
                "Vitals",
                "VitalsRules",
                "VitalsStore",
                "VitalsSQLite",
                "VitalsAlerting",
                "VitalsServer",
                "VitalsHTTPClient",
                "VitalsPush",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "examples/bot-service/Sources"
        ),
        .executableTarget(
            name: "VitalsExampleMCPTools",
            dependencies: [
                "Vitals",
                "VitalsRules",
                "VitalsStore",
                "VitalsSQLite",
                "VitalsAlerting",
                "VitalsServer",
                "VitalsHTTPClient",
                "VitalsPush",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "examples/mcp-tools/Sources"
        ),
        // Test helpers shared by the test targets: child processes with a deadline on every wait.
        .target(
            name: "VitalsTestSupport",
            dependencies: ["Vitals", .product(name: "Logging", package: "swift-log")],
            path: "Tests/VitalsTestSupport"
        ),
        .target(
            name: "VitalsHTTPTestSupport",
            dependencies: [
                "Vitals",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/VitalsHTTPTestSupport"
        ),
        // Fuzz targets (scripts/fuzz): the checks run on each input, and one executable that is a libFuzzer target
        // when built with -D FUZZING and replays corpus files otherwise.
        .target(
            name: "VitalsFuzzTargets",
            dependencies: ["Vitals", "VitalsRules", "VitalsServer"]
        ),
        .executableTarget(name: "VitalsFuzz", dependencies: ["VitalsFuzzTargets"]),
        .testTarget(
            name: "VitalsTests",
            dependencies: [
                "Vitals",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "VitalsStoreTests",
            dependencies: [
                "Vitals",
                "VitalsStore",
                "VitalsRules",
                "VitalsAlerting",
                "VitalsSQLite",
                "VitalsPostgres",
                "VitalsTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "VitalsRulesTests",
            dependencies: ["VitalsRules", "Vitals"]
        ),
        .testTarget(
            name: "VitalsExpositionTests",
            dependencies: ["VitalsExposition", "Vitals", "VitalsRules", "VitalsTestSupport"]
        ),
        .testTarget(
            name: "VitalsServerTests",
            dependencies: [
                "VitalsServer",
                "VitalsAlerting",
                "VitalsRules",
                "VitalsHTTPClient",
                "Vitals",
                "VitalsStore",
                "VitalsSQLite",
                "VitalsExposition",
                "VitalsDashboard",
                "VitalsTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "VitalsPushTests",
            dependencies: [
                "VitalsPush",
                "Vitals",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "VitalsFuzzTargetsTests", dependencies: ["VitalsFuzzTargets"]),
        .testTarget(
            name: "VitalsIntegrationsTests",
            dependencies: [
                "VitalsIntegrations",
                "Vitals",
                "VitalsServer",
                "VitalsSQLite",
                "VitalsStore",
                "VitalsPush",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "VitalsAlertingTests",
            dependencies: [
                "VitalsHTTPTestSupport",
                "VitalsAlerting",
                "VitalsHTTPClient",
                "Vitals",
                "VitalsRules",
                "VitalsStore",
                "VitalsSQLite",
                "VitalsTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "VitalsCLITests",
            dependencies: [
                "VitalsHTTPTestSupport",
                "VitalsCLI",
                "Vitals",
                "VitalsRules",
                "VitalsServer",
                "VitalsStore",
                "VitalsSQLite",
                "VitalsTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system && target.name != "CVitalsShims" {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}

// `scripts/fuzz` builds VitalsFuzz for libFuzzer: coverage and AddressSanitizer in the package's own parsers (the
// dependencies are left as they are, so the fuzz build reuses their objects), `-D FUZZING`, and libFuzzer's driver
// linked in from the path the script gives.
if let fuzzerRuntime = Context.environment["VITALS_FUZZ_RUNTIME"] {
    let instrumented: Set<String> = [
        "Vitals", "VitalsStore", "VitalsRules", "VitalsServer", "VitalsFuzzTargets", "VitalsFuzz",
    ]
    let coverage = "-sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table"
    for target in package.targets where instrumented.contains(target.name) {
        var settings = target.swiftSettings ?? []
        settings.append(.unsafeFlags(["-sanitize=address", coverage]))
        if target.name == "VitalsFuzz" {
            settings.append(.define("FUZZING"))
            target.linkerSettings = [.unsafeFlags(["-sanitize=address", fuzzerRuntime, "-lstdc++"])]
        }
        target.swiftSettings = settings
    }
}
