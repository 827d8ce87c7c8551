// swift-tools-version:6.2

import PackageDescription

// Benchmarks live in their own package so that their dependencies (swift-prometheus, for comparison) never
// reach users of Vitals. Run: swift run -c release --package-path Benchmarks
let package = Package(
    name: "vitals-benchmarks",
    dependencies: [
        .package(name: "vitals", path: ".."),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    ],
    targets: [
        .executableTarget(
            name: "VitalsBenchmarks",
            dependencies: [
                .product(name: "Vitals", package: "vitals"),
                .product(name: "VitalsExposition", package: "vitals"),
                .product(name: "VitalsIntegrations", package: "vitals"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // The store and the server: ingest against the raw-insert floor, PostgreSQL ingest, a 30-day history's query
        // latencies, bytes per event, peak RSS; HTTP ingest against store ingest, start to ready, /health under load.
        // Run: swift run -c release --package-path Benchmarks VitalsStoreBenchmarks
        .executableTarget(
            name: "VitalsStoreBenchmarks",
            dependencies: [
                .product(name: "Vitals", package: "vitals"),
                .product(name: "VitalsStore", package: "vitals"),
                .product(name: "VitalsSQLite", package: "vitals"),
                .product(name: "VitalsPostgres", package: "vitals"),
                .product(name: "VitalsServer", package: "vitals"),
                .product(name: "VitalsAlerting", package: "vitals"),
                .product(name: "VitalsRules", package: "vitals"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
