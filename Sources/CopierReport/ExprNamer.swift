import CClang
import Foundation

/// The libclang namer, or nil when libclang cannot be set up.
public func makeExpressionNamer(sourceRoot: String, args: [String] = []) -> ExpressionNaming? {
    ClangExpressionNamer(sourceRoot: sourceRoot, args: args)
}

/// Names C expressions with libclang: parses each source file once (with
/// the project root and the file's directory as include paths) and finds
/// the AST node at a record's line and column. Debug locations of code from
/// a macro point at the macro's use, so nodes are matched by their
/// expansion location, and the text is taken from the spelling when that is
/// in the same file (a macro argument), else from the macro use itself.
final class ClangExpressionNamer: ExpressionNaming {
    let root: String
    let args: [String]
    let index: CXIndex
    var units: [String: CXTranslationUnit?] = [:]
    var texts: [String: [UInt8]] = [:]

    init?(sourceRoot: String, args: [String]) {
        guard let idx = clang_createIndex(0, 0) else { return nil }
        root = sourceRoot; self.args = args; index = idx
    }

    deinit {
        for case let tu? in units.values { clang_disposeTranslationUnit(tu) }
        clang_disposeIndex(index)
    }

    func path(_ file: String) -> String { file.hasPrefix("/") ? file : (root as NSString).appendingPathComponent(file) }

