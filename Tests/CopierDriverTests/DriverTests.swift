import XCTest
@testable import CopierDriver
final class DriverTests: XCTestCase {
    func testVersion() { XCTAssertEqual(CopierDriver.version, "0.1") }
}
