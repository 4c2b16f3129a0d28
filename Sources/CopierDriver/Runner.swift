// The impure shell around Planner: read argv/env, locate the tools, then exec
// clang-19 in place of this process, so clang's exit status, signals, stdin,
// stdout and stderr are clang's own and there is no extra process.
#if canImport(Glibc)
import Glibc
#endif

public enum CopierDriver {
    public static let version = "0.1"

    public static func main() -> Never {
        let argv = CommandLine.arguments
        let env = environment()
        let fs = FileSystemView.live
        let isCXX = (argv.first.map { baseName($0).contains("++") }) ?? false

        let clang: (clang: String, clangxx: String)
        switch ToolchainLocator.findClang(env: env, fs: fs) {
        case .success(let c): clang = c
        case .failure(let e): fail(e.message)
        }
        guard let selfExe = fs.realPath("/proc/self/exe") else {
            fail("cannot resolve /proc/self/exe to find copier-cc's lib/ and include/")
        }
        let tree = ToolchainLocator.installTree(selfExecutable: selfExe)
        let tc = Toolchain(clang: clang.clang, clangxx: clang.clangxx, libDir: tree.libDir, includeDir: tree.includeDir)
        let req = PlanRequest(
            args: Array(argv.dropFirst()), isCXX: isCXX, toolchain: tc,
            projectRoot: { ToolchainLocator.projectRoot(env: env, cwd: currentDirectory(), fs: fs) },
            readFile: readWholeFile, inputExists: { access($0, F_OK) == 0 })
        switch Planner.plan(req) {
        case .fail(let message):
            writeStderr(message + "\n")
            exit(1)
        case .run(let cmd, let printCommands):
            if printCommands { writeStderr(shellQuote(cmd.argv) + "\n") }
            exec(cmd)
        }
    }

    static func exec(_ cmd: Command) -> Never {
        var cargs: [UnsafeMutablePointer<CChar>?] = cmd.argv.map { strdup($0) }
        cargs.append(nil)
        execv(cmd.executable, &cargs)
        let err = String(cString: strerror(errno))
        fail("cannot run \(cmd.executable): \(err)")
    }

    static func fail(_ message: String) -> Never {
        writeStderr("copier-cc: error: " + message + "\n")
        exit(1)
    }
}

/// POSIX-shell quoting: safe words bare, anything else in single quotes.
public func shellQuote(_ argv: [String]) -> String {
    argv.map { w -> String in
        let safe = !w.isEmpty && w.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39)
                || "_@%+=:,./-".utf8.contains(c)
        }
        if safe { return w }
        return "'" + w.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }.joined(separator: " ")
}

func baseName(_ p: String) -> String {
    guard let s = p.lastIndex(of: "/") else { return p }
    return String(p[p.index(after: s)...])
}

func environment() -> [String: String] {
    var env: [String: String] = [:]
    var p = environ
    while let e = p.pointee {
        let s = String(cString: e)
        if let eq = s.firstIndex(of: "=") {
            env[String(s[..<eq])] = String(s[s.index(after: eq)...])
        }
        p += 1
    }
    return env
}

func currentDirectory() -> String {
    var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buf, buf.count) != nil else { return "." }
    return String(cString: buf)
}

func writeStderr(_ s: String) {
    var s = s
    s.withUTF8 { b in
        var off = 0
        while off < b.count {
            let n = write(2, b.baseAddress! + off, b.count - off)
            if n <= 0 { break }
            off += n
        }
    }
}

func readWholeFile(_ path: String) -> String? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n > 0 { bytes.append(contentsOf: buf[0..<n]) }
        if n < buf.count { break }
    }
    return String(decoding: bytes, as: UTF8.self)
}

extension FileSystemView {
    public static let live = FileSystemView(
        isExecutable: { p in
            var st = stat()
            return access(p, X_OK) == 0 && stat(p, &st) == 0 && (st.st_mode & S_IFMT) != S_IFDIR
        },
        realPath: { p in
            guard let r = realpath(p, nil) else { return nil }
            defer { free(r) }
            return String(cString: r)
        },
        exists: { p in access(p, F_OK) == 0 })
}
