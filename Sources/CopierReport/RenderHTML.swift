import Foundation

/// `--format html`: one self-contained page (inline CSS, no scripts needed).
/// Like scan-build's reports, source files are shown with numbered lines and
/// each decision as a bubble under its line; each copy links to its csyncs
/// and each csync back to its copy (anchors, highlighted with :target).
public struct HTMLRenderer {
    public var sources: SourceStore
    public var namer: ExpressionNaming?
    /// Lines of context shown around each annotated line.
    public var context = 3

    public init(sources: SourceStore, namer: ExpressionNaming? = nil) { self.sources = sources; self.namer = namer }

    static func esc(_ s: String) -> String {
        var o = ""
        o.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(c)
            }
        }
        return o
    }

    static let style = """
    body{font-family:sans-serif;margin:1.5em;color:#222;background:#fff}
    h1{font-size:1.5em} h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
    table.summary td,table.summary th{padding:2px 10px;text-align:left}
    .bar{display:inline-block;height:.8em;background:#4a7}
    table.code{border-collapse:collapse;font-family:monospace;font-size:13px;width:100%}
    table.code td.num{color:#888;text-align:right;padding-right:8px;border-right:1px solid #ddd;width:4em;user-select:none}
    table.code td.src{white-space:pre;padding-left:8px}
    tr.hit td.src{background:#fff6cc}
    tr.gap td{color:#aaa;text-align:center}
    .msg{display:inline-block;margin:3px 0 3px 2em;padding:3px 8px;border-radius:5px;border:1px solid #999;
         font-family:sans-serif;font-size:12px;white-space:normal;max-width:60em}
    .msg:target{outline:3px solid #e33}
    .copy-ok{background:#d9f2d9;border-color:#3a3} .copy-no{background:#fbe6c2;border-color:#c80}
    .csync{background:#d6ecf7;border-color:#39c} .removed{background:#eee;border-color:#999;color:#555}
    .loop{background:#e6e0f8;border-color:#76c}
    .msg a{color:#04c} .tag{font-weight:bold;margin-right:.4em}
    .err{color:#b00}
    """

    public func render(_ audit: Audit, load: LoadResult) -> String {
        // Anchors: copy-N (index in audit.copies), ev-N (index in audit.events).
        var eventIndex: [RecordIdentity: Int] = [:]
        for (i, e) in audit.events.enumerated() { eventIndex[e.identity] = i }
        var copyIndex: [RecordIdentity: Int] = [:]
        for (i, c) in audit.copies.enumerated() { copyIndex[c.identity] = i }
        func anchor(_ r: Record) -> String {
            r.kind == .copy ? "copy-\(copyIndex[r.identity] ?? 0)" : "ev-\(eventIndex[r.identity] ?? 0)"
        }

        var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Copier audit</title>\n<style>\(HTMLRenderer.style)</style></head><body>\n"
        h += "<h1>Copier audit: csync placement</h1>\n"
        let s = audit.summary
        h += "<table class=\"summary\" id=\"summary\">"
        for (k, v) in [("copy sites", "\(s.sites)"), ("converted", "\(s.converted)"), ("not converted", "\(s.sites - s.converted)"),
                       ("csyncs", "\(s.csyncs)"), ("csyncs per converted copy", String(format: "%.2f", s.csyncsPerConvertedCopy)),
                       ("removed as redundant", "\(s.removedCsyncs)"), ("pipelined loops", "\(s.pipelinedLoops)")] {
            h += "<tr><th>\(k)</th><td>\(v)</td></tr>"
        }
        h += "</table>\n"
        for (title, hist) in [("Copy reasons", s.copyReasons), ("csync reasons", s.csyncReasons)] where !hist.isEmpty {
            let m = hist.values.max() ?? 1
            h += "<h3>\(title)</h3><table class=\"summary\">"
            for (k, v) in hist.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
                h += "<tr><td>\(HTMLRenderer.esc(k))</td><td>\(v)</td><td><span class=\"bar\" style=\"width:\(max(2, v * 300 / max(1, m)))px\"></span></td></tr>"
            }
            h += "</table>\n"
        }
        if !load.diagnostics.isEmpty {
            h += "<h2>Input problems</h2><ul>"
            for d in load.diagnostics { h += "<li class=\"err\">\(HTMLRenderer.esc(d.description))</li>" }
            h += "</ul>\n"
        }
        let groups = audit.byFile()
        h += "<h2>Files</h2><ul>"
        for (i, g) in groups.enumerated() { h += "<li><a href=\"#file-\(i)\">\(HTMLRenderer.esc(g.file))</a> (\(g.items.count))</li>" }
        h += "</ul>\n"

        for (fi, g) in groups.enumerated() {
            h += "<h2 id=\"file-\(fi)\">\(HTMLRenderer.esc(g.file))</h2>\n"
            var byLine: [Int: [Record]] = [:]
            for r in g.items { byLine[r.line, default: []].append(r) }
            guard let lines = sources.lines(of: g.file) else {
                h += "<p class=\"err\">source not found: \(HTMLRenderer.esc(sources.path(of: g.file))) (use --source-root)</p>\n"
                for r in g.items { h += "<div>line \(r.line): \(bubble(r, audit, anchor))</div>\n" }
                continue
            }
            var shown = Set<Int>()
            for l in byLine.keys { for k in max(1, l - context)...(l + context) where k <= lines.count { shown.insert(k) } }
            let orphanLines = byLine.keys.filter { $0 < 1 || $0 > lines.count }.sorted()
            h += "<table class=\"code\">\n"
            var last = 0
            for l in shown.sorted() {
                if l != last + 1 { h += "<tr class=\"gap\"><td></td><td>⋮</td></tr>\n" }
                last = l
                let hit = byLine[l] != nil
                h += "<tr id=\"f\(fi)-l\(l)\"\(hit ? " class=\"hit\"" : "")><td class=\"num\">\(l)</td><td class=\"src\">\(HTMLRenderer.esc(String(lines[l - 1])))</td></tr>\n"
                for r in byLine[l] ?? [] { h += "<tr><td></td><td>\(bubble(r, audit, anchor))</td></tr>\n" }
            }
            for l in orphanLines {
                for r in byLine[l]! { h += "<tr><td class=\"num\">\(l)?</td><td>\(bubble(r, audit, anchor))</td></tr>\n" }
            }
            h += "</table>\n"
        }
        h += "</body></html>\n"
        return h
    }

    func bubble(_ r: Record, _ audit: Audit, _ anchor: (Record) -> String) -> String {
        let cls: String, tag: String
        switch r.kind {
        case .copy: (cls, tag) = r.converted ? ("copy-ok", "copy") : ("copy-no", "copy")
        case .csync: (cls, tag) = ("csync", "csync")
        case .csyncRemoved: (cls, tag) = ("removed", "csync removed")
        case .loopPipelined: (cls, tag) = ("loop", "pipelined loop")
        case .handoff: (cls, tag) = ("loop", "handoff")
        case .returnHandoff: (cls, tag) = ("loop", "return handoff")
        case .module: (cls, tag) = ("", "module")
        }
        var body = HTMLRenderer.esc(audit.describe(r))
        if let namer {
            if r.kind == .copy, r.dst.isEmpty, let d = namer.copyDestination(file: r.file, line: r.line, col: r.col) {
                body += " — destination <code>\(HTMLRenderer.esc(d))</code>"
            } else if r.kind == .csync, let x = namer.expression(file: r.file, line: r.line, col: r.col) {
                body += " — at <code>\(HTMLRenderer.esc(x))</code>"
            }
        }
        if !r.function.isEmpty { body += " <i>in \(HTMLRenderer.esc(r.function))</i>" }
        for f in r.inlinedAt { body += "<br>inlined into \(HTMLRenderer.esc(f.function)) at \(HTMLRenderer.esc(f.file)):\(f.line)" }
        if r.kind == .copy {
            let evs = audit.events(of: r.site)
            if !evs.isEmpty {
                body += "<br>guarded by: " + evs.map { e in
                    "<a href=\"#\(anchor(e))\">\(e.kind == .csync ? "csync" : e.kind.rawValue) at line \(e.line)</a>"
                }.joined(separator: ", ")
            }
        } else if let c = audit.copy(of: r) {
            body += "<br><a href=\"#\(anchor(c))\">the copy at \(HTMLRenderer.esc(c.file)):\(c.line)</a>"
        }
        return "<div class=\"msg \(cls)\" id=\"\(anchor(r))\"><span class=\"tag\">\(tag)</span>\(body)</div>"
    }
}
