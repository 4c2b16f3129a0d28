import Foundation

/// The records of one or more builds put together: each copy with the
/// csyncs that guard it, events grouped per source file, and the summary.
public struct Audit: Sendable {
    public var modules: [Record] = []
    public var copies: [Record] = []
    /// Every csync, csync-removed, loop-pipelined, handoff and return-handoff
    /// record, sorted by place.
    public var events: [Record] = []
    /// Indexes into `copies` by site id.
    public var copyBySite: [String: Int] = [:]
    /// Indexes into `events`, per site id.
    public var eventsBySite: [String: [Int]] = [:]
    /// Handoff records (indexes into `events`) per clone they call: a csync
    /// inside a clone has no site of its own (site 0), it guards these.
    public var handoffsByClone: [String: [Int]] = [:]
    public var summary = Summary()

    public struct Summary: Sendable, Equatable {
        public var sites = 0
        public var converted = 0
        public var csyncs = 0
        /// csyncs guarding converted copies (a csync of a copy without a
        /// record, e.g. from a foreign object, counts in `csyncs` only).
        public var csyncsOfConverted = 0
        public var removedCsyncs = 0
        public var pipelinedLoops = 0
        /// Converted copies whose first use moved away from the copy (the
        /// first csync is not right after it: work between them, or in
        /// another block, function, clone or caller).
        public var firstUseMoved = 0
        /// Returns past which a copy stays in flight (its callers sync it).
        public var returnHandoffs = 0
        public var copyReasons: [String: Int] = [:]
        public var csyncReasons: [String: Int] = [:]
        public var csyncsPerConvertedCopy: Double {
            converted == 0 ? 0 : Double(csyncsOfConverted) / Double(converted)
        }
    }

    public init(records: [Record]) {
        for r in records {
            switch r.kind {
            case .module: modules.append(r)
            case .copy: copies.append(r)
            default: events.append(r)
            }
        }
        copies = Audit.sortedByPlace(copies)
        events = Audit.sortedByPlace(events)
        for (i, c) in copies.enumerated() where copyBySite[c.site] == nil { copyBySite[c.site] = i }
        for (i, e) in events.enumerated() {
            eventsBySite[e.site, default: []].append(i)
            if e.kind == .handoff { handoffsByClone[e.clone, default: []].append(i) }
        }
        var s = Summary()
        s.sites = copies.count
        for c in copies {
            if c.converted { s.converted += 1 }
            if c.converted && c.firstUse == "moved" { s.firstUseMoved += 1 }
            s.copyReasons[c.reason, default: 0] += 1
        }
        for e in events {
            switch e.kind {
            case .csync:
                s.csyncs += 1
                s.csyncReasons[e.reason, default: 0] += 1
                if let ci = copyBySite[e.site], copies[ci].converted {
                    s.csyncsOfConverted += 1
                } else if copyBySite[e.site] == nil, let hs = handoffsByClone[e.function],
                          hs.contains(where: { copyBySite[events[$0].site].map { copies[$0].converted } ?? false }) {
                    s.csyncsOfConverted += 1  // in a clone: guards the copies handed off into it
                }
            case .csyncRemoved: s.removedCsyncs += 1
            case .loopPipelined: s.pipelinedLoops += 1
            case .returnHandoff: s.returnHandoffs += 1
            default: break
            }
        }
        summary = s
    }

    static let kindRank: [RecordKind: Int] = [.module: 0, .copy: 1, .loopPipelined: 2, .handoff: 3, .returnHandoff: 4,
                                              .csync: 5, .csyncRemoved: 6]

    /// Sorts through indices: moving whole records (a dozen strings each)
    /// around during the sort cost more than the comparisons.
    static func sortedByPlace(_ rs: [Record]) -> [Record] {
        let order = rs.indices.sorted { placeOrder(rs[$0], rs[$1]) }
        return order.map { rs[$0] }
    }

    static func placeOrder(_ a: Record, _ b: Record) -> Bool {
        if a.file != b.file { return a.file < b.file }
        if a.line != b.line { return a.line < b.line }
        if a.col != b.col { return a.col < b.col }
        if a.kind != b.kind { return kindRank[a.kind]! < kindRank[b.kind]! }
        if a.site != b.site { return a.site < b.site }
        if a.reason != b.reason { return a.reason < b.reason }
        return a.function < b.function
    }

