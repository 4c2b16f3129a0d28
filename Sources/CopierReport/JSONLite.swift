import Foundation

/// A small strict JSON reader for placement records. Foundation's decoders
/// cost most of the time of a 57,000-record audit; records are small flat
/// objects, so a byte-level parser over the line is several times faster.
enum JV {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JV])
    case object(JObject)
}

/// Fields in order; records have a dozen, so a linear search beats hashing.
struct JObject {
    var fields: [(String, JV)] = []
    subscript(_ key: String) -> JV? {
        for (k, v) in fields where k == key { return v }
        return nil
    }
}

struct JSONLiteError: Error { var message: String }

struct JSONLite {
    let p: UnsafeBufferPointer<UInt8>
    var i = 0

    static func parse(_ d: Data) throws -> JV {
        try d.withUnsafeBytes { raw in
            var r = JSONLite(p: raw.bindMemory(to: UInt8.self))
            let v = try r.value(depth: 0)
            r.skip()
            guard r.i == r.p.count else { throw JSONLiteError(message: "trailing characters after the JSON value") }
            return v
        }
    }

    mutating func skip() {
        while i < p.count, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0a || p[i] == 0x0d { i += 1 }
    }

    mutating func value(depth: Int) throws -> JV {
        guard depth < 64 else { throw JSONLiteError(message: "nested too deeply") }
        skip()
        guard i < p.count else { throw JSONLiteError(message: "unexpected end of record") }
        switch p[i] {
        case UInt8(ascii: "{"):
            i += 1
            var o = JObject()
            o.fields.reserveCapacity(16)
            skip()
            if i < p.count, p[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
            while true {
                skip()
                guard i < p.count, p[i] == UInt8(ascii: "\"") else { throw JSONLiteError(message: "expected a field name") }
                let k = try string()
                skip()
                guard i < p.count, p[i] == UInt8(ascii: ":") else { throw JSONLiteError(message: "expected ':' after \"\(k)\"") }
                i += 1
                o.fields.append((k, try value(depth: depth + 1)))
                skip()
                guard i < p.count else { throw JSONLiteError(message: "unexpected end of record") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                throw JSONLiteError(message: "expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1
            var a: [JV] = []
            skip()
            if i < p.count, p[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
            while true {
                a.append(try value(depth: depth + 1))
                skip()
                guard i < p.count else { throw JSONLiteError(message: "unexpected end of record") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                throw JSONLiteError(message: "expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            return .number(try number())
        }
    }

    mutating func literal(_ s: StaticString) throws {
        let n = s.utf8CodeUnitCount
        guard i + n <= p.count else { throw JSONLiteError(message: "unexpected end of record") }
        for k in 0..<n where p[i + k] != s.utf8Start[k] { throw JSONLiteError(message: "invalid literal") }
        i += n
    }

    mutating func number() throws -> Double {
        let start = i
        if i < p.count, p[i] == UInt8(ascii: "-") { i += 1 }
        var digits = 0
        var intValue: Int64 = 0
        var simple = true
        while i < p.count, p[i] >= 0x30, p[i] <= 0x39 {
            if digits < 18 { intValue = intValue * 10 + Int64(p[i] - 0x30) } else { simple = false }
            digits += 1; i += 1
        }
        guard digits > 0 else { throw JSONLiteError(message: "unexpected character '\(Character(UnicodeScalar(p[start])))'") }
        if i < p.count, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            simple = false
            i += 1
            while i < p.count, (p[i] >= 0x30 && p[i] <= 0x39) || p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")
                    || p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: ".") { i += 1 }
        }
        if simple { return Double(p[start] == UInt8(ascii: "-") ? -intValue : intValue) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
        guard let d = Double(text) else { throw JSONLiteError(message: "invalid number \(text)") }
        return d
    }

    mutating func string() throws -> String {
        i += 1  // opening quote
        let start = i
        while i < p.count, p[i] != UInt8(ascii: "\""), p[i] != UInt8(ascii: "\\") {
            guard p[i] >= 0x20 else { throw JSONLiteError(message: "control character in a string") }
            i += 1
        }
        guard i < p.count else { throw JSONLiteError(message: "unterminated string") }
        if p[i] == UInt8(ascii: "\"") {
            defer { i += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
        }
        // Escapes: rare in records (paths with quotes or backslashes).
        var bytes = Array(p[start..<i])
        while true {
            guard i < p.count else { throw JSONLiteError(message: "unterminated string") }
            let c = p[i]
            if c == UInt8(ascii: "\"") { i += 1; break }
            if c < 0x20 { throw JSONLiteError(message: "control character in a string") }
            if c != UInt8(ascii: "\\") { bytes.append(c); i += 1; continue }
            guard i + 1 < p.count else { throw JSONLiteError(message: "unterminated string") }
            let e = p[i + 1]; i += 2
            switch e {
            case UInt8(ascii: "\""): bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5c)
            case UInt8(ascii: "/"): bytes.append(0x2f)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0c)
            case UInt8(ascii: "n"): bytes.append(0x0a)
            case UInt8(ascii: "r"): bytes.append(0x0d)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var u = try hex4()
                if (0xD800..<0xDC00).contains(u), i + 1 < p.count, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let lo = try hex4()
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                }
                bytes.append(contentsOf: Array(String(Character(UnicodeScalar(u) ?? "\u{FFFD}")).utf8))
            default: throw JSONLiteError(message: "invalid escape in a string")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= p.count else { throw JSONLiteError(message: "invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = p[i]; i += 1
            switch c {
            case 0x30...0x39: v = v * 16 + UInt32(c - 0x30)
            case 0x41...0x46: v = v * 16 + UInt32(c - 0x41 + 10)
            case 0x61...0x66: v = v * 16 + UInt32(c - 0x61 + 10)
            default: throw JSONLiteError(message: "invalid \\u escape")
            }
        }
        return v
    }
}
