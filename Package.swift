// swift-tools-version:5.9
// The Swift half of the Copier toolchain: the copier-cc driver and the
// copier report tool, thin executables over libraries the tests import.
import PackageDescription

let package = Package(
    name: "Copier",
    products: [
        .executable(name: "copier-cc", targets: ["copier-cc"]),
        .executable(name: "copier", targets: ["copier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "CopierDriver"),
        .executableTarget(name: "copier-cc", dependencies: ["CopierDriver"]),
        .target(name: "CopierReport"),
        .executableTarget(
            name: "copier",
            dependencies: [
                "CopierReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "CopierDriverTests", dependencies: ["CopierDriver"]),
        .testTarget(name: "CopierReportTests", dependencies: ["CopierReport"]),
    ]
)
