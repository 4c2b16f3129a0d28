import Foundation

/// Compares two builds' decisions. Copies are matched by what they are
/// (file, function, op, operands, order among equals), not by line, so an
/// edit above a copy does not report everything below it as changed. A csync
/// is matched within its copy by reason, forcing instruction and order; it
/// "moved" when its place relative to its copy changed.
public struct ReportDiff {
    public struct CopyChange { public var kind: String; public var old: Record?; public var new: Record? }
    public struct CsyncChange { public var kind: String; public var copy: Record?; public var old: Record?; public var new: Record? }

    public var copies: [CopyChange] = []
    public var csyncs: [CsyncChange] = []
    public var isEmpty: Bool { copies.isEmpty && csyncs.isEmpty }

    struct CopyKey: Hashable { var file, function, op, dst, src: String; var inlined: [String]; var ordinal: Int }
    struct CsyncKey: Hashable { var reason, forcedBy, range: String; var kind: RecordKind; var ordinal: Int }

    static func baseKey(_ c: Record) -> CopyKey {
        CopyKey(file: c.file, function: c.function, op: c.op, dst: c.dst, src: c.src,
                inlined: c.inlinedAt.map { "\($0.file):\($0.function)" }, ordinal: 0)
    }

    /// Pairs old and new copies: first the same site id with the same
    /// description (unchanged code), then the rest in order among equals.
    static func pair(_ old: Audit, _ new: Audit) -> [(Record?, Record?)] {
        var out: [(Record?, Record?)] = []
        var newBySite: [String: [Int]] = [:]
        for (i, c) in new.copies.enumerated() { newBySite[c.site, default: []].append(i) }
        var usedNew = Set<Int>()
        var restOld: [Record] = []
        for c in old.copies {
            if let j = newBySite[c.site]?.first(where: { !usedNew.contains($0) && baseKey(new.copies[$0]) == baseKey(c) }) {
                usedNew.insert(j); out.append((c, new.copies[j]))
            } else { restOld.append(c) }
        }
        func keyed(_ cs: [Record]) -> [CopyKey: Record] {
            var counts: [CopyKey: Int] = [:]
            var m: [CopyKey: Record] = [:]
            for c in cs {
                var k = baseKey(c)
                k.ordinal = counts[k, default: 0]
                counts[k, default: 0] += 1
                m[k] = c
            }
            return m
        }
        let o = keyed(restOld)
        let n = keyed(new.copies.enumerated().filter { !usedNew.contains($0.offset) }.map(\.element))
        for k in Set(o.keys).union(n.keys) { out.append((o[k], n[k])) }
        return out.sorted { a, b in Audit.placeOrder((a.1 ?? a.0)!, (b.1 ?? b.0)!) }
    }

    static func keyedEvents(_ a: Audit, _ site: String) -> [CsyncKey: Record] {
        var counts: [CsyncKey: Int] = [:]
        var out: [CsyncKey: Record] = [:]
        for e in a.events(of: site) where e.kind == .csync || e.kind == .csyncRemoved {
            var k = CsyncKey(reason: e.reason, forcedBy: e.forcedBy, range: e.range, kind: e.kind, ordinal: 0)
            k.ordinal = counts[k, default: 0]
            counts[k, default: 0] += 1
            out[k] = e
        }
        return out
    }

    public init(old: Audit, new: Audit) {
        for (oc, nc) in ReportDiff.pair(old, new) {
            switch (oc, nc) {
            case (nil, let c?): copies.append(CopyChange(kind: c.converted ? "new-converted-copy" : "new-copy", old: nil, new: c))
            case (let c?, nil): copies.append(CopyChange(kind: c.converted ? "removed-converted-copy" : "removed-copy", old: c, new: nil))
            case (let a?, let b?):
                if !a.converted && b.converted { copies.append(CopyChange(kind: "converted", old: a, new: b)) }
                if a.converted && !b.converted { copies.append(CopyChange(kind: "reverted", old: a, new: b)) }
            default: break
            }
            let oe = oc.map { ReportDiff.keyedEvents(old, $0.site) } ?? [:]
            let ne = nc.map { ReportDiff.keyedEvents(new, $0.site) } ?? [:]
            let copy = nc ?? oc
            for ek in Set(oe.keys).union(ne.keys).sorted(by: { ($0.kind.rawValue, $0.reason, $0.forcedBy, $0.ordinal) < ($1.kind.rawValue, $1.reason, $1.forcedBy, $1.ordinal) }) {
                let removedKind = ek.kind == .csyncRemoved
                switch (oe[ek], ne[ek]) {
                case (nil, let e?): csyncs.append(CsyncChange(kind: removedKind ? "newly-removed-as-redundant" : "added", copy: copy, old: nil, new: e))
                case (let e?, nil): csyncs.append(CsyncChange(kind: removedKind ? "no-longer-removed" : "removed", copy: copy, old: e, new: nil))
                case (let a?, let b?):
                    if ReportDiff.relative(a, to: oc) != ReportDiff.relative(b, to: nc) {
                        csyncs.append(CsyncChange(kind: "moved", copy: copy, old: a, new: b))
                    }
                default: break
                }
            }
        }
    }

    /// A csync's place relative to its copy: unchanged when only the lines
    /// above moved the whole function.
    static func relative(_ e: Record, to c: Record?) -> String {
        guard let c else { return "\(e.file):\(e.line):\(e.col)" }
        return e.file == c.file ? "\(e.function)|\(e.line - c.line):\(e.col)" : "\(e.file):\(e.line):\(e.col)"
    }

