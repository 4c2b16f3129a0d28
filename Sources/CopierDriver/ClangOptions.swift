// clang-19's driver option table (generated into Generated/ClangOptionTable.swift)
// and a parser that splits a command line the way clang's OptTable does, so that
// a value such as `-o x.c` or `-MF dep.c` is never mistaken for an input.

/// How an option takes its value; mirrors llvm::opt::Option::OptionClass.
public enum ClangOptionKind: UInt8, Sendable {
    case flag, joined, separate, joinedOrSeparate, commaJoined, multiArg
    case joinedAndSeparate, remainingArgs, remainingArgsJoined
}

public struct ClangOptionEntry: Sendable {
    public let name: String        // spelled with its prefix, e.g. "-o", "--output"
    public let kind: ClangOptionKind
    public let params: Int         // MultiArg: how many following words
    public let id: String          // TableGen id; aliases carry their target's id
    public let isLinkerInput: Bool // clang counts it as an input to the link (-l, -Wl,)

    init(_ name: String, _ kind: ClangOptionKind, _ params: Int, _ id: String, _ linker: Bool) {
        self.name = name; self.kind = kind; self.params = params; self.id = id
        self.isLinkerInput = linker
    }
}

public enum ClangOptionTable {
    // Lookups binary-search the generated text (sorted by spelling) instead of
    // decoding all 2,600 entries into a dictionary: that cost ~4 ms of CPU on
    // every compiler call, and copier-cc runs once per compile.
    static let bytes: [UInt8] = Array(encoded.utf8)

    /// Start offset of every line, and the longest spelling.
    static let index: (lines: [Int], maxNameLength: Int) = {
        var lines: [Int] = []
        lines.reserveCapacity(2700)
        var maxLen = 0
        var start = 0
        var nameEnd = -1
        for (k, c) in bytes.enumerated() {
            if c == UInt8(ascii: "\t"), nameEnd < 0 { nameEnd = k }
            if c == UInt8(ascii: "\n") {
                if nameEnd > start { lines.append(start); maxLen = max(maxLen, nameEnd - start) }
                start = k + 1
                nameEnd = -1
            }
        }
        if nameEnd > start { lines.append(start); maxLen = max(maxLen, nameEnd - start) }
        return (lines, maxLen)
    }()
    static var maxNameLength: Int { index.maxNameLength }

    /// Three-way comparison of a line's spelling with `key`.
    private static func compare(line: Int, _ key: UnsafeBufferPointer<UInt8>) -> Int {
        var i = index.lines[line]
        var j = 0
        while true {
            let c = bytes[i]
            let nameDone = c == UInt8(ascii: "\t")
            if j == key.count { return nameDone ? 0 : 1 }
            if nameDone { return -1 }
            if c != key[j] { return c < key[j] ? -1 : 1 }
            i += 1; j += 1
        }
    }

    /// The entries spelled exactly `key` (a few spellings, e.g. "-O", exist both
    /// as a flag and joined), in Options.inc order.
    static func lookup(_ key: UnsafeBufferPointer<UInt8>) -> [ClangOptionEntry] {
        let lines = index.lines
        var lo = 0, hi = lines.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if compare(line: mid, key) < 0 { lo = mid + 1 } else { hi = mid }
        }
        var out: [ClangOptionEntry] = []
        while lo < lines.count, compare(line: lo, key) == 0 {
            out.append(decode(line: lo))
            lo += 1
        }
        return out
    }

    static func decode(line: Int) -> ClangOptionEntry {
        let start = index.lines[line]
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        let f = bytes[start..<end].split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
        let kind = kindCodes[f[1].first ?? 0] ?? .flag
        return ClangOptionEntry(String(decoding: f[0], as: UTF8.self), kind,
                                Int(String(decoding: f[2], as: UTF8.self)) ?? 0,
                                String(decoding: f[3], as: UTF8.self), f[4].first == UInt8(ascii: "1"))
    }

    /// Every entry (for tests and tools; the driver itself only uses lookup).
    static var entries: [ClangOptionEntry] { (0..<index.lines.count).map(decode(line:)) }

    static let kindCodes: [UInt8: ClangOptionKind] = [
        UInt8(ascii: "f"): .flag, UInt8(ascii: "j"): .joined, UInt8(ascii: "s"): .separate,
        UInt8(ascii: "o"): .joinedOrSeparate, UInt8(ascii: "c"): .commaJoined, UInt8(ascii: "m"): .multiArg,
        UInt8(ascii: "a"): .joinedAndSeparate, UInt8(ascii: "r"): .remainingArgs,
        UInt8(ascii: "R"): .remainingArgsJoined,
    ]
}

