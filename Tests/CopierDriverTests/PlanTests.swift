import XCTest
@testable import CopierDriver

/// Table-driven: every case maps copier-cc's argv to the exact clang-19 argv.
final class PlanTests: XCTestCase {
    static let tc = Toolchain(clang: "/usr/lib/llvm-19/bin/clang", clangxx: "/usr/lib/llvm-19/bin/clang++",
                              libDir: "/opt/copier/lib", includeDir: "/opt/copier/include")
    static let I = ["-isystem", "/opt/copier/include"]
    /// Plugin flags without CopierGen (sanitizer only), and with it.
    static let P0 = ["-fplugin=/opt/copier/lib/CopierPasses.so", "-fpass-plugin=/opt/copier/lib/CopierPasses.so",
                     "-mllvm", "-copier-project-root=/proj"]
    /// CopierGen's locations: line tables the plugin strips again...
    static let P = P0 + ["-gline-tables-only", "-mllvm", "-copier-strip-debug"]
    /// ...or, when the user has a -g flag of their own, clang's remark-driven tracking.
    static let PR = P0 + ["-Rpass=^copier-location-tracking$"]
    static let L = ["-L/opt/copier/lib", "-Wl,-rpath,/opt/copier/lib", "-lcopier", "-pthread"]
    static let LS = ["-L/opt/copier/lib", "-Wl,-rpath,/opt/copier/lib", "-lcopier_san", "-pthread"]

    struct Case {
        let name: String
        let args: [String]
        let expect: [String]?     // clang's argv after argv[0]; nil: an error is expected
        var files: [String: String] = [:]
        var cxx = false
        var printCommands = false
        var errorContains = ""
    }

    static func plan(_ args: [String], cxx: Bool = false, files: [String: String] = [:],
                     root: @escaping () -> String = { "/proj" }) -> Plan {
        // Inputs named "missing*" do not exist; everything else does.
        Planner.plan(PlanRequest(args: args, isCXX: cxx, toolchain: tc, projectRoot: root,
                                 readFile: { files[$0] }, inputExists: { !$0.hasPrefix("missing") }))
    }