    func unit(_ file: String) -> CXTranslationUnit? {
        if let u = units[file] { return u }
        let p = path(file)
        var tu: CXTranslationUnit? = nil
        if FileManager.default.isReadableFile(atPath: p) {
            let all = ["-x", "c", "-std=gnu17", "-I", root, "-I", (p as NSString).deletingLastPathComponent, "-w"] + args
            var cargs = all.map { strdup($0) }
            defer { cargs.forEach { free($0) } }
            let opts = CXTranslationUnit_DetailedPreprocessingRecord.rawValue | CXTranslationUnit_KeepGoing.rawValue
            cargs.withUnsafeMutableBufferPointer { buf in
                buf.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buf.count) { argv in
                    _ = clang_parseTranslationUnit2(index, p, argv, Int32(buf.count), nil, 0, UInt32(opts), &tu)
                }
            }
            if let d = FileManager.default.contents(atPath: p) { texts[file] = Array(d) }
        }
        units[file] = tu
        return tu
    }

    // MARK: AST search

    struct Node { var cursor: CXCursor; var depth: Int; var line: UInt32; var col: UInt32 }

    /// Collected while visiting: every node whose expansion range holds the
    /// wanted position, outermost first.
    final class Search {
        let line: UInt32, col: UInt32
        let file: CXFile?
        var chain: [Node] = []
        var depth = 0
        init(line: Int, col: Int, file: CXFile?) { self.line = UInt32(line); self.col = UInt32(max(col, 1)); self.file = file }
    }

    static func expansion(_ loc: CXSourceLocation) -> (CXFile?, UInt32, UInt32, UInt32) {
        var f: CXFile? = nil
        var l: UInt32 = 0, c: UInt32 = 0, o: UInt32 = 0
        clang_getExpansionLocation(loc, &f, &l, &c, &o)
        return (f, l, c, o)
    }

    func mainFile(_ tu: CXTranslationUnit, _ file: String) -> CXFile? { clang_getFile(tu, path(file)) }

    func containing(_ tu: CXTranslationUnit, file: String, line: Int, col: Int) -> [Node] {
        let search = Search(line: line, col: col, file: mainFile(tu, file))
        let root = clang_getTranslationUnitCursor(tu)
        let ctx = Unmanaged.passUnretained(search).toOpaque()
        clang_visitChildren(root, { cursor, _, data in
            let s = Unmanaged<Search>.fromOpaque(data!).takeUnretainedValue()
            let ext = clang_getCursorExtent(cursor)
            let (f0, l0, c0, _) = ClangExpressionNamer.expansion(clang_getRangeStart(ext))
            let (_, l1, c1, _) = ClangExpressionNamer.expansion(clang_getRangeEnd(ext))
            // Only nodes used in the file itself (expansion location, so
            // code from macros counts), so headers are not walked.
            if clang_File_isEqual(f0, s.file) == 0 { return CXChildVisit_Continue }
            let afterStart = (l0 < s.line) || (l0 == s.line && c0 <= s.col)
            let beforeEnd = (l1 > s.line) || (l1 == s.line && c1 > s.col)
            guard afterStart && beforeEnd else { return CXChildVisit_Continue }
            s.depth += 1
            s.chain.append(Node(cursor: cursor, depth: s.depth, line: l0, col: c0))
            return CXChildVisit_Recurse
        }, ctx)
        return search.chain
    }

    /// Source text of a cursor: its spelling range when that lies in one
    /// file in order (plain code, macro arguments), else the expansion.
    func text(_ cursor: CXCursor, tu: CXTranslationUnit, file: String) -> String? {
        guard let bytes = texts[file] else { return nil }
        let main = mainFile(tu, file)
        let ext = clang_getCursorExtent(cursor)
        func spelling(_ loc: CXSourceLocation) -> (CXFile?, UInt32) {
            var f: CXFile? = nil
            var l: UInt32 = 0, c: UInt32 = 0, o: UInt32 = 0
            clang_getSpellingLocation(loc, &f, &l, &c, &o)
            return (f, o)
        }
        let (sf, so) = spelling(clang_getRangeStart(ext)), (ef, eo) = spelling(clang_getRangeEnd(ext))
        var start = Int(so), end = Int(eo)
        var fromMacro = false
        if clang_File_isEqual(sf, main) == 0 || clang_File_isEqual(ef, main) == 0 || end <= start {
            let (_, _, _, o0) = ClangExpressionNamer.expansion(clang_getRangeStart(ext))
            let (_, _, _, o1) = ClangExpressionNamer.expansion(clang_getRangeEnd(ext))
            start = Int(o0); end = Int(o1); fromMacro = true
        }
        guard start >= 0, end <= bytes.count, end > start else { return nil }
        var s = String(decoding: bytes[start..<end], as: UTF8.self)
        s = s.split(whereSeparator: { $0 == "\n" || $0 == "\t" }).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        if s.count > 80 { s = String(s.prefix(77)) + "..." }
        return fromMacro ? s + " (macro)" : s
    }

    static let copyFunctions: Set<String> = ["memcpy", "memmove", "__memcpy_chk", "__memmove_chk",
                                             "__builtin_memcpy", "__builtin_memmove", "__builtin___memcpy_chk", "__builtin___memmove_chk"]

    func copyDestination(file: String, line: Int, col: Int) -> String? {
        guard let tu = unit(file) else { return nil }
        let chain = containing(tu, file: file, line: line, col: col)
        for n in chain.reversed() where clang_getCursorKind(n.cursor) == CXCursor_CallExpr {
            let name = clang_getCursorSpelling(n.cursor)
            let callee = String(cString: clang_getCString(name)); clang_disposeString(name)
            guard ClangExpressionNamer.copyFunctions.contains(callee), clang_Cursor_getNumArguments(n.cursor) >= 1 else { continue }
            return text(clang_Cursor_getArgument(n.cursor, 0), tu: tu, file: file)
        }
        return nil
    }

    func expression(file: String, line: Int, col: Int) -> String? {
        guard let tu = unit(file) else { return nil }
        let chain = containing(tu, file: file, line: line, col: col)
        let exprs = chain.filter { clang_isExpression(clang_getCursorKind($0.cursor)) != 0 }
        // The innermost access or call is what the load, store or call was;
        // an access that is the base of a larger one (p->body in
        // p->body[i]) stands for the larger one.
        let access: Set<UInt32> = [CXCursor_CallExpr.rawValue, CXCursor_ArraySubscriptExpr.rawValue,
                                   CXCursor_MemberRefExpr.rawValue, CXCursor_UnaryOperator.rawValue]
        let passThrough: Set<UInt32> = [CXCursor_UnexposedExpr.rawValue, CXCursor_ParenExpr.rawValue]
        if var i = exprs.lastIndex(where: { access.contains(clang_getCursorKind($0.cursor).rawValue) }) {
            var j = i - 1
            while j >= 0 {
                let k = clang_getCursorKind(exprs[j].cursor).rawValue
                if passThrough.contains(k) { j -= 1; continue }
                guard k == CXCursor_ArraySubscriptExpr.rawValue || k == CXCursor_MemberRefExpr.rawValue,
                      exprs[j].line == exprs[i].line, exprs[j].col == exprs[i].col else { break }
                i = j; j -= 1
            }
            return text(exprs[i].cursor, tu: tu, file: file)
        }
        return exprs.last.flatMap { text($0.cursor, tu: tu, file: file) }
    }
}
