// swift-tools-version:6.2

import PackageDescription

// The core and store tests built with a sanitizer, by scripts/sanitize (see there). A package of its own because in
// the main package every test target is linked into one test binary, so `swift build --sanitize` there would build
// Hummingbird, PostgresNIO and AsyncHTTPClient (swift-nio, BoringSSL…) instrumented too: some 2,000 build steps
// against 650 here.
//
// Its sources are the main package's own, reached through the symbolic links under Sources/ and Tests/: the targets
// below repeat the main manifest's declarations of these targets (one package, so that the tests can use `package`
// declarations as they do there). Keep them and the dependency versions in step with ../Package.swift. The store
// tests are built without VitalsPostgres: their PostgreSQL cases are compiled out (`#if canImport(VitalsPostgres)`).
let package = Package(
    name: "vitals-sanitizers",
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        .target(name: "CVitalsShims"),
        .target(
            name: "Vitals",
            dependencies: [
                "CVitalsShims",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
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
        // The crash-safety test's child process, which it looks for next to the test binary.
        .executableTarget(
            name: "VitalsStoreCrashProbe",
            dependencies: ["Vitals", "VitalsStore", "VitalsSQLite"]
        ),
        .target(name: "VitalsTestSupport", dependencies: ["Vitals", .product(name: "Logging", package: "swift-log")]),
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
                "VitalsSQLite",
                "VitalsTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
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
