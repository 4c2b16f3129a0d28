import XCTest
@testable import CopierReport
final class ReportTests: XCTestCase {
    func testSchema() { XCTAssertEqual(CopierReport.schemaVersion, 1) }
}
