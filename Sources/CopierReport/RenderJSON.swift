import Foundation

/// `--format json`: the stable schema of docs/audit.md / docs/audit.schema.json.
public enum JSONRenderer {
    public static let schemaName = "copier-audit"
    public static let schemaVersion = 1

    public static func render(_ audit: Audit, load: LoadResult) -> String {
        var copies: [JSON] = []
        for c in audit.copies {
            var fields = location(c)
            fields += [
                ("site", .string(c.site)), ("op", .string(c.op)),
                ("size", c.size.map { JSON.int($0) } ?? .null),
                ("converted", .bool(c.converted)), ("reason", .string(c.reason)),
                ("detail", .string(c.detail)), ("dst", .string(c.dst)), ("src", .string(c.src)),
                ("first_use", c.firstUse.isEmpty ? .null : .string(c.firstUse)),
            ]
            let evs = audit.events(of: c.site)
            fields.append(("csyncs", .array(evs.filter { $0.kind == .csync }.map(csync))))
            fields.append(("removed_csyncs", .array(evs.filter { $0.kind == .csyncRemoved }.map(removed))))
            fields.append(("pipelined_loops", .array(evs.filter { $0.kind == .loopPipelined }.map(loop))))
            fields.append(("handoffs", .array(evs.filter { $0.kind == .handoff }.map(handoff))))
            fields.append(("return_handoffs", .array(evs.filter { $0.kind == .returnHandoff }.map(returnHandoff))))
            copies.append(.object(fields))
        }
        let unattached: [JSON] = audit.events.filter { audit.copyBySite[$0.site] == nil }.map { e in
            var o: [(String, JSON)] = [("kind", .string(e.kind.rawValue)), ("site", .string(e.site))]
            switch e.kind {
            case .csync: if case .object(let f) = csync(e) { o += f }
            case .csyncRemoved: if case .object(let f) = removed(e) { o += f }
            case .handoff: if case .object(let f) = handoff(e) { o += f }
            case .returnHandoff: if case .object(let f) = returnHandoff(e) { o += f }
            default: if case .object(let f) = loop(e) { o += f }
            }
            return .object(o)
        }
        let doc: JSON = .object([
            ("schema", .string(schemaName)),
            ("version", .int(schemaVersion)),
            ("inputs", .array(load.inputs.map { .object([("path", .string($0.path)), ("records", .int($0.records))]) })),
            ("diagnostics", .array(load.diagnostics.map(diagnostic))),
            ("summary", summary(audit.summary)),
            ("copies", .array(copies)),
            ("unattached", .array(unattached)),
        ])
        return doc.serialized() + "\n"
    }

    static func diagnostic(_ d: Diagnostic) -> JSON {
        .object([("severity", .string(d.severity.rawValue)), ("path", .string(d.path)),
                 ("record", d.record.map { JSON.int($0) } ?? .null), ("message", .string(d.message))])
    }

    static func summary(_ s: Audit.Summary) -> JSON {
        .object([
            ("sites", .int(s.sites)), ("converted", .int(s.converted)),
            ("not_converted", .int(s.sites - s.converted)), ("csyncs", .int(s.csyncs)),
            ("csyncs_per_converted_copy", .double((s.csyncsPerConvertedCopy * 1000).rounded() / 1000)),
            ("removed_csyncs", .int(s.removedCsyncs)), ("pipelined_loops", .int(s.pipelinedLoops)),
            ("first_use_moved", .int(s.firstUseMoved)), ("return_handoffs", .int(s.returnHandoffs)),
            ("copy_reasons", histogram(s.copyReasons)), ("csync_reasons", histogram(s.csyncReasons)),
        ])
    }

    static func histogram(_ h: [String: Int]) -> JSON {
        .object(h.keys.sorted().map { ($0, .int(h[$0]!)) })
    }

    static func location(_ r: Record) -> [(String, JSON)] {
        [("file", .string(r.file)), ("line", .int(r.line)), ("col", .int(r.col)),
         ("func", .string(r.function)), ("inlined_at", .array(r.inlinedAt.map(frame)))]
    }

    static func frame(_ f: Frame) -> JSON {
        .object([("file", .string(f.file)), ("line", .int(f.line)), ("col", .int(f.col)), ("func", .string(f.function))])
    }

    static func csync(_ e: Record) -> JSON {
        .object(location(e) + [("reason", .string(e.reason)), ("forced_by", .string(e.forcedBy)), ("range", .string(e.range)),
                               ("hoisted", .bool(e.hoisted))])
    }

    static func removed(_ e: Record) -> JSON {
        let by: JSON = e.by.map { .object([("file", .string($0.file)), ("line", .int($0.line)), ("col", .int($0.col))]) } ?? .null
        return .object(location(e) + [("reason", .string(e.reason)), ("by", by)])
    }

    static func loop(_ e: Record) -> JSON { .object(location(e) + [("segment", .int(e.segment))]) }
    static func handoff(_ e: Record) -> JSON {
        .object(location(e) + [("callee", .string(e.callee)), ("clone", .string(e.clone))])
    }
    static func returnHandoff(_ e: Record) -> JSON {
        .object(location(e) + [("dst_expr", .string(e.dstExpr)), ("src_expr", .string(e.srcExpr)),
                               ("len_expr", .string(e.lenExpr)), ("callers", .int(e.callers))])
    }
}
