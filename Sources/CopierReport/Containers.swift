import Foundation

/// Why a whole file (or archive member) could not be read.
public struct ContainerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Reads ELF64 little-endian section headers directly: the report tool
/// runs over whole build trees, so no subprocess per file.
public enum ELFReader {
    public static let sectionName = "copier_report"

    public static func isELF(_ d: Data) -> Bool {
        d.count >= 4 && d[d.startIndex] == 0x7f && d[d.startIndex + 1] == 0x45
            && d[d.startIndex + 2] == 0x4c && d[d.startIndex + 3] == 0x46
    }

    /// The concatenated contents of every `copier_report` section, or nil
    /// when the file has none. Throws on a truncated or unsupported file.
    public static func reportSections(_ d: Data) throws -> Data? {
        guard isELF(d) else { throw ContainerError(message: "not an ELF file") }
        guard d.count >= 64 else { throw ContainerError(message: "truncated ELF header (\(d.count) bytes, need 64)") }
        let cls = byte(d, 4), enc = byte(d, 5)
        guard cls == 2 else {
            throw ContainerError(message: cls == 1 ? "32-bit ELF is not supported (CopierGen targets x86-64 and AArch64 ELF64)" : "ELF class \(cls) is invalid")
        }
        guard enc == 1 else { throw ContainerError(message: "big-endian ELF is not supported") }
        let shoff = Int(clamping: u64(d, 0x28))
        let shentsize = Int(u16(d, 0x3A))
        var shnum = Int(u16(d, 0x3C))
        var shstrndx = Int(u16(d, 0x3E))
        if shoff == 0 { return nil }  // no section headers: nothing to find
        guard shentsize >= 64 else { throw ContainerError(message: "ELF section header size \(shentsize) is too small") }
        guard shoff <= d.count - 64 else {
            throw ContainerError(message: "truncated: section headers at offset \(shoff) lie beyond the end of the file (\(d.count) bytes)")
        }
        // Extended numbering: real counts live in section header 0.
        if shnum == 0 { shnum = Int(clamping: u64(d, shoff + 0x20)) }
        if shstrndx == 0xffff { shstrndx = Int(u32(d, shoff + 0x28)) }
        let (tableEnd, overflow) = shoff.addingReportingOverflow(shnum.multipliedReportingOverflow(by: shentsize).partialValue)
        guard !overflow, tableEnd <= d.count else {
            throw ContainerError(message: "truncated: \(shnum) section headers at offset \(shoff) need \(tableEnd) bytes, file has \(d.count)")
        }
        guard shstrndx < shnum else { throw ContainerError(message: "section name table index \(shstrndx) out of range") }
        let strHdr = shoff + shstrndx * shentsize
        let strOff = Int(clamping: u64(d, strHdr + 0x18)), strSize = Int(clamping: u64(d, strHdr + 0x20))
        guard strOff <= d.count, strSize <= d.count - strOff else {
            throw ContainerError(message: "truncated: section name table lies beyond the end of the file")
        }
        let want = Array(sectionName.utf8)
        var out: Data? = nil
        for i in 0..<shnum {
            let h = shoff + i * shentsize
            let nameOff = Int(u32(d, h))
            guard nameOff < strSize, matches(d, strOff + nameOff, strOff + strSize, want) else { continue }
            let type = u32(d, h + 4)
            if type == 8 { continue }  // SHT_NOBITS: nothing stored
            let off = Int(clamping: u64(d, h + 0x18)), size = Int(clamping: u64(d, h + 0x20))
            guard off <= d.count, size <= d.count - off else {
                throw ContainerError(message: "truncated: section \(sectionName) (offset \(off), \(size) bytes) extends past the end of the file (\(d.count) bytes)")
            }
            if out == nil { out = Data() }
            out!.append(d[(d.startIndex + off)..<(d.startIndex + off + size)])
            out!.append(0x0a)  // a section without a final newline must not glue onto the next
        }
        return out
    }

