import ArgumentParser
import CopierReport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json, sarif, html }
enum ColorMode: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

/// Writes diagnostics to stderr, one line each, naming file and record.
func report(_ diags: [Diagnostic]) {
    for d in diags { FileHandle.standardError.write(Data("copier: \(d)\n".utf8)) }
}

/// COPIER_TIMING=1: phase times on stderr, for the speed benchmark.
let timing = ProcessInfo.processInfo.environment["COPIER_TIMING"] == "1"
var phaseStart = Date()
func phase(_ name: String) {
    guard timing else { return }
    let now = Date()
    FileHandle.standardError.write(Data(String(format: "copier: %@ %.3f s\n", name, now.timeIntervalSince(phaseStart)).utf8))
    phaseStart = now
}

func write(_ s: String) { FileHandle.standardOutput.write(Data(s.utf8)) }

func useColor(_ mode: ColorMode) -> Bool {
    switch mode {
    case .always: return true
    case .never: return false
    case .auto:
        let env = ProcessInfo.processInfo.environment
        if env["NO_COLOR"] != nil || env["TERM"] == "dumb" { return false }
        return isatty(STDOUT_FILENO) != 0
    }
}

struct Copier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copier",
        abstract: "Audit CopierGen's csync placement reports.",
        discussion: "Reads the copier_report section that copier-cc embeds in objects, archives, executables and shared libraries.",
        subcommands: [AuditCommand.self, DiffCommand.self, ExplainCommand.self])
}

struct Common: ParsableArguments {
    @Option(name: .long, help: "Directory that record paths are relative to (default: current directory).")
    var sourceRoot: String = FileManager.default.currentDirectoryPath

    @Flag(name: .long, help: "Do not ask libclang to name expressions that debug info left unnamed.")
    var noLibclang = false

    @Option(name: .long, help: "Extra compiler flag for libclang parsing (repeatable), e.g. -I include.")
    var clangArg: [String] = []

    func namer() -> ExpressionNaming? {
        noLibclang ? nil : makeExpressionNamer(sourceRoot: sourceRoot, args: clangArg)
    }
}

extension Copier {
    struct AuditCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "Show every copy site, csync, pipelined loop and removed csync, per source line.")

        @Option(name: .long, help: "Output format: text, json, sarif or html.")
        var format: OutputFormat = .text

        @Option(name: .long, help: "Colour for text output: auto (only on a terminal), always, never.")
        var color: ColorMode = .auto

        @Option(name: [.short, .long], help: "Write to this file instead of standard output.")
        var output: String?

        @OptionGroup var common: Common

        @Argument(help: "Objects, archives, executables, shared libraries, or directories searched recursively.")
        var paths: [String] = []

        func run() throws {
            phaseStart = Date()
            let load = Loader.load(paths.isEmpty ? ["."] : paths)
            phase("read \(load.records.count) records")
            report(load.diagnostics)
            let audit = Audit(records: load.records)
            phase("audit")
            let sources = SourceStore(root: common.sourceRoot)
            let text: String
            switch format {
            case .text:
                text = TextRenderer(color: output == nil && useColor(color), sources: sources, namer: common.namer()).render(audit)
            case .json:
                text = JSONRenderer.render(audit, load: load)
            case .sarif:
                text = SARIFRenderer.render(audit, load: load, sourceRoot: common.sourceRoot)
            case .html:
                text = HTMLRenderer(sources: sources, namer: common.namer()).render(audit, load: load)
            }
            phase("render \(format.rawValue)")
            if let output {
                do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                    throw ValidationError("cannot write \(output): \(error.localizedDescription)")
                }
            } else {
                write(text)
            }
            phase("write")
            if load.hasErrors { throw ExitCode(1) }
        }
    }

    struct DiffCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Compare two builds' reports: copies converted or reverted, csyncs added, moved or removed.",
            discussion: "Exit status: 0 nothing changed, 1 something changed, 2 an input could not be read.")

        @Option(name: .long, help: "Output format: text or json.")
        var format: OutputFormat = .text

        @Argument(help: "The old build: a report file or tree.") var old: String
        @Argument(help: "The new build: a report file or tree.") var new: String

        func run() throws {
            let a = Loader.load([old]), b = Loader.load([new])
            report(a.diagnostics + b.diagnostics)
            if a.hasErrors || b.hasErrors { throw ExitCode(2) }
            let d = ReportDiff(old: Audit(records: a.records), new: Audit(records: b.records))
            switch format {
            case .json: write(d.json().serialized() + "\n")
            case .text: write(d.text())
            default: throw ValidationError("diff writes text or json, not \(format.rawValue)")
            }
            if !d.isEmpty { throw ExitCode(1) }
        }
    }

    struct ExplainCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Everything CopierGen decided about one source line.",
            discussion: "Exit status: 0 decisions found, 1 none for that line, 2 an input could not be read.")

        @Argument(help: "FILE:LINE, e.g. src/buf.c:42 (FILE may be a suffix of the recorded path).")
        var location: String

        @Argument(help: "Where to look (default: the current directory, recursively).")
        var paths: [String] = []

        @Option(name: .long, help: "Colour: auto, always, never.")
        var color: ColorMode = .auto

        @OptionGroup var common: Common

        func run() throws {
            guard let colon = location.lastIndex(of: ":"), let line = Int(location[location.index(after: colon)...]),
                  line > 0, colon != location.startIndex else {
                throw ValidationError("expected FILE:LINE (e.g. src/buf.c:42), got \"\(location)\"")
            }
            let file = String(location[..<colon])
            let load = Loader.load(paths.isEmpty ? ["."] : paths)
            report(load.diagnostics)
            let audit = Audit(records: load.records)
            let e = Explainer(audit: audit, file: file, line: line)
            let r = TextRenderer(color: useColor(color), sources: SourceStore(root: common.sourceRoot), namer: common.namer())
            write(e.render(with: r))
            if load.hasErrors { throw ExitCode(2) }
            if e.isEmpty { throw ExitCode(1) }
        }
    }
}

Copier.main()
