import XCTest
@testable import CopierDriver

final class ParserTests: XCTestCase {
    func testGeneratedTableCounts() {
        // The figure: 173 driver options take the next word as their value.
        XCTAssertEqual(ClangOptionTable.valueTakingOptionCount, 173)
        let ids = Set(ClangOptionTable.entries.filter {
            [.separate, .joinedOrSeparate, .joinedAndSeparate, .multiArg].contains($0.kind)
        }.map { $0.id })
        XCTAssertGreaterThan(ids.count, 150)
        XCTAssertGreaterThan(ClangOptionTable.entries.count, 2500)
    }

    /// The committed table must match the Options.inc on this machine.
    func testGeneratedTableIsCurrent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", root.appendingPathComponent("tools/gen-clang-options.py").path, "--check"]
        let err = Pipe()
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        let msg = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 0, msg)
    }

    func parse(_ a: [String]) -> [ParsedArg] { ClangArgParser.parse(a) }

    func testValuesAreNotInputs() {
        let r = parse(["-o", "x.c", "-MF", "dep.c", "-include", "h.c", "-Xlinker", "-lfoo", "-MT", "t.c", "real.c"])
        XCTAssertEqual(r.map(\.optionID), ["o", "MF", "include", "Xlinker", "MT", nil])
        XCTAssertEqual(r.last?.kind, .input)
        XCTAssertEqual(r[0].values, ["x.c"])
        XCTAssertEqual(r[3].kind, .option(id: "Xlinker", linkerInput: true))
    }

    func testJoinedForms() {
        let r = parse(["-ofoo", "-Wl,-rpath,/x", "-O2", "-O", "-std=c11", "-lm", "-DX=1", "-I/inc", "--output=a"])
        XCTAssertEqual(r.map(\.optionID), ["o", "Wl_COMMA", "O", "O", "std_EQ", "l", "D", "I", "o"])
        XCTAssertEqual(r[0].values, ["foo"])
        XCTAssertEqual(r[1].values, ["-rpath", "/x"])
        XCTAssertEqual(r[2].values, ["2"])
        XCTAssertEqual(r[3].values, [])
        XCTAssertEqual(r[8].values, ["a"])
    }

    func testInputsAndUnknowns() {
        let r = parse(["-", "/abs/path.c", "rel.o", "-fnot-a-real-clang-flag"])
        XCTAssertEqual(r.map(\.kind), [.input, .input, .input, .unknown])
    }

    func testMissingValueAtEnd() {
        let r = parse(["-c", "-o"])
        XCTAssertEqual(r.count, 2)
        XCTAssertEqual(r[1].words, ["-o"])
    }

    func testMultiArgAndAliases() {
        let r = parse(["--compile", "--language", "c", "-sectcreate", "a", "b", "c", "x.c"])
        XCTAssertEqual(r.map(\.optionID), ["c", "x", "sectcreate", nil])
        XCTAssertEqual(r[2].values, ["a", "b", "c"])
    }

    func testResponseFileTokenizer() {
        XCTAssertEqual(ResponseFiles.tokenize("  -c\ta.c \"b c.c\" 'd\\'e' f\\ g \"h\\\"i\"\n"),
                       ["-c", "a.c", "b c.c", "d'e", "f g", "h\"i"])
        XCTAssertEqual(ResponseFiles.tokenize(""), [])
    }

    func testResponseFileCycleTerminates() {
        let e = ResponseFiles.expand(["@a"], readFile: { $0 == "a" ? "x.c @a" : nil })
        XCTAssertNotNil(e)
        XCTAssertEqual(e?.first?.word, "x.c")
        XCTAssertEqual(e?.first?.fromFile, true)
    }

    func testResponseFileOrigins() {
        let e = ResponseFiles.expand(["-c", "@r", "-o", "x.o"], readFile: { $0 == "r" ? "a.c b.c" : nil }) ?? []
        XCTAssertEqual(e.map(\.word), ["-c", "a.c", "b.c", "-o", "x.o"])
        XCTAssertEqual(e.map(\.origin), [0, 1, 1, 2, 3])
        XCTAssertEqual(e.map(\.fromFile), [false, true, true, false, false])
        XCTAssertNil(ResponseFiles.expand(["-c", "a.c"], readFile: { _ in nil }))
    }
}