    /// The copy a csync/removed/loop record belongs to, if its record is here.
    public func copy(of e: Record) -> Record? { copyBySite[e.site].map { copies[$0] } }

    /// Events (csyncs, removed csyncs, loops) of one copy site.
    public func events(of site: String) -> [Record] { (eventsBySite[site] ?? []).map { events[$0] } }

    /// All copies and events, grouped by source file, each group in line order.
    public func byFile() -> [(file: String, items: [Record])] {
        var groups: [String: [Record]] = [:]
        for c in copies { groups[c.file, default: []].append(c) }
        for e in events { groups[e.file, default: []].append(e) }
        return groups.keys.sorted().map { f in (f, groups[f]!.sorted(by: Audit.placeOrder)) }
    }

    /// Stable one-line description, shared by the text, SARIF and HTML outputs.
    public func describe(_ r: Record) -> String {
        switch r.kind {
        case .copy:
            let size = r.size.map { "\($0) bytes" } ?? "size not constant"
            let args = r.dst.isEmpty && r.src.isEmpty ? "" : " (\(r.dst.isEmpty ? "?" : r.dst) <- \(r.src.isEmpty ? "?" : r.src))"
            if r.converted {
                let first = r.firstUse == "moved" ? " (first use moved away)" : r.firstUse == "adjacent" ? " (first use right after it)" : ""
                return "\(r.op)\(args), \(size): converted to amemcpy\(first)"
            }
            return "\(r.op)\(args), \(size): not converted: \(Audit.copyReasonText(r))"
        case .csync:
            let target = copyLabel(r)
            let forced = r.forcedBy.isEmpty ? "" : " (\(r.forcedBy))"
            let range = r.range.isEmpty ? "" : ", range \(r.range)"
            return "csync of \(target): forced by \(r.reason)\(forced)\(range)\(r.hoisted ? ", hoisted out of the loop" : "")"
        case .csyncRemoved:
            let by = r.by.map { " by the csync at \($0.file):\($0.line):\($0.col)" } ?? ""
            return "csync of \(copyLabel(r)) removed as redundant\(by)\(r.reason.isEmpty ? "" : " (\(r.reason))")"
        case .loopPipelined:
            return "loop pipelined over \(copyLabel(r)): one csync per \(r.segment)-byte segment"
        case .handoff:
            return "\(copyLabel(r)) stays in flight into \(r.callee): calls \(r.clone), which syncs before its own first access"
        case .returnHandoff:
            let calls = r.callers == 1 ? "1 call" : "\(r.callers) calls"
            return "\(copyLabel(r)) stays in flight past this return: the callers of \(r.function) (\(calls)) sync \(r.dstExpr), \(r.lenExpr) bytes, before their own first access"
        case .module:
            return "module \(r.file)"
        }
    }

    func copyLabel(_ e: Record) -> String {
        guard let c = copy(of: e) else {
            // A clone's csyncs guard whatever its callers handed off into it.
            if let hs = handoffsByClone[e.function], !hs.isEmpty {
                var labels: [String] = []
                for i in hs {  // one label per copy (a copy inlined twice hands off twice)
                    let l = copyLabel(events[i])
                    if !labels.contains(l) { labels.append(l) }
                }
                let more = labels.count > 3 ? " and \(labels.count - 3) more" : ""
                return "the copies handed off into \(e.function): \(labels.prefix(3).joined(separator: ", "))\(more)"
            }
            return "copy site \(e.site) (no copy record)"
        }
        let name = c.dst.isEmpty ? "" : "\(c.dst) "
        return "\(name)(\(c.op) at \(c.file):\(c.line):\(c.col))"
    }

    static func copyReasonText(_ r: Record) -> String {
        switch r.reason {
        case "too-small": return "too small (below -fcopier-min-size)"
        case "volatile": return "volatile copy"
        case "in-runtime": return "inside the Copier runtime itself"
        case "nobuiltin": return "built with -fno-builtin / nobuiltin"
        case "unsupported": return "unsupported" + (r.detail.isEmpty ? "" : ": \(r.detail)")
        default: return r.reason + (r.detail.isEmpty ? "" : ": \(r.detail)")
        }
    }
}
