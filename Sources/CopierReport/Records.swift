import Foundation

/// One frame of an inlined-at chain: a call site that inlined the code.
public struct Frame: Hashable, Sendable {
    public var file: String
    public var line: Int
    public var col: Int
    public var function: String
    public init(file: String, line: Int, col: Int, function: String) {
        self.file = file; self.line = line; self.col = col; self.function = function
    }
}

/// A source position without a function (the `by` field of csync-removed).
public struct Position: Hashable, Sendable {
    public var file: String
    public var line: Int
    public var col: Int
    public init(file: String, line: Int, col: Int) { self.file = file; self.line = line; self.col = col }
}

public enum RecordKind: String, Sendable, CaseIterable {
    case module
    case copy
    case csync
    case csyncRemoved = "csync-removed"
    case loopPipelined = "loop-pipelined"
    case handoff
    case returnHandoff = "return-handoff"
}

/// Where a record came from: the file given or found, the archive member
/// inside it (if any) and the record's 1-based number there.
public struct Origin: Hashable, Sendable {
    public var path: String
    public var member: String?
    public var record: Int
    public var display: String { member.map { "\(path)(\($0))" } ?? path }
}

/// One placement record of docs/report-format.md (schema version 1). Fields
/// that a kind does not carry keep their empty defaults.
public struct Record: Sendable {
    public var kind: RecordKind
    public var file = ""
    public var line = 0
    public var col = 0
    public var function = ""
    public var inlinedAt: [Frame] = []
    public var site = ""
    // copy
    public var op = ""
    public var size: Int? = nil
    public var converted = false
    public var reason = ""
    public var detail = ""
    public var dst = ""
    public var src = ""
    /// Converted copies: "adjacent" (a csync of it directly follows it) or
    /// "moved" (the first use moved away); "" when the record does not say.
    public var firstUse = ""
    // csync
    public var forcedBy = ""
    public var range = ""
    /// CopierGen moved the csync out of a loop (an optional field).
    public var hoisted = false
    // csync-removed
    public var by: Position? = nil
    // loop-pipelined
    public var segment = 0
    // handoff: the copy stays in flight into `callee`, through its clone
    public var callee = ""
    public var clone = ""
    // return-handoff: the copy stays in flight past a return of `function`;
    // its callers sync [dstExpr, +lenExpr) (names in the callers' terms)
    public var dstExpr = ""
    public var srcExpr = ""
    public var lenExpr = ""
    public var callers = 0
    // module
    public var producer = ""
    public var minSize = 0
    public var origin = Origin(path: "", member: nil, record: 0)

    public init(kind: RecordKind) { self.kind = kind }

    public var position: Position { Position(file: file, line: line, col: col) }

    /// Everything except the origin: two objects holding the same record
    /// (an object and the executable linked from it, or a header's inline
    /// function compiled in two units) describe one decision.
    var identity: RecordIdentity {
        RecordIdentity(kind: kind, file: file, line: line, col: col, function: function,
                       inlinedAt: inlinedAt, site: site, op: op, size: size, converted: converted,
                       reason: reason, detail: detail, dst: dst, src: src, firstUse: firstUse, forcedBy: forcedBy,
                       range: range, hoisted: hoisted, by: by, segment: segment, callee: callee, clone: clone,
                       dstExpr: dstExpr, srcExpr: srcExpr, lenExpr: lenExpr, callers: callers,
                       producer: producer, minSize: minSize)
    }
}

struct RecordIdentity: Hashable {
    var kind: RecordKind
    var file: String, line: Int, col: Int, function: String
    var inlinedAt: [Frame]
    var site: String, op: String, size: Int?, converted: Bool
    var reason: String, detail: String, dst: String, src: String, firstUse: String
    var forcedBy: String, range: String, hoisted: Bool, by: Position?, segment: Int
    var callee: String, clone: String
    var dstExpr: String, srcExpr: String, lenExpr: String, callers: Int
    var producer: String, minSize: Int
}

/// Why one record could not be read.
public struct RecordError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public enum RecordParser {
    public static let knownVersions: Set<Int> = [1]

