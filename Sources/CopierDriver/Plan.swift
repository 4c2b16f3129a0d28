// The driver's pure core: (argv, toolchain paths, project root) -> the one
// clang-19 command to run, or an error. No I/O except through the injected
// readFile (for @response files), so tests can assert exact command lines.

/// Where clang-19 and copier-cc's own plugin, runtime and header live.
public struct Toolchain: Equatable, Sendable {
    public var clang: String       // C driver, e.g. /usr/lib/llvm-19/bin/clang
    public var clangxx: String     // C++ driver from the same directory
    public var libDir: String      // CopierPasses.so, libcopier*.{a,so}
    public var includeDir: String  // copier.h

    public init(clang: String, clangxx: String, libDir: String, includeDir: String) {
        self.clang = clang; self.clangxx = clangxx; self.libDir = libDir; self.includeDir = includeDir
    }
    public var plugin: String { libDir + "/CopierPasses.so" }
}

/// A program and its complete argv (argv[0] included).
public struct Command: Equatable, Sendable {
    public var executable: String
    public var argv: [String]
    public init(executable: String, argv: [String]) { self.executable = executable; self.argv = argv }
}

public enum Plan: Equatable, Sendable {
    /// exec this command; print it to stderr first if asked (--copier-print-commands).
    case run(Command, printCommands: Bool)
    /// A problem with copier-cc's own flags: print `message` on stderr, exit 1.
    case fail(message: String)
}

public struct PlanRequest {
    public var args: [String]             // argv without argv[0]
    public var isCXX: Bool                // invoked as copier-c++
    public var toolchain: Toolchain
    public var projectRoot: () -> String  // lazy: only needed when the plugin is loaded
    public var readFile: (String) -> String?
    /// Whether an input file exists: clang drops missing ones, and with none
    /// left it says "no input files" — which a runtime -l would hide.
    public var inputExists: (String) -> Bool

    public init(args: [String], isCXX: Bool = false, toolchain: Toolchain,
                projectRoot: @escaping () -> String, readFile: @escaping (String) -> String? = { _ in nil },
                inputExists: @escaping (String) -> Bool = { _ in true }) {
        self.args = args; self.isCXX = isCXX; self.toolchain = toolchain
        self.projectRoot = projectRoot; self.readFile = readFile; self.inputExists = inputExists
    }
}

/// What clang will do with one input, as far as Copier cares.
enum InputClass {
    case source        // C/C++/Objective-C to preprocess and compile: isystem + plugin
    case preprocessed  // .i/.ii: compiled, not preprocessed: plugin only
    case header        // precompiled header: preprocessed, no code
    case asmWithCpp    // .S: preprocessed, assembled, no IR
    case asm           // .s: assembled only
    case other         // IR, objects, archives, libraries: nothing of ours
}

enum Phase: Int, Comparable {
    case preprocess, noCodegen, compile, assemble, link
    static func < (a: Phase, b: Phase) -> Bool { a.rawValue < b.rawValue }
}

