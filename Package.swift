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
        // libclang-19's C API names C expressions the debug info left unnamed.
        .systemLibrary(name: "CClang", path: "Sources/CClang"),
        .target(
            name: "CopierReport",
            dependencies: ["CClang"],
            swiftSettings: [.unsafeFlags(["-Xcc", "-I/usr/lib/llvm-19/include"])],
            linkerSettings: [.unsafeFlags(["-L/usr/lib/llvm-19/lib", "-Xlinker", "-rpath", "-Xlinker", "/usr/lib/llvm-19/lib"])]),
        .executableTarget(
            name: "copier",
            dependencies: [
                "CopierReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "CopierDriverTests", dependencies: ["CopierDriver"]),
        // fixtures/ (C sources, records) and golden/ are data, not test code.
        .testTarget(name: "CopierReportTests", dependencies: ["CopierReport"], exclude: ["fixtures", "golden", "report-suite.sh", "gen-records.py"]),
    ]
)