    static func matches(_ d: Data, _ at: Int, _ limit: Int, _ want: [UInt8]) -> Bool {
        guard at + want.count < limit else { return false }
        for (k, c) in want.enumerated() where d[d.startIndex + at + k] != c { return false }
        return d[d.startIndex + at + want.count] == 0
    }
    @inline(__always) static func byte(_ d: Data, _ o: Int) -> UInt8 { d[d.startIndex + o] }
    static func u16(_ d: Data, _ o: Int) -> UInt16 { UInt16(byte(d, o)) | UInt16(byte(d, o + 1)) << 8 }
    static func u32(_ d: Data, _ o: Int) -> UInt32 { UInt32(u16(d, o)) | UInt32(u16(d, o + 2)) << 16 }
    static func u64(_ d: Data, _ o: Int) -> UInt64 { UInt64(u32(d, o)) | UInt64(u32(d, o + 4)) << 32 }
}

/// Unix `ar` archives: System V/GNU (with the `//` long-name table) and BSD
/// (`#1/len`) member names. Thin archives hold no member data: an error.
public enum ArchiveReader {
    public static let magic = Array("!<arch>\n".utf8)
    public static let thinMagic = Array("!<thin>\n".utf8)

    public static func isArchive(_ d: Data) -> Bool { d.starts(with: magic) || d.starts(with: thinMagic) }

    public struct Member { public var name: String; public var data: Data }

    public static func members(_ d: Data) throws -> [Member] {
        if d.starts(with: thinMagic) {
            throw ContainerError(message: "thin archive: members live in separate files; audit those object files instead")
        }
        guard d.starts(with: magic) else { throw ContainerError(message: "not an ar archive") }
        var pos = 8
        var longNames = Data()
        var out: [Member] = []
        let base = d.startIndex
        while pos < d.count {
            if d[base + pos] == 0x0a { pos += 1; continue }  // stray padding
            guard pos + 60 <= d.count else {
                throw ContainerError(message: "truncated archive: member header at offset \(pos) is cut short")
            }
            let hdr = d[(base + pos)..<(base + pos + 60)]
            guard hdr[hdr.startIndex + 58] == 0x60, hdr[hdr.startIndex + 59] == 0x0a else {
                throw ContainerError(message: "corrupt archive: bad member header at offset \(pos)")
            }
            let rawName = field(hdr, 0, 16)
            guard let size = Int(field(hdr, 48, 10)) else {
                throw ContainerError(message: "corrupt archive: bad member size at offset \(pos)")
            }
            var dataStart = pos + 60
            guard size >= 0, size <= d.count - dataStart else {
                throw ContainerError(message: "truncated archive: member \"\(rawName)\" at offset \(pos) needs \(size) bytes, \(d.count - dataStart) remain")
            }
            var dataSize = size
            var name = rawName
            if rawName == "/" || rawName == "/SYM64/" || rawName == "__.SYMDEF" || rawName == "__.SYMDEF SORTED" {
                name = ""  // symbol table
            } else if rawName == "//" {
                longNames = d[(base + dataStart)..<(base + dataStart + size)]
                name = ""
            } else if rawName.hasPrefix("/"), let off = Int(rawName.dropFirst()) {
                name = longName(longNames, off) ?? rawName
            } else if rawName.hasPrefix("#1/"), let n = Int(rawName.dropFirst(3)), n <= size {
                name = String(decoding: d[(base + dataStart)..<(base + dataStart + n)], as: UTF8.self)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\0"))
                dataStart += n; dataSize -= n
            } else if rawName.hasSuffix("/") {
                name = String(rawName.dropLast())
            }
            if !name.isEmpty {
                out.append(Member(name: name, data: d[(base + dataStart)..<(base + dataStart + dataSize)]))
            }
            pos += 60 + size + (size & 1)
        }
        return out
    }

    static func field(_ h: Data, _ at: Int, _ len: Int) -> String {
        let s = h.startIndex + at
        return String(decoding: h[s..<(s + len)], as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }
    static func longName(_ table: Data, _ off: Int) -> String? {
        guard off >= 0, off < table.count else { return nil }
        var end = table.startIndex + off
        while end < table.endIndex, table[end] != 0x0a, table[end] != 0 { end += 1 }
        var s = String(decoding: table[(table.startIndex + off)..<end], as: UTF8.self)
        if s.hasSuffix("/") { s.removeLast() }
        return s
    }
}
