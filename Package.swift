// swift-tools-version:6.2

import PackageDescription

let package = Package(
    name: "vitals",
    products: [
        .library(name: "Vitals", targets: ["Vitals"]),
        .library(name: "VitalsRules", targets: ["VitalsRules"]),
        .executable(name: "vitals", targets: ["VitalsCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
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
        // Rule language, evaluation, analyses and reports; Yams stays out of the core module.
        .target(
            name: "VitalsRules",
            dependencies: [
                "Vitals",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "VitalsCLI",
            dependencies: [
                "Vitals",
                "VitalsRules",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "VitalsTests",
            dependencies: [
                "Vitals",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "VitalsRulesTests",
            dependencies: ["VitalsRules", "Vitals"]
        ),
        .testTarget(
            name: "VitalsCLITests",
            dependencies: ["VitalsCLI"]
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