/// One parsed argument: an input, or an option with the words it consumed.
public struct ParsedArg: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case input              // a file name, or "-" for stdin
        case option(id: String, linkerInput: Bool)
        case unknown            // starts with '-' but clang knows no such option
    }
    public var kind: Kind
    public var words: [String]  // exactly the argv words this argument spans
    public var values: [String] // the option's values (joined part and/or following words)

    public var optionID: String? {
        if case .option(let id, _) = kind { return id }
        return nil
    }
}

public enum ClangArgParser {
    /// Splits `args` like clang's OptTable::ParseArgs (gcc driver mode).
    public static func parse(_ args: [String]) -> [ParsedArg] {
        var out: [ParsedArg] = []
        out.reserveCapacity(args.count)
        var i = 0
        while i < args.count {
            let (arg, used) = parseOne(args, at: i)
            out.append(arg)
            i += used
        }
        return out
    }

    /// Parses the argument at `index`; returns it and how many words it used.
    static func parseOne(_ args: [String], at index: Int) -> (ParsedArg, Int) {
        let word = args[index]
        let u = word.utf8
        guard let first = u.first, word != "-", first == UInt8(ascii: "-") || first == UInt8(ascii: "/")
        else { return (ParsedArg(kind: .input, words: [word], values: []), 1) }
        // Longest spelling first, as clang does; the first that accepts wins.
        let wordBytes = Array(u)
        var len = min(wordBytes.count, ClangOptionTable.maxNameLength)
        while len > 0 {
            let cands = wordBytes.withUnsafeBufferPointer { ClangOptionTable.lookup(UnsafeBufferPointer(rebasing: $0[0..<len])) }
            if !cands.isEmpty {
                let joined = String(decoding: wordBytes[len...], as: UTF8.self)
                for e in cands {
                    if let r = accept(e, args, index, joined: joined) { return r }
                }
            }
            len -= 1
        }
        // clang: an unmatched word starting with '/' is a path.
        if first == UInt8(ascii: "/") { return (ParsedArg(kind: .input, words: [word], values: []), 1) }
        return (ParsedArg(kind: .unknown, words: [word], values: []), 1)
    }

    private static func accept(_ e: ClangOptionEntry, _ args: [String], _ i: Int, joined: String)
        -> (ParsedArg, Int)?
    {
        let kind = ParsedArg.Kind.option(id: e.id, linkerInput: e.isLinkerInput)
        let exact = joined.isEmpty
        // A missing separate value: clang reports "argument to '-o' is missing";
        // keep the word alone so clang sees (and reports) the same thing.
        func next(_ n: Int, values prefix: [String]) -> (ParsedArg, Int) {
            let avail = min(n, args.count - i - 1)
            let vals = Array(args[(i + 1)..<(i + 1 + avail)])
            return (ParsedArg(kind: kind, words: Array(args[i...(i + avail)]), values: prefix + vals), 1 + avail)
        }
        switch e.kind {
        case .flag:
            return exact ? (ParsedArg(kind: kind, words: [args[i]], values: []), 1) : nil
        case .joined:
            return (ParsedArg(kind: kind, words: [args[i]], values: [joined]), 1)
        case .commaJoined:
            let vals = joined.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return (ParsedArg(kind: kind, words: [args[i]], values: vals), 1)
        case .separate:
            return exact ? next(1, values: []) : nil
        case .joinedOrSeparate:
            return exact ? next(1, values: []) : (ParsedArg(kind: kind, words: [args[i]], values: [joined]), 1)
        case .multiArg:
            return exact ? next(e.params, values: []) : nil
        case .joinedAndSeparate:
            return next(1, values: [joined])
        case .remainingArgs:
            return exact ? next(args.count, values: []) : nil
        case .remainingArgsJoined:
            return next(args.count, values: [joined])
        }
    }
}
