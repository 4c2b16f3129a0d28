import Foundation

/// `--format sarif`: SARIF 2.1.0, one run, one result per decision, all at
/// level "note" (these are facts for review, not defects). Paths are
/// relative to the SRCROOT base, so code-scanning tools map them to the repo.
public enum SARIFRenderer {
    public static let toolVersion = "1.0.0"

    struct Rule { var id: String; var name: String; var text: String }
    static let rules: [Rule] = [
        Rule(id: "copier/copy-converted", name: "CopyConverted", text: "A memory copy CopierGen made asynchronous (amemcpy)."),
        Rule(id: "copier/copy-not-converted", name: "CopyNotConverted", text: "A memory copy CopierGen left synchronous, with the reason."),
        Rule(id: "copier/csync", name: "CsyncInserted", text: "A csync CopierGen inserted before the first use of a copy's bytes."),
        Rule(id: "copier/csync-removed", name: "CsyncRemoved", text: "A csync CopierGen removed because another one already covers it."),
        Rule(id: "copier/loop-pipelined", name: "LoopPipelined", text: "A loop consuming a copy's destination that gets one csync per segment."),
        Rule(id: "copier/handoff", name: "Handoff", text: "A copy that stays in flight into a called function's clone, which syncs before its own first access."),
        Rule(id: "copier/return-handoff", name: "ReturnHandoff", text: "A copy that stays in flight past a return; every caller syncs it before its own first access."),
    ]

    static func ruleIndex(_ r: Record) -> Int {
        switch r.kind {
        case .copy: return r.converted ? 0 : 1
        case .csync: return 2
        case .csyncRemoved: return 3
        case .handoff: return 5
        case .returnHandoff: return 6
        default: return 4
        }
    }

    static let uriAllowed: CharacterSet = {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ":")
        return allowed
    }()

    static func uri(_ path: String) -> String {
        // Most paths need no escaping; percent-encoding every one is slow.
        if path.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x30 && $0 <= 0x39)
                || $0 == 0x2f || $0 == 0x2e || $0 == 0x5f || $0 == 0x2d }) { return path }
        return path.addingPercentEncoding(withAllowedCharacters: uriAllowed) ?? path
    }

    static func physical(_ file: String, _ line: Int, _ col: Int) -> JSON {
        var art: [(String, JSON)] = []
        if file.hasPrefix("/") { art = [("uri", .string("file://" + uri(file)))] }
        else { art = [("uri", .string(uri(file))), ("uriBaseId", "SRCROOT")] }
        var fields: [(String, JSON)] = [("artifactLocation", .object(art))]
        if line >= 1 {
            var region: [(String, JSON)] = [("startLine", .int(line))]
            if col >= 1 { region.append(("startColumn", .int(col))) }
            fields.append(("region", .object(region)))
        }
        return .object(fields)
    }

    static func location(_ r: Record, id: Int? = nil, message: String? = nil) -> JSON {
        var o: [(String, JSON)] = []
        if let id { o.append(("id", .int(id))) }
        o.append(("physicalLocation", physical(r.file, r.line, r.col)))
        if !r.function.isEmpty {
            o.append(("logicalLocations", .array([.object([("name", .string(r.function)), ("kind", "function")])])))
        }
        if let message { o.append(("message", .object([("text", .string(message))]))) }
        return .object(o)
    }

    public static func render(_ audit: Audit, load: LoadResult, sourceRoot: String) -> String {
        var results: [JSON] = []
        for (_, items) in audit.byFile() {
            for r in items {
                let ri = ruleIndex(r)
                var related: [JSON] = []
                var nextId = 1
                if r.kind != .copy, let c = audit.copy(of: r) {
                    related.append(location(c, id: nextId, message: "the copy this guards: \(c.op) at \(c.file):\(c.line)")); nextId += 1
                }
                if r.kind == .copy {
                    for e in audit.events(of: r.site) {
                        related.append(location(e, id: nextId, message: audit.describe(e))); nextId += 1
                    }
                }
                if let by = r.by {
                    related.append(.object([("id", .int(nextId)), ("physicalLocation", physical(by.file, by.line, by.col)),
                                            ("message", .object([("text", "the csync that made this one redundant")]))]))
                    nextId += 1
                }
                for f in r.inlinedAt {
                    var fr = Record(kind: .copy); fr.file = f.file; fr.line = f.line; fr.col = f.col; fr.function = f.function
                    related.append(location(fr, id: nextId, message: "inlined into \(f.function) here")); nextId += 1
                }
                var res: [(String, JSON)] = [
                    ("ruleId", .string(rules[ri].id)), ("ruleIndex", .int(ri)), ("kind", "informational"), ("level", "none"),
                    ("message", .object([("text", .string(audit.describe(r)))])),
                    ("locations", .array([location(r)])),
                ]
                if !related.isEmpty { res.append(("relatedLocations", .array(related))) }
                res.append(("partialFingerprints", .object([("copierDecision/v1", .string("\(r.kind.rawValue):\(r.site):\(r.reason):\(r.forcedBy)"))])))
                var props: [(String, JSON)] = [("site", .string(r.site)), ("reason", .string(r.reason))]
                if r.kind == .csync { props += [("forced_by", .string(r.forcedBy)), ("range", .string(r.range))] }
                if r.kind == .copy { props += [("op", .string(r.op)), ("size", r.size.map { .int($0) } ?? .null), ("converted", .bool(r.converted))] }
                res.append(("properties", .object(props)))
                results.append(.object(res))
            }
        }
        let notes: [JSON] = load.diagnostics.map { d in
            var o: [(String, JSON)] = [
                ("level", .string(d.severity == .error ? "error" : "warning")),
                ("message", .object([("text", .string(d.record.map { "record \($0): \(d.message)" } ?? d.message))])),
                ("locations", .array([.object([("physicalLocation", .object([("artifactLocation", .object([("uri", .string(uri(d.path)))]))]))])])),
            ]
            if let rec = d.record { o.append(("properties", .object([("record", .int(rec))]))) }
            return .object(o)
        }
        var root = sourceRoot.hasPrefix("/") ? sourceRoot : FileManager.default.currentDirectoryPath + "/" + sourceRoot
        if !root.hasSuffix("/") { root += "/" }
        let run: JSON = .object([
            ("tool", .object([("driver", .object([
                ("name", "copier"), ("version", .string(toolVersion)), ("semanticVersion", .string(toolVersion)),
                ("rules", .array(rules.map { r in
                    .object([("id", .string(r.id)), ("name", .string(r.name)),
                             ("shortDescription", .object([("text", .string(r.text))])),
                             ("defaultConfiguration", .object([("level", "none")]))])
                })),
            ]))])),
            ("invocations", .array([.object([
                ("executionSuccessful", .bool(!load.hasErrors)),
                ("toolExecutionNotifications", .array(notes)),
            ])])),
            ("originalUriBaseIds", .object([("SRCROOT", .object([("uri", .string("file://" + uri(root)))]))])),
            ("results", .array(results)),
        ])
        let doc: JSON = .object([
            ("$schema", "https://json.schemastore.org/sarif-2.1.0.json"),
            ("version", "2.1.0"),
            ("runs", .array([run])),
        ])
        return doc.serialized() + "\n"
    }
}
