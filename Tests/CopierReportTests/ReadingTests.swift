import Foundation
import XCTest
@testable import CopierReport

/// Reading records back out of objects, executables, shared libraries,
/// archives and directories, and every kind of bad input.
final class ReadingTests: XCTestCase {
    func testSchema() { XCTAssertEqual(RecordParser.knownVersions, [1]) }

    func testObjectRecordsAreRead() throws {
        let d = Fixtures.tempDir("object")
        let o = try Fixtures.object(Fixtures.fixture("buf.jsonl"), in: d, name: "buf")
        let r = Loader.load([o])
        XCTAssertEqual(r.diagnostics, [])
        XCTAssertEqual(r.records.count, 6)
        XCTAssertEqual(r.records.filter { $0.kind == .copy }.count, 2)
        let cs = r.records.first { $0.kind == .csync }!
        XCTAssertEqual(cs.file, "buf.c"); XCTAssertEqual(cs.line, 9); XCTAssertEqual(cs.col, 13)
        XCTAssertEqual(cs.site, "00000000000000a2"); XCTAssertEqual(cs.forcedBy, "load i8")
        XCTAssertEqual(cs.origin.record, 4)
        let rm = r.records.first { $0.kind == .csyncRemoved }!
        XCTAssertEqual(rm.by, Position(file: "buf.c", line: 9, col: 27))
        XCTAssertEqual(r.inputs, [InputSummary(path: o, records: 6)])
    }

    func testInlinedChainAndNullSize() throws {
        let d = Fixtures.tempDir("inlined")
        let o = try Fixtures.object(Fixtures.fixture("ring.jsonl"), in: d, name: "ring")
        let recs = Loader.load([o]).records
        let c = recs.first { $0.site == "00000000000000b1" && $0.kind == .copy }!
        XCTAssertNil(c.size)
        XCTAssertEqual(c.inlinedAt, [Frame(file: "ring.c", line: 7, col: 5, function: "ring")])
        XCTAssertEqual(recs.first { $0.kind == .loopPipelined }?.segment, 4096)
    }

