import Foundation

/// A problem with one input: the file (or archive member), the record
/// number when a single record is at fault, and what to do.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public var severity: Severity
    public var path: String
    public var record: Int?
    public var message: String
    public var description: String {
        "\(path)\(record.map { ": record \($0)" } ?? ""): \(severity.rawValue): \(message)"
    }
}

/// One input that held placement records.
public struct InputSummary: Hashable, Sendable {
    public var path: String
    public var records: Int
}

public struct LoadResult: Sendable {
    /// Unique records (the same decision read from an object and from the
    /// executable linked from it counts once), in first-seen order.
    public var records: [Record] = []
    public var diagnostics: [Diagnostic] = []
    public var inputs: [InputSummary] = []
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

public enum Loader {
    /// Reads every path: files directly, directories recursively (there,
    /// files that are neither ELF nor ar archives are skipped quietly, and
    /// ELF files without a report are not worth a word).
    public static func load(_ paths: [String]) -> LoadResult {
        var result = LoadResult()
        var seen = Set<String>()
        for p in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
                result.diagnostics.append(Diagnostic(severity: .error, path: p, record: nil,
                    message: "no such file or directory; give an object, archive, executable, shared library or a directory of them"))
                continue
            }
            if isDir.boolValue {
                for f in walk(p) { loadFile(f, explicit: false, into: &result, seen: &seen) }
            } else {
                loadFile(p, explicit: true, into: &result, seen: &seen)
            }
        }
        return result
    }

    /// Regular files under a directory, sorted so output does not depend on
    /// directory order. Symlinked directories are not followed (loops).
    static func walk(_ root: String) -> [String] {
        guard let e = FileManager.default.enumerator(at: URL(fileURLWithPath: root),
                                                     includingPropertiesForKeys: [.isRegularFileKey],
                                                     options: []) else { return [] }
        var out: [String] = []
        for case let url as URL in e {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                out.append(url.path)
            }
        }
        return out.sorted()
    }

    static func loadFile(_ path: String, explicit: Bool, into result: inout LoadResult, seen: inout Set<String>) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            result.diagnostics.append(Diagnostic(severity: .error, path: path, record: nil,
                message: "cannot read: \(error.localizedDescription)"))
            return
        }
        if ELFReader.isELF(data) {
            loadELF(data, path: path, member: nil, explicit: explicit, into: &result, seen: &seen)
        } else if ArchiveReader.isArchive(data) {
            do {
                for m in try ArchiveReader.members(data) where ELFReader.isELF(m.data) {
                    loadELF(m.data, path: path, member: m.name, explicit: false, into: &result, seen: &seen)
                }
            } catch {
                result.diagnostics.append(Diagnostic(severity: .error, path: path, record: nil, message: "\(error)"))
            }
        } else if explicit {
            let what = data.isEmpty ? "empty file" : "not an ELF object, executable, shared library or ar archive"
            result.diagnostics.append(Diagnostic(severity: .error, path: path, record: nil,
                message: "\(what); copier reads the copier_report section that copier-cc builds embed"))
        }
    }

    static func loadELF(_ data: Data, path: String, member: String?, explicit: Bool,
                        into result: inout LoadResult, seen: inout Set<String>) {
        let display = member.map { "\(path)(\($0))" } ?? path
        let section: Data?
        do {
            section = try ELFReader.reportSections(data)
        } catch {
            result.diagnostics.append(Diagnostic(severity: .error, path: display, record: nil, message: "\(error)"))
            return
        }
        guard let section else {
            if explicit {
                result.diagnostics.append(Diagnostic(severity: .warning, path: display, record: nil,
                    message: "no copier_report section: not compiled by copier-cc with CopierGen on"))
            }
            return
        }
        var count = 0
        forEachLine(section) { number, line in
            // The same record read twice (an object and the executable
            // linked from it) is one decision; CopierGen writes records
            // deterministically, so equal lines are equal records.
            let text = String(decoding: line, as: UTF8.self)
            if seen.contains(text) { count += 1; return }
            do {
                var r = try RecordParser.parse(line)
                r.origin = Origin(path: path, member: member, record: number)
                count += 1
                seen.insert(text)
                result.records.append(r)
            } catch {
                result.diagnostics.append(Diagnostic(severity: .error, path: display, record: number, message: "\(error)"))
            }
        }
        result.inputs.append(InputSummary(path: display, records: count))
    }

    /// Calls body with each non-empty line (1-based record number). NUL
    /// bytes are padding the linker put between sections: skipped.
    static func forEachLine(_ d: Data, _ body: (Int, Data) -> Void) {
        var number = 0
        d.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            let p = buf.bindMemory(to: UInt8.self)
            var i = 0
            let n = p.count
            while i < n {
                while i < n, p[i] == 0 || p[i] == 0x0a || p[i] == 0x0d || p[i] == 0x20 || p[i] == 0x09 { i += 1 }
                if i >= n { break }
                var j = i
                while j < n, p[j] != 0x0a, p[j] != 0 { j += 1 }
                number += 1
                body(number, Data(UnsafeRawBufferPointer(rebasing: buf[i..<j])))
                i = j
            }
        }
    }
}
