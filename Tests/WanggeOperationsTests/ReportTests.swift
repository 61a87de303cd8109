import Testing
@testable import WanggeOperations

@Suite struct ReportTests {
    @Test func contentTypesFollowTheFormat() {
        #expect(Report(format: "csv").contentType == "text/csv; charset=utf-8")
        #expect(Report(format: "geojson").contentType == "application/geo+json")
        #expect(Report(format: "json").contentType == "application/json")
        #expect(Report(format: "html").contentType == "text/html; charset=utf-8")
    }
}
