import XCTest
@testable import CopierDriver

/// Item 6: toolchain discovery, install-tree layout and the project root.
final class ToolchainTests: XCTestCase {
    func fs(exec: Set<String>, real: [String: String] = [:], exist: Set<String> = []) -> FileSystemView {
        FileSystemView(isExecutable: { exec.contains($0) }, realPath: { real[$0] ?? $0 }, exists: { exist.contains($0) })
    }

    func found(_ r: Result<(clang: String, clangxx: String), DriverError>) -> [String]? {
        if case .success(let t) = r { return [t.clang, t.clangxx] }
        return nil
    }
    func message(_ r: Result<(clang: String, clangxx: String), DriverError>) -> String {
        if case .failure(let e) = r { return e.message }
        return ""
    }

    func testCopierClangWins() {
        let r = ToolchainLocator.findClang(env: ["COPIER_CLANG": "/opt/l/bin/clang", "PATH": "/usr/bin"],
                                           fs: fs(exec: ["/opt/l/bin/clang", "/usr/lib/llvm-19/bin/clang"]))
        XCTAssertEqual(found(r), ["/opt/l/bin/clang", "/opt/l/bin/clang++"])
    }

    func testCopierClangBareNameSearchesPath() {
        let r = ToolchainLocator.findClang(env: ["COPIER_CLANG": "clang-19", "PATH": "/a:/usr/bin"],
                                           fs: fs(exec: ["/usr/bin/clang-19"]))
        XCTAssertEqual(found(r), ["/usr/bin/clang-19", "/usr/bin/clang++"])
    }

    func testCopierClangNotExecutable() {
        let r = ToolchainLocator.findClang(env: ["COPIER_CLANG": "/nope/clang"], fs: fs(exec: ["/usr/lib/llvm-19/bin/clang"]))
        XCTAssertNil(found(r))
        XCTAssertTrue(message(r).contains("COPIER_CLANG=/nope/clang"))
    }

    func testLlvmConfigBinDir() {
        let r = ToolchainLocator.findClang(
            env: ["PATH": "/usr/local/bin:/usr/bin"],
            fs: fs(exec: ["/usr/bin/llvm-config-19", "/usr/lib/llvm-19/bin/llvm-config", "/usr/lib/llvm-19/bin/clang"],
                   real: ["/usr/bin/llvm-config-19": "/usr/lib/llvm-19/bin/llvm-config"]))
        XCTAssertEqual(found(r), ["/usr/lib/llvm-19/bin/clang", "/usr/lib/llvm-19/bin/clang++"])
        let r2 = ToolchainLocator.findClang(
            env: ["PATH": "/opt/x/bin"],
            fs: fs(exec: ["/opt/x/bin/llvm-config-19", "/opt/llvm19/bin/clang"],
                   real: ["/opt/x/bin/llvm-config-19": "/opt/llvm19/bin/llvm-config"]))
        XCTAssertEqual(found(r2), ["/opt/llvm19/bin/clang", "/opt/llvm19/bin/clang++"])
    }

    func testDefaultAndNeverPathClang() {
        // A clang on PATH (Swift's clang 21) must never be picked.
        let r = ToolchainLocator.findClang(env: ["PATH": "/usr/bin:/swift/usr/bin"],
                                           fs: fs(exec: ["/usr/bin/clang", "/swift/usr/bin/clang", "/usr/lib/llvm-19/bin/clang"]))
        XCTAssertEqual(found(r), ["/usr/lib/llvm-19/bin/clang", "/usr/lib/llvm-19/bin/clang++"])
    }

    func testMissingClangNamesThePackage() {
        let r = ToolchainLocator.findClang(env: ["PATH": "/usr/bin"], fs: fs(exec: ["/usr/bin/clang"]))
        XCTAssertNil(found(r))
        let m = message(r)
        XCTAssertTrue(m.contains("clang-19 not found"), m)
        XCTAssertTrue(m.contains("apt-get install clang-19"), m)
        XCTAssertFalse(m.contains("\n"))
    }

    func testInstallTree() {
        let t = ToolchainLocator.installTree(selfExecutable: "/tmp/inst/bin/copier-cc")
        XCTAssertEqual(t.libDir, "/tmp/inst/lib")
        XCTAssertEqual(t.includeDir, "/tmp/inst/include")
    }

    func testProjectRoot() {
        let none = fs(exec: [])
        XCTAssertEqual(ToolchainLocator.projectRoot(env: ["COPIER_PROJECT_ROOT": "/r"], cwd: "/a/b", fs: none), "/r")
        XCTAssertEqual(ToolchainLocator.projectRoot(env: [:], cwd: "/a/b/c", fs: fs(exec: [], exist: ["/a/.git"])), "/a")
        XCTAssertEqual(ToolchainLocator.projectRoot(env: [:], cwd: "/a/b", fs: fs(exec: [], exist: ["/a/b/.git", "/a/.git"])), "/a/b")
        XCTAssertEqual(ToolchainLocator.projectRoot(env: [:], cwd: "/a/b", fs: none), "/a/b")
        XCTAssertEqual(ToolchainLocator.projectRoot(env: [:], cwd: "/a/b", fs: fs(exec: [], exist: ["/.git"])), "/")
    }
}
