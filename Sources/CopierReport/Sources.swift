import Foundation

/// Source text for showing each decision's line beneath it. Record paths are
/// project-relative, so they are looked up under --source-root.
public final class SourceStore {
    public let root: String
    private var cache: [String: [Substring]?] = [:]

    public init(root: String) { self.root = root }

    public func path(of file: String) -> String {
        file.hasPrefix("/") ? file : (root as NSString).appendingPathComponent(file)
    }

    /// All lines of a file, or nil when it cannot be read.
    public func lines(of file: String) -> [Substring]? {
        if let c = cache[file] { return c }
        var result: [Substring]? = nil
        if let d = FileManager.default.contents(atPath: path(of: file)) {
            let text = String(decoding: d, as: UTF8.self)
            result = text.split(separator: "\n", omittingEmptySubsequences: false).map { l in
                l.hasSuffix("\r") ? l.dropLast() : l
            }
        }
        cache[file] = result
        return result
    }

    public func line(_ file: String, _ n: Int) -> String? {
        guard let ls = lines(of: file), n >= 1, n <= ls.count else { return nil }
        return String(ls[n - 1])
    }
}

/// Names the C expression at a source location where the record has no
/// variable name (no debug info). The libclang-backed one is in ExprNamer.
public protocol ExpressionNaming: AnyObject {
    /// The destination argument of the copy call at the location.
    func copyDestination(file: String, line: Int, col: Int) -> String?
    /// The expression (access or call) at the location.
    func expression(file: String, line: Int, col: Int) -> String?
}