    static let cases: [Case] = {
        let I = PlanTests.I, P = PlanTests.P, L = PlanTests.L, LS = PlanTests.LS
        return [
            // Item 4: the ordinary modes.
            Case(name: "compile -c", args: ["-c", "a.c", "-o", "a.o"], expect: I + P + ["-c", "a.c", "-o", "a.o"]),
            Case(name: "compile -S", args: ["-S", "-O2", "a.c"], expect: I + P + ["-S", "-O2", "a.c"]),
            Case(name: "-E: header path, no plugin", args: ["-E", "a.c"], expect: I + ["-E", "a.c"]),
            Case(name: "-M only", args: ["-M", "a.c"], expect: I + ["-M", "a.c"]),
            Case(name: "-MM only", args: ["-MM", "a.c", "-MF", "a.d"], expect: I + ["-MM", "a.c", "-MF", "a.d"]),
            Case(name: "-MD -MF -MT -MQ with -c", args: ["-MD", "-MF", "dep.d", "-MT", "t.o", "-MQ", "q.o", "-c", "a.c"],
                 expect: I + P + ["-MD", "-MF", "dep.d", "-MT", "t.o", "-MQ", "q.o", "-c", "a.c"]),
            Case(name: "-MMD with -c", args: ["-MMD", "-c", "a.c"], expect: I + P + ["-MMD", "-c", "a.c"]),
            Case(name: "-fsyntax-only", args: ["-fsyntax-only", "a.c"], expect: I + ["-fsyntax-only", "a.c"]),
            Case(name: "compile and link", args: ["a.c", "-o", "prog"], expect: I + P + ["a.c", "-o", "prog"] + L),
            Case(name: "several sources, link", args: ["a.c", "b.c", "-lm"], expect: I + P + ["a.c", "b.c", "-lm"] + L),
            Case(name: "link-only objects", args: ["a.o", "b.o", "-o", "prog"], expect: ["a.o", "b.o", "-o", "prog"] + L),
            Case(name: "link-only archive and -l", args: ["main.o", "libx.a", "-lm"], expect: ["main.o", "libx.a", "-lm"] + L),
            Case(name: "link-only, only -l", args: ["-lfoo"], expect: ["-lfoo"] + L),
            Case(name: "link-only -Wl, input", args: ["-Wl,--whole-archive,x.a"], expect: ["-Wl,--whole-archive,x.a"] + L),
            Case(name: "-shared link of objects gets the shared runtime", args: ["-shared", "a.o", "-o", "libx.so"],
                 expect: ["-shared", "a.o", "-o", "libx.so"] + L),
            Case(name: "-shared -fPIC from source", args: ["-shared", "-fPIC", "a.c", "-o", "libx.so"],
                 expect: I + P + ["-shared", "-fPIC", "a.c", "-o", "libx.so"] + L),
            Case(name: "-r partial link: no runtime", args: ["-r", "a.o", "b.o", "-o", "c.o"], expect: ["-r", "a.o", "b.o", "-o", "c.o"]),
            Case(name: ".s: nothing of ours", args: ["-c", "x.s"], expect: ["-c", "x.s"]),
            Case(name: ".S: preprocessed asm, include path only", args: ["-c", "x.S"], expect: I + ["-c", "x.S"]),
            Case(name: ".i: compiled, not preprocessed", args: ["-c", "a.i"], expect: P + ["-c", "a.i"]),
            Case(name: "mixed .c and .s: LLVM options to cc1 only", args: ["-c", "a.c", "b.s"],
                 expect: I + P.prefix(2) + ["-Xclang", "-mllvm", "-Xclang", "-copier-project-root=/proj", "-Rpass=^copier-location-tracking$", "-c", "a.c", "b.s"]),
            Case(name: "mixed .c and .S with -fsanitize=copier", args: ["-fsanitize=copier", "-c", "a.c", "b.S"],
                 expect: I + P.prefix(2) + ["-Xclang", "-mllvm", "-Xclang", "-copier-project-root=/proj", "-Rpass=^copier-location-tracking$",
                                            "-Xclang", "-mllvm", "-Xclang", "-copier-san=1", "-fno-omit-frame-pointer", "-c", "a.c", "b.S"]),
            Case(name: "user -g: no line tables of ours", args: ["-g", "-c", "a.c"], expect: I + PR + ["-g", "-c", "a.c"]),
            Case(name: "user -g0: no line tables of ours", args: ["-c", "a.c", "-g0"], expect: I + PR + ["-c", "a.c", "-g0"]),
            Case(name: "user -gsplit-dwarf alone: no line tables (no .dwo)", args: ["-gsplit-dwarf", "-c", "a.c"],
                 expect: I + PR + ["-gsplit-dwarf", "-c", "a.c"]),
            Case(name: "--gcc-toolchain is not a debug flag", args: ["--gcc-toolchain=/usr", "-c", "a.c"],
                 expect: I + P + ["--gcc-toolchain=/usr", "-c", "a.c"]),
            Case(name: "-x c stdin to -o -", args: ["-x", "c", "-", "-c", "-o", "-"], expect: I + P + ["-x", "c", "-", "-c", "-o", "-"]),
            Case(name: "-x c stdin -E", args: ["-x", "c", "-E", "-"], expect: I + ["-x", "c", "-E", "-"]),
            Case(name: "-xc joined", args: ["-xc", "-c", "prog.txt"], expect: I + P + ["-xc", "-c", "prog.txt"]),
            Case(name: "-x assembler on a .c name", args: ["-x", "assembler", "-c", "a.c"], expect: ["-x", "assembler", "-c", "a.c"]),
            Case(name: "-x none resets", args: ["-x", "c", "p.txt", "-x", "none", "b.o", "-o", "p"],
                 expect: I + P + ["-x", "c", "p.txt", "-x", "none", "b.o", "-o", "p"] + L),
            Case(name: "-x c-header: no code", args: ["-x", "c-header", "a.h", "-o", "a.h.pch"],
                 expect: I + ["-x", "c-header", "a.h", "-o", "a.h.pch"]),
            Case(name: "-o value is not an input", args: ["-o", "x.c", "-c", "y.s"], expect: ["-o", "x.c", "-c", "y.s"]),
            Case(name: "-MF value is not an input", args: ["-MF", "dep.c", "-c", "y.s"], expect: ["-MF", "dep.c", "-c", "y.s"]),
            Case(name: "-include value is not an input", args: ["-include", "foo.c", "-c", "y.s"],
                 expect: ["-include", "foo.c", "-c", "y.s"]),
            Case(name: "-Xlinker value is not an input file", args: ["-Xlinker", "-lfoo", "a.o"],
                 expect: ["-Xlinker", "-lfoo", "a.o"] + L),
            Case(name: "-emit-llvm -c generates code", args: ["-emit-llvm", "-c", "a.c"], expect: I + P + ["-emit-llvm", "-c", "a.c"]),
            Case(name: "-Werror compile", args: ["-Werror", "-Wunused-command-line-argument", "-c", "a.c"],
                 expect: I + P + ["-Werror", "-Wunused-command-line-argument", "-c", "a.c"]),
            Case(name: "-Werror link-only", args: ["-Werror", "a.o"], expect: ["-Werror", "a.o"] + L),
            Case(name: "-### is a modifier", args: ["-###", "-c", "a.c"], expect: I + P + ["-###", "-c", "a.c"]),
            Case(name: "-v with inputs is a modifier", args: ["-v", "a.c"], expect: I + P + ["-v", "a.c"] + L),
            Case(name: "-- ends options", args: ["-c", "--", "a.c"], expect: I + P + ["-c", "--", "a.c"]),
            Case(name: "-- on a link: runtime before it", args: ["-o", "p", "--", "a.o"], expect: ["-o", "p"] + L + ["--", "a.o"]),
            // Info-only calls pass through unchanged.
            Case(name: "--version", args: ["--version"], expect: ["--version"]),
            Case(name: "-v alone", args: ["-v"], expect: ["-v"]),
            Case(name: "-### alone", args: ["-###"], expect: ["-###"]),
            Case(name: "-dumpversion", args: ["-dumpversion"], expect: ["-dumpversion"]),
            Case(name: "-dumpmachine", args: ["-dumpmachine"], expect: ["-dumpmachine"]),
            Case(name: "-print-file-name", args: ["-print-file-name=libc.so"], expect: ["-print-file-name=libc.so"]),
            Case(name: "-print-prog-name with an input", args: ["-print-prog-name=ld", "a.c"], expect: ["-print-prog-name=ld", "a.c"]),
            Case(name: "-print-search-dirs", args: ["-print-search-dirs"], expect: ["-print-search-dirs"]),
            Case(name: "--help", args: ["--help"], expect: ["--help"]),
            Case(name: "no input at all", args: ["-Werror", "-O2"], expect: ["-Werror", "-O2"]),
            Case(name: "only missing inputs: no runtime to hide 'no input files'", args: ["missing.o", "-o", "p"],
                 expect: ["missing.o", "-o", "p"]),
            Case(name: "a missing and a present input", args: ["missing.o", "b.o"], expect: ["missing.o", "b.o"] + L),
            Case(name: "our flags out of top-level words, @file kept", args: ["--copier-print-commands", "@c.rsp", "-fsanitize=copier,undefined"],
                 expect: I + P + ["-mllvm", "-copier-san=1", "-fno-omit-frame-pointer", "@c.rsp", "-fsanitize=undefined"], files: ["c.rsp": "-c a.c"], printCommands: true),
            // Response files: classified by content, passed on as written.
            Case(name: "@file compile", args: ["@args.rsp"], expect: I + P + ["@args.rsp"], files: ["args.rsp": "-c a.c -o a.o\n"]),
            Case(name: "@file link-only", args: ["@objs.rsp", "-o", "p"], expect: ["@objs.rsp", "-o", "p"] + L,
                 files: ["objs.rsp": "a.o 'b c.o'"]),
            Case(name: "nested @file", args: ["@outer"], expect: I + ["@outer"], files: ["outer": "-E @inner", "inner": "a.c"]),
            Case(name: "@file holding our flag is expanded", args: ["@r"], expect: I + ["-c", "a.c"],
                 files: ["r": "-fno-copier-gen -c a.c"]),
            Case(name: "missing @file stays a word", args: ["@nope", "-c", "a.c"], expect: I + P + ["@nope", "-c", "a.c"]),
            // copier-c++
            Case(name: "copier-c++ link", args: ["a.cpp", "-o", "p"], expect: I + P + ["a.cpp", "-o", "p"] + L, cxx: true),
            // Item 5: our own flags.
            Case(name: "-fno-copier-gen compile: no plugin", args: ["-fno-copier-gen", "-c", "a.c"], expect: I + ["-c", "a.c"]),
            Case(name: "-fno-copier-gen link still links the runtime", args: ["-fno-copier-gen", "a.c", "-o", "p"],
                 expect: I + ["a.c", "-o", "p"] + L),
            Case(name: "-fcopier-gen after -fno-copier-gen", args: ["-fno-copier-gen", "-fcopier-gen", "-c", "a.c"],
                 expect: I + P + ["-c", "a.c"]),
            Case(name: "-fcopier-min-size", args: ["-fcopier-min-size=64", "-c", "a.c"],
                 expect: I + P + ["-mllvm", "-copier-min-size=64", "-c", "a.c"]),
            Case(name: "-fcopier-min-size=0", args: ["-c", "a.c", "-fcopier-min-size=0"],
                 expect: I + P + ["-mllvm", "-copier-min-size=0", "-c", "a.c"]),
            Case(name: "-fcopier-min-size on link-only", args: ["-fcopier-min-size=64", "a.o"], expect: ["a.o"] + L),
            Case(name: "-fsanitize=copier compile", args: ["-fsanitize=copier", "-c", "a.c"],
                 expect: I + P + ["-mllvm", "-copier-san=1", "-fno-omit-frame-pointer", "-c", "a.c"]),
            Case(name: "-fsanitize=copier link", args: ["-fsanitize=copier", "a.o", "-o", "p"], expect: ["a.o", "-o", "p"] + LS),
            Case(name: "-fsanitize=copier -shared", args: ["-fsanitize=copier", "-shared", "a.o"], expect: ["-shared", "a.o"] + LS),
            Case(name: "-fsanitize=copier,undefined keeps undefined", args: ["-fsanitize=copier,undefined", "a.c"],
                 expect: I + P + ["-mllvm", "-copier-san=1", "-fno-omit-frame-pointer", "-fsanitize=undefined", "a.c"] + LS),
            Case(name: "-fsanitize=undefined,copier,integer", args: ["-fsanitize=undefined,copier,integer", "-c", "a.c"],
                 expect: I + P + ["-mllvm", "-copier-san=1", "-fno-omit-frame-pointer", "-fsanitize=undefined,integer", "-c", "a.c"]),
            Case(name: "-fno-sanitize=copier cancels", args: ["-fsanitize=copier", "-fno-sanitize=copier", "-c", "a.c"],
                 expect: I + P + ["-c", "a.c"]),
            Case(name: "-fno-sanitize=copier,undefined keeps the rest", args: ["-fsanitize=copier,undefined", "-fno-sanitize=copier,undefined", "-c", "a.c"],
                 expect: I + P + ["-fsanitize=undefined", "-fno-sanitize=undefined", "-c", "a.c"]),
            Case(name: "-fsanitize=copier -fno-copier-gen", args: ["-fsanitize=copier", "-fno-copier-gen", "-c", "a.c"],
                 expect: I + P0 + ["-mllvm", "-copier-gen=0", "-mllvm", "-copier-san=1", "-fno-omit-frame-pointer", "-c", "a.c"]),
            Case(name: "-fsanitize=copier -fno-copier-gen drops min-size", args: ["-fsanitize=copier", "-fno-copier-gen", "-fcopier-min-size=8", "-c", "a.c"],
                 expect: I + P0 + ["-mllvm", "-copier-gen=0", "-mllvm", "-copier-san=1", "-fno-omit-frame-pointer", "-c", "a.c"]),
            Case(name: "-fno-sanitize=all turns ours off too", args: ["-fsanitize=copier,undefined", "-fno-sanitize=all", "a.o"],
                 expect: ["-fsanitize=undefined", "-fno-sanitize=all", "a.o"] + L),
            Case(name: "address after it was disabled", args: ["-fsanitize=address", "-fno-sanitize=address", "-fsanitize=copier", "-c", "a.c"],
                 expect: I + P + ["-mllvm", "-copier-san=1", "-fno-omit-frame-pointer", "-fsanitize=address", "-fno-sanitize=address", "-c", "a.c"]),
            Case(name: "-fsanitize=address,copier unsupported", args: ["-fsanitize=address,copier", "-c", "a.c"], expect: nil,
                 errorContains: "cannot be combined with -fsanitize=address"),
            Case(name: "-fsanitize=copier then thread", args: ["-fsanitize=copier", "-fsanitize=thread", "a.c"], expect: nil,
                 errorContains: "-fsanitize=thread"),
            Case(name: "--copier-print-commands", args: ["--copier-print-commands", "-c", "a.c"], expect: I + P + ["-c", "a.c"],
                 printCommands: true),
            Case(name: "--copier-print-commands info-only", args: ["--copier-print-commands", "--version"], expect: ["--version"],
                 printCommands: true),
            Case(name: "malformed min-size", args: ["-fcopier-min-size=abc", "-c", "a.c"], expect: nil,
                 errorContains: "invalid value 'abc' in '-fcopier-min-size=abc'"),
            Case(name: "negative min-size", args: ["-fcopier-min-size=-1"], expect: nil, errorContains: "non-negative integer"),
            Case(name: "empty min-size", args: ["-fcopier-min-size="], expect: nil, errorContains: "invalid value ''"),
            Case(name: "min-size without =", args: ["-fcopier-min-size", "8"], expect: nil, errorContains: "needs a value"),
            Case(name: "unknown Copier flag", args: ["-fcopier-bogus"], expect: nil, errorContains: "unknown Copier option '-fcopier-bogus'"),
        ]
    }()