    /// Decodes one JSON Lines record. Throws a RecordError that says which
    /// field is wrong, so the caller can name file and record number.
    public static func parse(_ bytes: Data) throws -> Record {
        let any: JV
        do { any = try JSONLite.parse(bytes) } catch let e as JSONLiteError {
            throw RecordError(message: "not a valid JSON object: \(e.message) (\(shortPreview(bytes)))")
        }
        guard case .object(let o) = any else { throw RecordError(message: "not a JSON object (\(shortPreview(bytes)))") }
        // The version first: a newer schema is reported as such, not as
        // whatever field changed shape.
        guard let vv = o["v"] else { throw RecordError(message: "no schema version field \"v\"") }
        guard let v = int(vv) else { throw RecordError(message: "schema version \"v\" is not a number") }
        guard knownVersions.contains(v) else {
            throw RecordError(message: "unknown schema version \(v) (this copier reads version 1; use the copier built with the same CopierGen)")
        }
        let kindName = try str(o, "kind")
        guard let k = RecordKind(rawValue: kindName) else {
            throw RecordError(message: "unknown record kind \"\(kindName)\" (expected module, copy, csync, csync-removed, loop-pipelined, handoff or return-handoff)")
        }
        var r = Record(kind: k)
        r.file = try str(o, "file")
        if k == .module {
            r.producer = try optStr(o, "producer"); r.minSize = try optInt(o, "min_size") ?? 0
            return r
        }
        r.line = try reqInt(o, "line")
        r.col = try optInt(o, "col") ?? 0
        r.function = try optStr(o, "func")
        if let ia = o["inlined_at"] {
            switch ia {
            case .null: break
            case .array(let frames):
                r.inlinedAt = try frames.enumerated().map { (n, f) in
                    guard case .object(let fo) = f else { throw RecordError(message: "field \"inlined_at[\(n)]\" must be an object") }
                    return Frame(file: try str(fo, "file", "inlined_at[\(n)]."), line: try reqInt(fo, "line", "inlined_at[\(n)]."),
                                 col: try optInt(fo, "col", "inlined_at[\(n)].") ?? 0, function: try optStr(fo, "func", "inlined_at[\(n)]."))
                }
            default: throw RecordError(message: "field \"inlined_at\" must be an array")
            }
        }
        r.site = try str(o, "site")
        switch k {
        case .copy:
            r.op = try str(o, "op")
            r.size = try optInt(o, "size")
            guard let c = o["converted"] else { throw RecordError(message: "missing field \"converted\"") }
            guard case .bool(let b) = c else { throw RecordError(message: "field \"converted\" must be a boolean") }
            r.converted = b
            r.reason = try str(o, "reason")
            r.detail = try optStr(o, "detail"); r.dst = try optStr(o, "dst"); r.src = try optStr(o, "src")
            r.firstUse = try optStr(o, "first_use")
            guard ["", "adjacent", "moved"].contains(r.firstUse) else {
                throw RecordError(message: "field \"first_use\" must be \"adjacent\" or \"moved\", not \"\(r.firstUse)\"")
            }
        case .csync:
            r.reason = try str(o, "reason")
            r.forcedBy = try optStr(o, "forced_by"); r.range = try optStr(o, "range")
            if let h = o["hoisted"] {
                guard case .bool(let b) = h else { throw RecordError(message: "field \"hoisted\" must be a boolean") }
                r.hoisted = b
            }
        case .csyncRemoved:
            r.reason = try optStr(o, "reason")
            if let b = o["by"] {
                switch b {
                case .null: break
                case .object(let bo):
                    r.by = Position(file: try str(bo, "file", "by."), line: try reqInt(bo, "line", "by."), col: try optInt(bo, "col", "by.") ?? 0)
                default: throw RecordError(message: "field \"by\" must be an object")
                }
            }
        case .loopPipelined:
            r.segment = try optInt(o, "segment") ?? 0
        case .handoff:
            r.callee = try str(o, "callee"); r.clone = try str(o, "clone")
        case .returnHandoff:
            r.dstExpr = try str(o, "dst_expr"); r.lenExpr = try str(o, "len_expr")
            r.srcExpr = try optStr(o, "src_expr"); r.callers = try optInt(o, "callers") ?? 0
        case .module:
            break
        }
        return r
    }

    static func int(_ v: JV) -> Int? {
        guard case .number(let d) = v, d == d.rounded(), abs(d) < 9e15 else { return nil }
        return Int(d)
    }
    static func str(_ o: JObject, _ key: String, _ prefix: String = "") throws -> String {
        guard let v = o[key] else { throw RecordError(message: "missing field \"\(prefix)\(key)\"") }
        guard case .string(let s) = v else { throw RecordError(message: "field \"\(prefix)\(key)\" must be a string") }
        return s
    }
    static func optStr(_ o: JObject, _ key: String, _ prefix: String = "") throws -> String {
        guard let v = o[key] else { return "" }
        switch v {
        case .null: return ""
        case .string(let s): return s
        default: throw RecordError(message: "field \"\(prefix)\(key)\" must be a string")
        }
    }
    static func reqInt(_ o: JObject, _ key: String, _ prefix: String = "") throws -> Int {
        guard let v = o[key] else { throw RecordError(message: "missing field \"\(prefix)\(key)\"") }
        guard let n = int(v) else { throw RecordError(message: "field \"\(prefix)\(key)\" must be a number") }
        return n
    }
    static func optInt(_ o: JObject, _ key: String, _ prefix: String = "") throws -> Int? {
        guard let v = o[key] else { return nil }
        if case .null = v { return nil }
        guard let n = int(v) else { throw RecordError(message: "field \"\(prefix)\(key)\" must be a number") }
        return n
    }
    static func shortPreview(_ d: Data) -> String {
        let s = String(decoding: d.prefix(40), as: UTF8.self)
        return "starts with: " + s + (d.count > 40 ? "…" : "")
    }
}