    static func at(_ r: Record?) -> String { r.map { "\($0.file):\($0.line):\($0.col)" } ?? "?" }

    public func text() -> String {
        if isEmpty { return "no changes\n" }
        var out = ""
        for c in copies {
            let r = (c.new ?? c.old)!
            out += "\(ReportDiff.at(r)): copy \(c.kind): \(r.op)\(r.dst.isEmpty ? "" : " to \(r.dst)") in \(r.function)"
            if let o = c.old, let n = c.new, o.reason != n.reason { out += " (was \(o.reason), now \(n.reason))" }
            else if c.new == nil || c.old == nil { out += " (\(r.reason))" }
            out += "\n"
        }
        for c in csyncs {
            let e = (c.new ?? c.old)!
            out += "\(ReportDiff.at(e)): csync \(c.kind): \(e.reason)\(e.forcedBy.isEmpty ? "" : " (\(e.forcedBy))") guarding \(c.copy?.op ?? "copy") at \(ReportDiff.at(c.copy))"
            if c.kind == "moved" { out += " (was at \(ReportDiff.at(c.old)))" }
            out += "\n"
        }
        let conv = copies.filter { $0.kind == "converted" || $0.kind == "new-converted-copy" }.count
        let rev = copies.filter { $0.kind == "reverted" }.count
        func n(_ k: String) -> Int { csyncs.filter { $0.kind == k }.count }
        out += "\(copies.count) copy changes (\(conv) newly converted, \(rev) reverted), csyncs: \(n("added")) added, \(n("moved")) moved, \(n("removed")) removed\n"
        return out
    }

    public func json() -> JSON {
        func loc(_ r: Record?) -> JSON {
            guard let r else { return .null }
            return .object([("file", .string(r.file)), ("line", .int(r.line)), ("col", .int(r.col)), ("func", .string(r.function))])
        }
        return .object([
            ("schema", "copier-diff"), ("version", 1), ("changed", .bool(!isEmpty)),
            ("copies", .array(copies.map { c in
                let r = (c.new ?? c.old)!
                return .object([("change", .string(c.kind)), ("op", .string(r.op)), ("dst", .string(r.dst)),
                                ("old", loc(c.old)), ("new", loc(c.new)),
                                ("old_reason", .string(c.old?.reason ?? "")), ("new_reason", .string(c.new?.reason ?? ""))])
            })),
            ("csyncs", .array(csyncs.map { c in
                let e = (c.new ?? c.old)!
                return .object([("change", .string(c.kind)), ("reason", .string(e.reason)), ("forced_by", .string(e.forcedBy)),
                                ("copy", loc(c.copy)), ("old", loc(c.old)), ("new", loc(c.new))])
            })),
        ])
    }
}

/// `copier explain FILE:LINE`: every record at that line (also where the
/// line is an inlined call site), plus the copies its csyncs guard and the
/// csyncs of copies made there.
public struct Explainer {
    public let audit: Audit
    public let file: String
    public let line: Int
    public var direct: [Record] = []
    public var viaInlining: [Record] = []

    public var isEmpty: Bool { direct.isEmpty && viaInlining.isEmpty }

    static func sameFile(_ recorded: String, _ asked: String) -> Bool {
        if recorded == asked { return true }
        let a = asked.hasPrefix("./") ? String(asked.dropFirst(2)) : asked
        return recorded == a || recorded.hasSuffix("/" + a) || (a.hasPrefix("/") && a.hasSuffix("/" + recorded))
    }

    public init(audit: Audit, file: String, line: Int) {
        self.audit = audit; self.file = file; self.line = line
        for r in audit.copies + audit.events {
            if r.line == line && Explainer.sameFile(r.file, file) { direct.append(r) }
            else if r.inlinedAt.contains(where: { $0.line == line && Explainer.sameFile($0.file, file) }) { viaInlining.append(r) }
        }
        direct.sort(by: Audit.placeOrder); viaInlining.sort(by: Audit.placeOrder)
    }

    public func render(with t: TextRenderer) -> String {
        if isEmpty { return "\(file):\(line): CopierGen recorded no decision for this line\n" }
        var out = ""
        if !direct.isEmpty { out += "\(file):\(line): \(direct.count) decision(s)\n" }
        for r in direct { out += related(r, t) }
        if !viaInlining.isEmpty { out += "\n\(file):\(line) is a call site that was inlined; decisions in the inlined code:\n" }
        for r in viaInlining { out += related(r, t) }
        return out
    }

    func related(_ r: Record, _ t: TextRenderer) -> String {
        var out = t.item(r, audit: audit, showSource: t.sources.lines(of: r.file) != nil)
        if r.kind == .copy {
            let evs = audit.events(of: r.site)
            if r.converted && !evs.contains(where: { $0.kind == .csync || $0.kind == .loopPipelined }) {
                out += "    no csync recorded for this copy\n"
            }
            for e in evs {
                out += "    guarded by:\n" + t.item(e, audit: audit, showSource: t.sources.lines(of: e.file) != nil)
                    .split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
            }
        } else if let c = audit.copy(of: r) {
            out += "    the copy it guards:\n" + t.item(c, audit: audit, showSource: t.sources.lines(of: c.file) != nil)
                .split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
        }
        return out
    }
}
