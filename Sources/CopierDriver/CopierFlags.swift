// copier-cc's own flags: -f[no-]copier-gen, -fcopier-min-size=N,
// -f[no-]sanitize=copier (also inside a comma list), --copier-print-commands.

struct CopierFlags {
    var gen = true
    var sanitize = false
    var minSize: String? = nil
    var printCommands = false
    /// Other sanitizers the user enabled (after -fno-sanitize= removals).
    var otherSanitizers: [String] = []

    enum Result { case notOurs, consumed, error(String) }

    /// The plugin is loaded when either of its passes has work to do.
    var loadsPlugin: Bool { gen || sanitize }

    mutating func consume(_ w: String) -> Result {
        let u = w.utf8
        // Cheap reject: all our flags start with "-fc", "-fno-c" or "--c".
        guard u.count > 3, u.first == UInt8(ascii: "-") else { return .notOurs }
        guard w.hasPrefix("-fcopier") || w.hasPrefix("-fno-copier") || w.hasPrefix("--copier") else {
            return .notOurs
        }
        switch w {
        case "-fno-copier-gen": gen = false
        case "-fcopier-gen": gen = true
        case "--copier-print-commands": printCommands = true
        default:
            if w.hasPrefix("-fcopier-min-size=") {
                let v = String(w.dropFirst("-fcopier-min-size=".count))
                guard Self.isNonNegativeInteger(v) else {
                    return .error("invalid value '\(v)' in '\(w)': expected a non-negative integer number of bytes, e.g. -fcopier-min-size=64")
                }
                minSize = v
            } else if w == "-fcopier-min-size" {
                return .error("'-fcopier-min-size' needs a value: use -fcopier-min-size=N (N bytes, a non-negative integer)")
            } else {
                return .error("unknown Copier option '\(w)'; copier-cc's own options are -fno-copier-gen, -fcopier-min-size=N, -fsanitize=copier, -fno-sanitize=copier, --copier-print-commands")
            }
        }
        return .consumed
    }

    /// Takes "copier" out of a -fsanitize= / -fno-sanitize= list and returns
    /// the rest, which stays on clang's command line.
    mutating func sanitizerList(_ values: [String], enable: Bool) -> [String] {
        var rest: [String] = []
        for v in values {
            if v == "copier" {
                sanitize = enable
            } else {
                rest.append(v)
                if enable {
                    if !otherSanitizers.contains(v) { otherSanitizers.append(v) }
                } else if v == "all" {
                    otherSanitizers.removeAll()
                    sanitize = false  // "all" includes ours; clang still gets the word
                } else {
                    otherSanitizers.removeAll { $0 == v }
                }
            }
        }
        return rest
    }

    /// The one place that decides which sanitizers may run with CopierSanitizer.
    func unsupportedCombination() -> String? {
        guard sanitize else { return nil }
        let clash = otherSanitizers.filter(Self.conflictsWithCopierSanitizer)
        guard let first = clash.first else { return nil }
        return "-fsanitize=copier cannot be combined with -fsanitize=\(first) yet (both instrument memory with their own shadow memory); drop one of them"
    }

    /// Sanitizers with their own shadow memory and allocator, which
    /// CopierSanitizer's shadow memory does not coexist with (for now).
    static func conflictsWithCopierSanitizer(_ name: String) -> Bool {
        switch name {
        case "address", "kernel-address", "hwaddress", "kernel-hwaddress", "memory", "kernel-memory", "thread":
            return true
        default:
            return false
        }
    }

    static func isNonNegativeInteger(_ s: String) -> Bool {
        // At most 19 digits so it fits the plugin's 64-bit option.
        !s.isEmpty && s.utf8.count <= 19 && s.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