    /// A copy handed to a clone of a called function: the handoff record is
    /// read, attached to its copy, and rendered in text and JSON.
    func testHandoffRecord() throws {
        let d = Fixtures.tempDir("handoff")
        let lines = [
            #"{"v":1,"kind":"copy","file":"h.c","line":4,"col":3,"func":"main","inlined_at":[],"site":"00000000000000c1","op":"memcpy","size":null,"converted":true,"reason":"converted","dst":"buf","src":"in"}"#,
            #"{"v":1,"kind":"handoff","file":"h.c","line":5,"col":3,"func":"main","inlined_at":[],"site":"00000000000000c1","callee":"parse","clone":"parse.copier.4"}"#,
            #"{"v":1,"kind":"csync","file":"h.c","line":9,"col":7,"func":"parse.copier.4","inlined_at":[],"site":"0000000000000000","reason":"read-of-destination","forced_by":"load i8","range":"whole"}"#,
        ]
        let o = try Fixtures.object(lines.joined(separator: "\n") + "\n", in: d, name: "h")
        let r = Loader.load([o])
        XCTAssertEqual(r.diagnostics, [])
        let h = try XCTUnwrap(r.records.first { $0.kind == .handoff })
        XCTAssertEqual(h.callee, "parse"); XCTAssertEqual(h.clone, "parse.copier.4"); XCTAssertEqual(h.line, 5)
        let audit = Audit(records: r.records)
        XCTAssertEqual(audit.events(of: "00000000000000c1").map(\.kind), [.handoff])
        XCTAssertTrue(audit.describe(h).contains("stays in flight into parse: calls parse.copier.4"))
        // The clone's csync (site 0) names the copies handed off into it.
        let cs = try XCTUnwrap(r.records.first { $0.kind == .csync })
        XCTAssertEqual(audit.describe(cs),
                       "csync of the copies handed off into parse.copier.4: buf (memcpy at h.c:4:3): forced by read-of-destination (load i8), range whole")
        XCTAssertEqual(audit.summary.csyncs, 1)
        XCTAssertEqual(audit.summary.csyncsOfConverted, 1)
        let json = JSONRenderer.render(audit, load: r)
        XCTAssertTrue(json.contains(#""handoffs":[{"file":"h.c","line":5"#) || json.contains(#""clone": "parse.copier.4""#) ||
                      json.contains(#""clone":"parse.copier.4""#), json)
    }

    /// A copy left in flight at a return (its callers sync it): the
    /// return-handoff record is read and attached to its copy, the caller's
    /// csync too; `first_use` is read and counted; JSON matches the schema.
    func testReturnHandoffAndFirstUse() throws {
        let d = Fixtures.tempDir("return-handoff")
        let lines = [
            #"{"v":1,"kind":"copy","file":"r.c","line":3,"col":3,"func":"dup","inlined_at":[],"site":"00000000000000d1","op":"memcpy","size":null,"converted":true,"reason":"converted","dst":"d","src":"p","first_use":"moved"}"#,
            #"{"v":1,"kind":"return-handoff","file":"r.c","line":4,"col":3,"func":"dup","inlined_at":[],"site":"00000000000000d1","dst_expr":"ret","src_expr":"arg0","len_expr":"arg1","callers":2}"#,
            #"{"v":1,"kind":"csync","file":"r.c","line":9,"col":7,"func":"main","inlined_at":[],"site":"00000000000000d1","reason":"read-of-destination","forced_by":"load i8","range":"whole"}"#,
            #"{"v":1,"kind":"copy","file":"r.c","line":12,"col":3,"func":"main","inlined_at":[],"site":"00000000000000d2","op":"memcpy","size":8192,"converted":true,"reason":"converted","dst":"b","src":"s","first_use":"adjacent"}"#,
            #"{"v":1,"kind":"copy","file":"r.c","line":13,"col":3,"func":"main","inlined_at":[],"site":"00000000000000d3","op":"memcpy","size":8192,"converted":true,"reason":"converted","dst":"c","src":"s"}"#,
        ]
        let o = try Fixtures.object(lines.joined(separator: "\n") + "\n", in: d, name: "r")
        let r = Loader.load([o])
        XCTAssertEqual(r.diagnostics, [])
        let h = try XCTUnwrap(r.records.first { $0.kind == .returnHandoff })
        XCTAssertEqual(h.dstExpr, "ret"); XCTAssertEqual(h.srcExpr, "arg0"); XCTAssertEqual(h.lenExpr, "arg1")
        XCTAssertEqual(h.callers, 2); XCTAssertEqual(h.function, "dup")
        let audit = Audit(records: r.records)
        XCTAssertEqual(audit.events(of: "00000000000000d1").map(\.kind), [.returnHandoff, .csync])
        XCTAssertTrue(audit.describe(h).contains("stays in flight past this return: the callers of dup (2 calls) sync ret, arg1 bytes"), audit.describe(h))
        // Moved: d1 only (d2 is adjacent, d3's record does not say).
        XCTAssertEqual(audit.summary.firstUseMoved, 1)
        XCTAssertEqual(audit.summary.returnHandoffs, 1)
        XCTAssertTrue(audit.describe(audit.copies[0]).hasSuffix("converted to amemcpy (first use moved away)"))
        let text = TextRenderer(color: false, sources: SourceStore(root: d)).summary(audit.summary)
        XCTAssertTrue(text.contains("first use moved away: 1 of 3 converted\n"), text)
        XCTAssertTrue(text.contains("return hand-offs:     1\n"), text)
        let json = JSONRenderer.render(audit, load: r)
        try Fixtures.validate(json, schema: "\(Fixtures.docs)/audit.schema.json", draft: "Draft7Validator")
        let doc = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let summary = doc["summary"] as! [String: Any]
        XCTAssertEqual(summary["first_use_moved"] as? Int, 1)
        XCTAssertEqual(summary["return_handoffs"] as? Int, 1)
        let copies = doc["copies"] as! [[String: Any]]
        XCTAssertEqual(copies.map { $0["first_use"] as? String }, ["moved", "adjacent", nil])
        let rh = try XCTUnwrap((copies[0]["return_handoffs"] as? [[String: Any]])?.first)
        XCTAssertEqual(rh["dst_expr"] as? String, "ret"); XCTAssertEqual(rh["callers"] as? Int, 2)
    }

    func testBadFirstUseIsRejected() throws {
        let d = Fixtures.tempDir("bad-first-use")
        let o = try Fixtures.object(#"{"v":1,"kind":"copy","file":"x.c","line":1,"site":"1","op":"memcpy","converted":true,"reason":"converted","first_use":"soon"}"# + "\n", in: d, name: "x")
        let r = Loader.load([o])
        XCTAssertEqual(r.records.count, 0)
        XCTAssertTrue(r.diagnostics.contains { $0.message.contains(#"field "first_use" must be "adjacent" or "moved""#) }, "\(r.diagnostics)")
    }

    /// Linking concatenates the sections of all objects (with alignment
    /// padding); strip and --gc-sections keep them.
    func testExecutableSharedLibraryAndStrip() throws {
        let d = Fixtures.tempDir("linked")
        let a = try Fixtures.object(Fixtures.fixture("buf.jsonl"), in: d, name: "a", extra: "int main(void){return 0;}")
        let b = try Fixtures.object(Fixtures.fixture("ring.jsonl"), in: d, name: "b", extra: "int b_fn(void){return 1;}")
        let exe = "\(d)/prog", so = "\(d)/libr.so", stripped = "\(d)/prog.stripped"
        try Fixtures.mustRun(Fixtures.clang, [a, b, "-Wl,--gc-sections", "-o", exe])
        try Fixtures.mustRun(Fixtures.clang, ["-shared", a, b, "-o", so])
        try Fixtures.mustRun("\(Fixtures.llvm)/llvm-strip", [exe, "-o", stripped])
        for f in [exe, so, stripped] {
            let r = Loader.load([f])
            XCTAssertEqual(r.diagnostics, [], f)
            XCTAssertEqual(r.records.count, 12, f)
            XCTAssertEqual(Set(r.records.map(\.file)), ["buf.c", "ring.c"], f)
        }
    }

    /// An object and the executable linked from it carry the same records:
    /// a directory holding both reports each decision once.
    func testDirectoryRecursionAndDeduplication() throws {
        let d = Fixtures.tempDir("tree")
        try FileManager.default.createDirectory(atPath: "\(d)/sub/deeper", withIntermediateDirectories: true)
        let a = try Fixtures.object(Fixtures.fixture("buf.jsonl"), in: "\(d)/sub", name: "a", extra: "int main(void){return 0;}")
        try Fixtures.mustRun(Fixtures.clang, [a, "-o", "\(d)/sub/deeper/prog"])
        try "not an object".write(toFile: "\(d)/README", atomically: true, encoding: .utf8)
        _ = try Fixtures.object("", in: d, name: "plain")  // ELF without a report: skipped quietly
        let r = Loader.load([d])
        XCTAssertEqual(r.diagnostics, [])
        XCTAssertEqual(r.records.count, 6)
        XCTAssertEqual(r.inputs.count, 2)
    }

    /// GNU ar keeps names longer than 15 characters in the `//` table.
    func testArchiveWithLongNames() throws {
        let d = Fixtures.tempDir("archive")
        let a = try Fixtures.object(Fixtures.fixture("buf.jsonl"), in: d, name: "a_member_with_a_long_name")
        let b = try Fixtures.object(Fixtures.fixture("ring.jsonl"), in: d, name: "b")
        let lib = "\(d)/libx.a"
        try Fixtures.mustRun("\(Fixtures.llvm)/llvm-ar", ["rcs", "--format=gnu", lib, a, b])
        let r = Loader.load([lib])
        XCTAssertEqual(r.diagnostics, [])
        XCTAssertEqual(r.records.count, 12)
        XCTAssertEqual(Set(r.inputs.map(\.path)), ["\(lib)(a_member_with_a_long_name.o)", "\(lib)(b.o)"])
        let members = try ArchiveReader.members(Data(contentsOf: URL(fileURLWithPath: lib)))
        XCTAssertEqual(members.map(\.name), ["a_member_with_a_long_name.o", "b.o"])
    }

    func testBSDArchiveNames() throws {
        // #1/len names: the name is stored at the start of the member data.
        let payload = Array("hello".utf8)
        let name = Array("long_bsd_member_name.o".utf8)
        var d = Data("!<arch>\n".utf8)
        let size = name.count + payload.count
        let hdr = "#1/\(name.count)".padding(toLength: 16, withPad: " ", startingAt: 0)
            + "0".padding(toLength: 12, withPad: " ", startingAt: 0) + "0     0     644     "
            + String(size).padding(toLength: 10, withPad: " ", startingAt: 0) + "`\n"
        d.append(Data(hdr.utf8)); d.append(contentsOf: name); d.append(contentsOf: payload)
        if size % 2 == 1 { d.append(0x0a) }
        let m = try ArchiveReader.members(d)
        XCTAssertEqual(m.map(\.name), ["long_bsd_member_name.o"])
        XCTAssertEqual(Array(m[0].data), payload)
    }

    func testMissingForeignEmptyFiles() throws {
        let d = Fixtures.tempDir("bad")
        try "hello".write(toFile: "\(d)/notes.txt", atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: "\(d)/empty.o", contents: Data())
        let good = try Fixtures.object(Fixtures.fixture("buf.jsonl"), in: d, name: "good")
        let r = Loader.load(["\(d)/missing.o", "\(d)/notes.txt", "\(d)/empty.o", good])
        XCTAssertTrue(r.hasErrors)
        XCTAssertEqual(r.diagnostics.count, 3)
        XCTAssertEqual(r.diagnostics.map(\.path), ["\(d)/missing.o", "\(d)/notes.txt", "\(d)/empty.o"])
        XCTAssertTrue(r.diagnostics[0].message.contains("no such file"))
        XCTAssertTrue(r.diagnostics[1].message.contains("not an ELF"))
        XCTAssertTrue(r.diagnostics[2].message.contains("empty"))
        XCTAssertEqual(r.records.count, 6, "the good file is still reported")
    }

    func testTruncatedFiles() throws {
        let d = Fixtures.tempDir("trunc")
        let o = try Fixtures.object(Fixtures.fixture("buf.jsonl"), in: d, name: "t")
        let data = try Data(contentsOf: URL(fileURLWithPath: o))
        for cut in [10, 63, data.count / 2, data.count - 1] {
            let p = "\(d)/cut\(cut).o"
            try data.prefix(cut).write(to: URL(fileURLWithPath: p))
            let r = Loader.load([p])
            XCTAssertTrue(r.hasErrors, "cut at \(cut)")
            XCTAssertEqual(r.diagnostics.first?.path, p)
            XCTAssertTrue(r.diagnostics.first?.message.contains("truncated") ?? false, r.diagnostics.first?.message ?? "")
        }
        let lib = "\(d)/lib.a"
        try Fixtures.mustRun("\(Fixtures.llvm)/llvm-ar", ["rcs", lib, o])
        let ad = try Data(contentsOf: URL(fileURLWithPath: lib))
        try ad.prefix(ad.count - 100).write(to: URL(fileURLWithPath: "\(d)/cut.a"))
        let r = Loader.load(["\(d)/cut.a"])
        XCTAssertTrue(r.hasErrors)
        XCTAssertTrue(r.diagnostics[0].message.contains("truncated archive"), r.diagnostics[0].message)
    }

    func testForeignELF() throws {
        var d = Data([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]) + Data(count: 60)
        XCTAssertThrowsError(try ELFReader.reportSections(d)) { XCTAssertTrue("\($0)".contains("32-bit")) }
        d[4] = 2; d[5] = 2
        XCTAssertThrowsError(try ELFReader.reportSections(d)) { XCTAssertTrue("\($0)".contains("big-endian")) }
    }

    /// A bad record is an error naming file and record number; the other
    /// records of the same file are still read.
    func testCorruptRecordsAndUnknownVersion() throws {
        let d = Fixtures.tempDir("corrupt")
        let lines = [
            #"{"v":1,"kind":"copy","file":"x.c","line":1,"col":1,"func":"f","inlined_at":[],"site":"01","op":"memcpy","size":64,"converted":true,"reason":"converted","dst":"a","src":"b"}"#,
            #"{"v":2,"kind":"copy","file":"x.c"}"#,
            #"{"v":1,"kind":"copy","file":"x.c","line":"three"}"#,
            #"{"v":1,"kind":"csync","file":"x.c","line":4}"#,
            #"{"v":1,"kind":"teleport","file":"x.c"}"#,
            #"{"v":1,"kind":"csync","file":"x.c","line":5,"col":2,"func":"f","inlined_at":[],"site":"01","reason":"free","forced_by":"call free","range":"whole"}"#,
            #"{"v":1,"kind": truncated"#,
            #"{"kind":"copy"}"#,
        ].joined(separator: "\n")
        let o = try Fixtures.object(lines, in: d, name: "c")
        let r = Loader.load([o])
        XCTAssertEqual(r.records.count, 2)
        XCTAssertEqual(r.diagnostics.map(\.record), [2, 3, 4, 5, 7, 8])
        XCTAssertTrue(r.diagnostics.allSatisfy { $0.path == o && $0.severity == .error })
        let m = r.diagnostics.map(\.message)
        XCTAssertTrue(m[0].contains("unknown schema version 2"), m[0])
        XCTAssertTrue(m[1].contains("\"line\" must be a number"), m[1])
        XCTAssertTrue(m[2].contains("missing field \"site\""), m[2])
        XCTAssertTrue(m[3].contains("unknown record kind \"teleport\""), m[3])
        XCTAssertTrue(m[4].contains("not a valid JSON"), m[4])
        XCTAssertTrue(m[5].contains("no schema version"), m[5])
        XCTAssertEqual(r.diagnostics[0].description, "\(o): record 2: error: \(m[0])")
    }

    /// CopierGen's optional `hoisted` flag on csyncs; unknown fields are ignored.
    func testHoistedCsyncAndExtraFields() throws {
        let line = #"{"v":1,"kind":"csync","file":"l.c","line":4,"col":3,"func":"f","inlined_at":[],"site":"0a","reason":"read-of-destination","forced_by":"load i32","range":"segment","hoisted":true,"future":[1,{"x":null}]}"#
        let r = try RecordParser.parse(Data(line.utf8))
        XCTAssertTrue(r.hoisted)
        XCTAssertTrue(Audit(records: [r]).describe(r).hasSuffix("hoisted out of the loop"))
        XCTAssertThrowsError(try RecordParser.parse(Data(line.replacingOccurrences(of: "\"hoisted\":true", with: "\"hoisted\":1").utf8)))
        let esc = try RecordParser.parse(Data(#"{"v":1,"kind":"module","file":"a \"q\"\\b\u00e9.c"}"#.utf8))
        XCTAssertEqual(esc.file, "a \"q\"\\bé.c")
    }

    func testObjectWithoutReportIsAWarning() throws {
        let d = Fixtures.tempDir("noreport")
        let o = try Fixtures.object("", in: d, name: "n", extra: "int x;")
        let r = Loader.load([o])
        XCTAssertFalse(r.hasErrors)
        XCTAssertEqual(r.diagnostics.first?.severity, .warning)
    }
}