public enum Planner {
    public static func plan(_ req: PlanRequest) -> Plan {
        let tc = req.toolchain
        let clangPath = req.isCXX ? tc.clangxx : tc.clang
        let expanded = ResponseFiles.expand(req.args, readFile: req.readFile)
        let words = expanded?.map { $0.word } ?? req.args

        var own = CopierFlags()
        var forward: [String] = []   // words minus our own flags (rewritten -fsanitize=)
        forward.reserveCapacity(words.count + 12)
        // Our flags found in top-level words: index -> replacement (nil: drop).
        var topLevelEdits: [Int: String?] = [:]
        var editInsideFile = false
        func edited(_ at: Int, _ replacement: String?) {
            if let e = expanded {
                if e[at].fromFile { editInsideFile = true } else { topLevelEdits[e[at].origin] = replacement }
            } else {
                topLevelEdits[at] = replacement
            }
        }
        var xLang: String? = nil
        var classes: [InputClass] = []
        var linkerInputs = 0
        var sawE = false, sawSyntaxOnly = false, sawS = false, sawC = false
        var relocatable = false, infoOnly = false

        var i = 0
        while i < words.count {
            let w = words[i]
            // "--": everything after it is an input, as in clang.
            if w == "--" {
                for f in words[(i + 1)...] {
                    if req.inputExists(f) { classes.append(classify(f, xLang: xLang, isCXX: req.isCXX)) }
                }
                forward.append(contentsOf: words[i...])
                break
            }
            switch own.consume(w) {
            case .notOurs: break
            case .consumed:
                edited(i, nil); i += 1; continue
            case .error(let msg):
                return .fail(message: "copier-cc: error: " + msg)
            }
            let (arg, used) = ClangArgParser.parseOne(words, at: i)
            let at = i
            i += used
            switch arg.kind {
            case .input:
                if w == "-" || req.inputExists(w) { classes.append(classify(w, xLang: xLang, isCXX: req.isCXX)) }
            case .unknown:
                break
            case .option(let id, let linker):
                if linker { linkerInputs += 1 }
                switch id {
                case "x": xLang = arg.values.first.flatMap { $0 == "none" ? nil : $0 }
                case "E", "M", "MM": sawE = true
                case "fsyntax_only", "_precompile", "emit_ast", "fdriver_only": sawSyntaxOnly = true
                case "S": sawS = true
                case "c": sawC = true
                case "r": relocatable = true
                case "help", "_help_hidden", "_version", "dumpversion", "dumpmachine", "dumpspecs":
                    infoOnly = true
                case "fsanitize_EQ", "fno_sanitize_EQ":
                    let enable = id == "fsanitize_EQ"
                    let rest = own.sanitizerList(arg.values, enable: enable)
                    if rest.count != arg.values.count {
                        let kept = rest.isEmpty ? nil : (enable ? "-fsanitize=" : "-fno-sanitize=") + rest.joined(separator: ",")
                        if let k = kept { forward.append(k) }
                        edited(at, kept)
                        continue
                    }
                default:
                    if isPrintQuery(w, id: id) { infoOnly = true }
                }
            }
            forward.append(contentsOf: arg.words)
        }

        if let msg = own.unsupportedCombination() { return .fail(message: "copier-cc: error: " + msg) }

        // clang gets the user's own words, response files unexpanded, minus our
        // flags; only when one of our flags sits inside a response file does it
        // get the expanded (equivalent) words instead.
        var clangArgs: [String]
        if editInsideFile {
            clangArgs = forward
        } else if topLevelEdits.isEmpty {
            clangArgs = req.args
        } else {
            clangArgs = []
            clangArgs.reserveCapacity(req.args.count + 12)
            for (k, w) in req.args.enumerated() {
                if let edit = topLevelEdits[k] {
                    if let r = edit { clangArgs.append(r) }
                } else {
                    clangArgs.append(w)
                }
            }
        }
        let inputs = classes.count + linkerInputs

        var compileFlags: [String] = []
        var linkFlags: [String] = []
        if !infoOnly && inputs > 0 {
            let phase: Phase = sawE ? .preprocess : sawSyntaxOnly ? .noCodegen
                : sawS ? .compile : sawC ? .assemble : .link
            let preprocesses = classes.contains { $0 == .source || $0 == .header || $0 == .asmWithCpp }
            let compilesC = phase >= .compile && classes.contains { $0 == .source || $0 == .preprocessed }
            if preprocesses { compileFlags += ["-isystem", tc.includeDir] }
            if compilesC && own.loadsPlugin {
                // clang also hands -mllvm to its integrated assembler, which has
                // not loaded the plugin and rejects our options: when the call
                // assembles .s/.S files too, address them to cc1 alone.
                let toCC1 = classes.contains { $0 == .asm || $0 == .asmWithCpp }
                func llvmOpt(_ o: String) -> [String] { toCC1 ? ["-Xclang", "-mllvm", "-Xclang", o] : ["-mllvm", o] }
                compileFlags += ["-fplugin=" + tc.plugin, "-fpass-plugin=" + tc.plugin]
                compileFlags += llvmOpt("-copier-project-root=" + req.projectRoot())
                // Source locations for CopierGen's records and remarks without
                // -g. Cheapest: -gline-tables-only, dropped again by the plugin
                // after the Copier passes (no debug sections, same code). When
                // the user has any -g flag of their own (it may be -g0, or
                // -gsplit-dwarf, which would write a .dwo), or the call also
                // assembles (the assembler would emit line tables), fall back
                // to -Rpass: it too makes clang track locations, but builds
                // every pass's remarks only to filter them out (+5-9% CPU).
                // This one matches no pass, so nothing is printed; a user's
                // own -Rpass comes later on the line and wins.
                if own.gen {
                    if toCC1 || words.contains(where: Planner.isUserDebugFlag) {
                        compileFlags.append(locationTrackingFlag)
                    } else {
                        compileFlags.append(lineTablesFlag)
                        compileFlags += llvmOpt("-copier-strip-debug")
                    }
                }
                if !own.gen { compileFlags += llvmOpt("-copier-gen=0") }
                if own.sanitize {
                    // Frame pointers let the sanitizer record each copy's
                    // submitting stack with a cheap frame walk (a DWARF
                    // unwind per amemcpy made small-copy code 60x slower).
                    compileFlags += llvmOpt("-copier-san=1") + ["-fno-omit-frame-pointer"]
                }
                if let n = own.minSize, own.gen { compileFlags += llvmOpt("-copier-min-size=" + n) }
            }
            // -shared links get the shared runtime too, never a private static copy
            // of the engine's state; -r is a partial link: no libraries belong in it;
            // headers alone stop at precompilation and link nothing.
            let linksSomething = linkerInputs > 0 || classes.contains { $0 != .header }
            if phase == .link && !relocatable && linksSomething {
                linkFlags = ["-L" + tc.libDir, "-Wl,-rpath," + tc.libDir,
                             own.sanitize ? "-lcopier_san" : "-lcopier", "-pthread"]
            }
        }
        // Compile flags go first (they are not inputs, and must precede a "--");
        // the runtime goes after the user's inputs, but before a "--".
        let dashdash = clangArgs.firstIndex(of: "--") ?? clangArgs.count
        clangArgs.insert(contentsOf: linkFlags, at: dashdash)
        clangArgs.insert(contentsOf: compileFlags, at: 0)
        return .run(Command(executable: clangPath, argv: [clangPath] + clangArgs),
                    printCommands: own.printCommands)
    }

