import Foundation
import XCTest
@testable import CopierReport

/// Builds real ELF inputs for the tests with clang-19: a C file holding the
/// records in a `copier_report` section (what CopierGen emits), objects,
/// executables, shared libraries, archives, stripped copies.
enum Fixtures {
    static let llvm = "/usr/lib/llvm-19/bin"
    static let clang = "\(llvm)/clang"
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fixtures").path
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs").path
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("golden").path

    static func tempDir(_ name: String) -> String {
        let d = NSTemporaryDirectory() + "copier-report-tests-\(getpid())/\(name)"
        try? FileManager.default.removeItem(atPath: d)
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    @discardableResult
    static func run(_ exe: String, _ args: [String], cwd: String? = nil, env: [String: String]? = nil) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        if let env { p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 } }
        let o = Pipe(), e = Pipe()
        p.standardOutput = o; p.standardError = e
        try p.run()
        let od = o.fileHandleForReading.readDataToEndOfFile()
        let ed = e.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: od, as: UTF8.self), String(decoding: ed, as: UTF8.self))
    }

    static func mustRun(_ exe: String, _ args: [String], cwd: String? = nil) throws {
        let r = try run(exe, args, cwd: cwd)
        if r.status != 0 { throw RecordError(message: "\(exe) \(args.joined(separator: " ")) failed: \(r.err)") }
    }

    /// A C translation unit embedding `records` the way CopierGen does:
    /// one private constant in `copier_report`, kept by `used, retain`.
    static func cSource(records: String, symbol: String, extra: String = "") -> String {
        var lit = ""
        for line in records.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            var esc = ""
            for c in line { esc += c == "\"" ? "\\\"" : c == "\\" ? "\\\\" : String(c) }
            lit += "\"\(esc)\\n\"\n"
        }
        if lit.isEmpty { return extra }
        return """
        __attribute__((section("copier_report"), used, retain)) static const char copier_records_\(symbol)[] =
        \(lit);
        \(extra)
        """
    }

    /// Compiles records into an object; returns its path.
    static func object(_ records: String, in d: String, name: String, extra: String = "", flags: [String] = []) throws -> String {
        let c = "\(d)/\(name).c", o = "\(d)/\(name).o"
        try cSource(records: records, symbol: name.replacingOccurrences(of: "-", with: "_"), extra: extra)
            .write(toFile: c, atomically: true, encoding: .utf8)
        try mustRun(clang, ["-c", "-O1", "-fPIC"] + flags + [c, "-o", o])
        return o
    }

    static func fixture(_ name: String) -> String {
        try! String(contentsOfFile: "\(dir)/\(name)", encoding: .utf8)
    }

    static func validate(_ json: String, schema: String, draft: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let d = tempDir("validate-\(draft)")
        try json.write(toFile: "\(d)/doc.json", atomically: true, encoding: .utf8)
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
        v = jsonschema.\(draft)(schema, format_checker=jsonschema.FormatChecker())
        errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
        for e in errs[:10]: print(list(e.path), e.message)
        sys.exit(1 if errs else 0)
        """
        let r = try run("/usr/bin/env", ["python3", "-c", script, schema, "\(d)/doc.json"])
        XCTAssertEqual(r.status, 0, "schema validation failed: \(r.out)\(r.err)", file: file, line: line)
    }
}