    func testTable() {
        var names = Set<String>()
        for c in Self.cases {
            XCTAssertTrue(names.insert(c.name).inserted, "duplicate case name \(c.name)")
            let got = Self.plan(c.args, cxx: c.cxx, files: c.files)
            let clang = c.cxx ? Self.tc.clangxx : Self.tc.clang
            if let exp = c.expect {
                XCTAssertEqual(got, .run(Command(executable: clang, argv: [clang] + exp), printCommands: c.printCommands),
                               "case: \(c.name)")
            } else {
                guard case .fail(let msg) = got else { XCTFail("case \(c.name): expected an error, got \(got)"); continue }
                XCTAssertTrue(msg.hasPrefix("copier-cc: error: "), "case \(c.name): \(msg)")
                XCTAssertTrue(msg.contains(c.errorContains), "case \(c.name): \(msg)")
                XCTAssertFalse(msg.contains("\n"), "case \(c.name): one line")
            }
        }
        XCTAssertGreaterThanOrEqual(Self.cases.count, 70)
    }

    func testProjectRootOnlyComputedWhenPluginLoaded() {
        var asked = 0
        _ = Self.plan(["a.o", "-o", "p"], root: { asked += 1; return "/x" })
        _ = Self.plan(["-E", "a.c"], root: { asked += 1; return "/x" })
        _ = Self.plan(["-fno-copier-gen", "-c", "a.c"], root: { asked += 1; return "/x" })
        XCTAssertEqual(asked, 0)
        _ = Self.plan(["-c", "a.c"], root: { asked += 1; return "/x" })
        XCTAssertEqual(asked, 1)
    }

    func testShellQuote() {
        XCTAssertEqual(shellQuote(["/usr/bin/clang", "-DX=1", "a b", "it's", ""]),
                       "/usr/bin/clang -DX=1 'a b' 'it'\\''s' ''")
    }

    func testVersion() { XCTAssertEqual(CopierDriver.version, "0.1") }
}
