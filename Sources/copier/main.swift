import ArgumentParser
import CopierReport

struct Copier: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Audit CopierGen's csync placement reports.")
}
Copier.main()
