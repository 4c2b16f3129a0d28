import Foundation
import XCTest
@testable import CopierReport

final class DiffExplainTests: XCTestCase {
    func audit(_ jsonl: String) throws -> Audit {
        let d = Fixtures.tempDir("diff-\(abs(jsonl.hashValue))")
        let l = Loader.load([try Fixtures.object(jsonl, in: d, name: "r")])
        XCTAssertEqual(l.diagnostics, [])
        return Audit(records: l.records)
    }

    func testIdenticalBuildsHaveNoChanges() throws {
        let a = try audit(Fixtures.fixture("buf.jsonl"))
        let d = ReportDiff(old: a, new: a)
        XCTAssertTrue(d.isEmpty)
        XCTAssertEqual(d.text(), "no changes\n")
    }

    /// Two lines inserted above everything: nothing changed in substance.
    func testShiftedLinesAreNotChanges() throws {
        let old = Fixtures.fixture("buf.jsonl")
        let re = try NSRegularExpression(pattern: #""line":([0-9]+)"#)
        var new = ""
        var last = old.startIndex
        for m in re.matches(in: old, range: NSRange(old.startIndex..., in: old)) {
            let r = Range(m.range, in: old)!, n = Int(old[Range(m.range(at: 1), in: old)!])!
            new += old[last..<r.lowerBound] + "\"line\":\(n + 2)"
            last = r.upperBound
        }
        new += old[last...]
        XCTAssertNotEqual(old, new)
        XCTAssertTrue(ReportDiff(old: try audit(old), new: try audit(new)).isEmpty)
    }

    func testConvertedRevertedAddedMovedRemoved() throws {
        let old = Fixtures.fixture("ring.jsonl")
        var lines = old.split(separator: "\n").map(String.init)
        // b2 becomes converted; b1 is reverted; its function-exit csync goes,
        // its read csync moves one line down, and a free csync is added.
        lines[2] = lines[2].replacingOccurrences(of: #""converted":false,"reason":"too-small""#, with: #""converted":true,"reason":"converted""#)
        lines[1] = lines[1].replacingOccurrences(of: #""converted":true,"reason":"converted""#, with: #""converted":false,"reason":"volatile""#)
        lines[4] = lines[4].replacingOccurrences(of: #""line":10"#, with: #""line":11"#)
        lines.remove(at: 5)
        lines.append(#"{"v":1,"kind":"csync","file":"ring.c","line":11,"col":12,"func":"ring","inlined_at":[],"site":"00000000000000b2","reason":"read-of-destination","forced_by":"load i8","range":"whole"}"#)
        let d = ReportDiff(old: try audit(old), new: try audit(lines.joined(separator: "\n")))
        XCTAssertEqual(d.copies.map(\.kind).sorted(), ["converted", "reverted"])
        XCTAssertEqual(d.csyncs.map(\.kind).sorted(), ["added", "moved", "removed"])
        let t = d.text()
        XCTAssertTrue(t.contains("ring.c:3:5: copy reverted: memcpy to dst in ring (was converted, now volatile)"), t)
        XCTAssertTrue(t.contains("csync moved: read-of-destination (load i8) guarding memcpy at ring.c:3:5 (was at ring.c:10:16)"), t)
        XCTAssertTrue(t.hasSuffix("2 copy changes (1 newly converted, 1 reverted), csyncs: 1 added, 1 moved, 1 removed\n"), t)
        let j = d.json().serialized()
        XCTAssertTrue(j.contains("\"changed\": true"))
    }

    func testNewAndRemovedCopySites() throws {
        let old = Fixtures.fixture("buf.jsonl")
        let new = old.split(separator: "\n").filter { !$0.contains("00000000000000a1") }.joined(separator: "\n")
        let d = ReportDiff(old: try audit(old), new: try audit(new))
        XCTAssertEqual(d.copies.map(\.kind), ["removed-converted-copy"])
        XCTAssertEqual(d.csyncs.map(\.kind).sorted(), ["no-longer-removed", "removed"])
        let back = ReportDiff(old: try audit(new), new: try audit(old))
        XCTAssertEqual(back.copies.map(\.kind), ["new-converted-copy"])
    }

    func testExplainLine() throws {
        let a = try audit(Fixtures.fixture("buf.jsonl"))
        let t = TextRenderer(color: false, sources: SourceStore(root: Fixtures.dir))
        let e = Explainer(audit: a, file: "buf.c", line: 9)
        XCTAssertEqual(e.direct.count, 2)
        let out = e.render(with: t)
        XCTAssertTrue(out.hasPrefix("buf.c:9: 2 decision(s)\n"), out)
        XCTAssertTrue(out.contains("the copy it guards:"))
        XCTAssertTrue(out.contains("memcpy(p->body, src, 4096);"))
        // A copy line lists its csyncs; paths may be given with a prefix.
        let c = Explainer(audit: a, file: "/home/u/proj/buf.c", line: 7)
        XCTAssertEqual(c.direct.count, 1)
        XCTAssertTrue(c.render(with: t).contains("guarded by:"))
        XCTAssertTrue(Explainer(audit: a, file: "buf.c", line: 2).isEmpty)
        XCTAssertTrue(Explainer(audit: a, file: "other.c", line: 9).isEmpty)
    }

    func testExplainInlinedCallSite() throws {
        let a = try audit(Fixtures.fixture("ring.jsonl"))
        let e = Explainer(audit: a, file: "ring.c", line: 7)
        XCTAssertEqual(e.direct.count, 0)
        XCTAssertEqual(e.viaInlining.map(\.site), ["00000000000000b1"])
        XCTAssertTrue(e.render(with: TextRenderer(color: false, sources: SourceStore(root: Fixtures.dir))).contains("inlined"))
    }
}
