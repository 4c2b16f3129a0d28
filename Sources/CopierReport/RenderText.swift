import Foundation

/// `--format text`: per source file and line, each decision with its source
/// line and a caret beneath it, then the summary.
public struct TextRenderer {
    public var color: Bool
    public var sources: SourceStore
    public var namer: ExpressionNaming?

    public init(color: Bool, sources: SourceStore, namer: ExpressionNaming? = nil) {
        self.color = color; self.sources = sources; self.namer = namer
    }

    func paint(_ s: String, _ code: String) -> String { color ? "\u{1b}[\(code)m\(s)\u{1b}[0m" : s }

    public func render(_ audit: Audit) -> String {
        var out = ""
        for (file, items) in audit.byFile() {
            out += paint(file, "1") + "\n"
            let haveSource = sources.lines(of: file) != nil
            if !haveSource {
                out += "  (source not found: \(sources.path(of: file)); use --source-root to point at the project)\n"
            }
            for r in items { out += item(r, audit: audit, showSource: haveSource) }
            out += "\n"
        }
        out += summary(audit.summary)
        return out
    }

    public func item(_ r: Record, audit: Audit, showSource: Bool) -> String {
        let (tag, code): (String, String) = {
            switch r.kind {
            case .copy: return r.converted ? ("copy", "32") : ("copy", "33")
            case .csync: return ("csync", "36")
            case .csyncRemoved: return ("removed", "35")
            case .loopPipelined: return ("pipelined", "34")
            case .handoff: return ("handoff", "34")
            case .returnHandoff: return ("return handoff", "34")
            case .module: return ("module", "0")
            }
        }()
        var line = "  \(r.file):\(r.line):\(r.col): \(paint(tag, "1;" + code)): \(audit.describe(r))"
        var extras: [String] = []
        if let n = mapped(r, audit: audit) { extras.append(n) }
        if !r.function.isEmpty { extras.append("in \(r.function)") }
        if r.kind == .copy { extras.append("site \(r.site)") }
        if !extras.isEmpty { line += "  [" + extras.joined(separator: ", ") + "]" }
        var out = line + "\n"
        for f in r.inlinedAt {
            out += "      inlined into \(f.function.isEmpty ? "?" : f.function) at \(f.file):\(f.line):\(f.col)\n"
        }
        if showSource { out += sourceSnippet(r.file, r.line, r.col) }
        return out
    }

    /// What libclang says the C expression is, when debug info gave no name.
    func mapped(_ r: Record, audit: Audit) -> String? {
        guard let namer else { return nil }
        switch r.kind {
        case .copy where r.dst.isEmpty:
            return namer.copyDestination(file: r.file, line: r.line, col: r.col).map { "destination `\($0)`" }
        case .csync:
            return namer.expression(file: r.file, line: r.line, col: r.col).map { "at `\($0)`" }
        default:
            return nil
        }
    }

    func sourceSnippet(_ file: String, _ line: Int, _ col: Int) -> String {
        if line <= 0 {
            return "      (no source line recorded: the object was built without -g and without location tracking)\n"
        }
        guard let text = sources.line(file, line) else {
            return "      (line \(line) is past the end of \(sources.path(of: file)): source changed since the build?)\n"
        }
        let num = String(line)
        var out = "      \(num) | \(text)\n"
        if col >= 1 {
            // Keep tabs so the caret lines up under the same glyph.
            let prefix = text.prefix(col - 1).map { $0 == "\t" ? "\t" : " " }.joined()
            out += "      \(String(repeating: " ", count: num.count)) | \(prefix)\(paint("^", "1;32"))\n"
        }
        return out
    }

    public func summary(_ s: Audit.Summary) -> String {
        var out = paint("Summary", "1") + "\n"
        out += "  copy sites:           \(s.sites)\n"
        out += "  converted:            \(s.converted)\n"
        out += "  not converted:        \(s.sites - s.converted)\n"
        out += "  csyncs:               \(s.csyncs)\n"
        out += "  csyncs per converted: \(String(format: "%.2f", s.csyncsPerConvertedCopy))\n"
        out += "  removed as redundant: \(s.removedCsyncs)\n"
        out += "  pipelined loops:      \(s.pipelinedLoops)\n"
        out += "  first use moved away: \(s.firstUseMoved) of \(s.converted) converted\n"
        out += "  return hand-offs:     \(s.returnHandoffs)\n"
        out += histogram("copy reasons", s.copyReasons)
        out += histogram("csync reasons", s.csyncReasons)
        return out
    }

    func histogram(_ title: String, _ h: [String: Int]) -> String {
        guard !h.isEmpty else { return "" }
        var out = "  \(title):\n"
        let maxCount = h.values.max() ?? 1
        let width = h.keys.map(\.count).max() ?? 0
        for (k, v) in h.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            let bar = String(repeating: "#", count: max(1, v * 30 / max(1, maxCount)))
            out += "    \(k.padding(toLength: width, withPad: " ", startingAt: 0))  \(String(v).leftPad(6))  \(bar)\n"
        }
        return out
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