    /// Turns on clang's location tracking (see its use above).
    public static let locationTrackingFlag = "-Rpass=^copier-location-tracking$"
    /// Line tables for CopierGen's locations, stripped after the Copier passes.
    public static let lineTablesFlag = "-gline-tables-only"

    /// A word by which the user takes charge of debug info: any -g... flag
    /// (-g, -g0, -ggdb3, -gdwarf-5, -gsplit-dwarf, -gz, ...) but clang's
    /// -gcc-toolchain / -gcc-install-dir.
    static func isUserDebugFlag(_ w: String) -> Bool {
        w.hasPrefix("-g") && !w.hasPrefix("-gcc-")
    }

    /// -print-* queries answer and exit (except the two that are real flags).
    static func isPrintQuery(_ word: String, id: String) -> Bool {
        guard word.hasPrefix("-print-") || word.hasPrefix("--print-") else { return false }
        return id != "print_ivar_layout" && id != "MG"
    }

    /// The input's type from -x, else from its extension, as clang's driver does.
    static func classify(_ input: String, xLang: String?, isCXX: Bool) -> InputClass {
        if let x = xLang { return classifyLanguage(x) }
        if input == "-" { return .source }  // clang requires -x or -E; C either way
        guard let dot = input.lastIndex(of: "."), !input[dot...].contains("/") else { return .other }
        switch input[input.index(after: dot)...] {
        case "c", "C", "cc", "CC", "cp", "cpp", "CPP", "cxx", "CXX", "c++", "C++", "m", "mm", "M",
             "cu", "hip", "cppm", "ixx", "c++m", "cl", "clcpp": return .source
        case "i", "ii", "mi", "mii": return .preprocessed
        case "h", "H", "hh", "hpp", "hxx": return .header
        case "S", "sx": return .asmWithCpp
        case "s": return .asm
        default: return .other
        }
    }

    static func classifyLanguage(_ x: String) -> InputClass {
        switch x {
        case "c", "c++", "objective-c", "objective-c++", "cuda", "hip", "c++-module", "cl", "clcpp":
            return .source
        case "cpp-output", "c++-cpp-output", "objective-c-cpp-output", "objective-c++-cpp-output",
             "objc-cpp-output", "objc++-cpp-output":
            return .preprocessed
        case "c-header", "c++-header", "objective-c-header", "objective-c++-header",
             "c-header-cpp-output", "c++-header-cpp-output", "c++-user-header", "c++-system-header":
            return .header
        case "assembler-with-cpp": return .asmWithCpp
        case "assembler": return .asm
        default: return .other  // ir, none-such, ...: clang decides
        }
    }
}
