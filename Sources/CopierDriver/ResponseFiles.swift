// @file expansion, only so copier-cc can classify the call: clang still gets
// the original @file words unless a response file holds one of our own flags.

public enum ResponseFiles {
    /// Splits a response file's text like LLVM's cl::TokenizeGNUCommandLine
    /// (what clang uses on Linux): whitespace separates words; quotes group;
    /// a backslash escapes the next character, inside quotes too.
    public static func tokenize(_ text: String) -> [String] {
        var words: [String] = []
        var cur: [UInt8] = []
        var inWord = false
        let b = Array(text.utf8)
        var i = 0
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0B || c == 0x0C }
        while i < b.count {
            let c = b[i]
            if isSpace(c) {
                if inWord { words.append(String(decoding: cur, as: UTF8.self)); cur = []; inWord = false }
                i += 1
                continue
            }
            inWord = true
            if c == UInt8(ascii: "\\"), i + 1 < b.count {
                cur.append(b[i + 1]); i += 2
                continue
            }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                i += 1
                while i < b.count, b[i] != c {
                    if b[i] == UInt8(ascii: "\\"), i + 1 < b.count { i += 1 }
                    cur.append(b[i]); i += 1
                }
                i += 1  // closing quote (or end of text)
                continue
            }
            cur.append(c); i += 1
        }
        if inWord { words.append(String(decoding: cur, as: UTF8.self)) }
        return words
    }

    /// Replaces every readable `@file` by its words, recursively; an unreadable
    /// one stays a plain word, as clang treats it (then as a missing input).
    /// Each word keeps the index of the top-level argument it came from, and
    /// whether it was read from a file. Returns nil when there was no @file at
    /// all (the common, cheap case).
    public static func expand(_ args: [String], readFile: (String) -> String?) -> [(word: String, origin: Int, fromFile: Bool)]? {
        guard args.contains(where: { $0.utf8.first == UInt8(ascii: "@") }) else { return nil }
        var out: [(word: String, origin: Int, fromFile: Bool)] = []
        func walk(_ words: [String], origin: Int?, depth: Int) {
            for (k, w) in words.enumerated() {
                let o = origin ?? k
                if w.utf8.first == UInt8(ascii: "@"), depth < 32, let text = readFile(String(w.dropFirst())) {
                    walk(tokenize(text), origin: o, depth: depth + 1)
                } else {
                    out.append((w, o, origin != nil))
                }
            }
        }
        walk(args, origin: nil, depth: 0)
        return out
    }
}
