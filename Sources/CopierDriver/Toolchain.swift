// Finding clang-19 and copier-cc's own install tree. Pure functions over an
// injected file-system view, so the tests can cover every branch.

public struct FileSystemView {
    public var isExecutable: (String) -> Bool
    public var realPath: (String) -> String?
    public var exists: (String) -> Bool
    public init(isExecutable: @escaping (String) -> Bool, realPath: @escaping (String) -> String?,
                exists: @escaping (String) -> Bool) {
        self.isExecutable = isExecutable; self.realPath = realPath; self.exists = exists
    }
}

public enum ToolchainLocator {
    public static let defaultBinDir = "/usr/lib/llvm-19/bin"

    /// The clang-19 binary directory and the C driver's path:
    /// $COPIER_CLANG, else llvm-config-19's bindir, else /usr/lib/llvm-19/bin.
    /// Never the `clang` on PATH (Swift's clang 21 cannot load LLVM 19 plugins).
    public static func findClang(env: [String: String], fs: FileSystemView) -> Result<(clang: String, clangxx: String), DriverError> {
        if var c = env["COPIER_CLANG"], !c.isEmpty {
            if !c.contains("/") {  // a bare name such as clang-19: look it up on PATH
                for d in (env["PATH"] ?? "").split(separator: ":") where fs.isExecutable(d + "/" + c) {
                    c = d + "/" + c
                    break
                }
            }
            guard fs.isExecutable(c) else {
                return .failure(DriverError("COPIER_CLANG=\(c) is not an executable clang; point it at clang-19 (e.g. /usr/lib/llvm-19/bin/clang) or unset it"))
            }
            return .success((c, dirname(c) + "/clang++"))
        }
        var dir = defaultBinDir
        if let bin = llvmConfigBinDir(path: env["PATH"] ?? "", fs: fs) { dir = bin }
        let clang = dir + "/clang"
        guard fs.isExecutable(clang) else {
            return .failure(DriverError("clang-19 not found (looked for \(clang)); install the Debian package clang-19 (apt-get install clang-19) or set COPIER_CLANG"))
        }
        return .success((clang, dir + "/clang++"))
    }

    /// llvm-config-19 reports as --bindir the directory of its own resolved
    /// executable; resolving it here gives the same answer without spawning it
    /// on every compile (that would cost milliseconds per call).
    static func llvmConfigBinDir(path: String, fs: FileSystemView) -> String? {
        for d in path.split(separator: ":") where !d.isEmpty {
            let cand = String(d) + "/llvm-config-19"
            if fs.isExecutable(cand), let real = fs.realPath(cand) { return dirname(real) }
        }
        return nil
    }

    /// copier-cc's install tree from its own resolved executable: <prefix>/bin/copier-cc
    /// -> <prefix>/lib, <prefix>/include. Never the source tree.
    public static func installTree(selfExecutable: String) -> (libDir: String, includeDir: String) {
        let prefix = dirname(dirname(selfExecutable))
        return (prefix + "/lib", prefix + "/include")
    }

    /// $COPIER_PROJECT_ROOT, else the nearest ancestor of cwd holding .git, else cwd.
    public static func projectRoot(env: [String: String], cwd: String, fs: FileSystemView) -> String {
        if let r = env["COPIER_PROJECT_ROOT"], !r.isEmpty { return r }
        var d = cwd
        while true {
            if fs.exists(d == "/" ? "/.git" : d + "/.git") { return d }
            if d == "/" || d.isEmpty { return cwd }
            d = dirname(d)
        }
    }

    static func dirname(_ p: String) -> String {
        guard let slash = p.lastIndex(of: "/") else { return "." }
        if slash == p.startIndex { return "/" }
        return String(p[..<slash])
    }
}

public struct DriverError: Error, Equatable {
    public var message: String
    public init(_ m: String) { message = m }
}
