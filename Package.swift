// swift-tools-version:6.2

import PackageDescription

let package = Package(
    name: "vitals",
    products: [
        .library(name: "Vitals", targets: ["Vitals"]),
        .executable(name: "vitals", targets: ["VitalsCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
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
        .executableTarget(
            name: "VitalsCLI",
            dependencies: [
                "Vitals",
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
