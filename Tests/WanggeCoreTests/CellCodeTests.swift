import Testing
@testable import WanggeCore

@Suite struct CellCodeTests {
    /// Street = the first 9 characters, community = the first 12, sequence = the last 3 digits.
    @Test func prefixesAndSequence() {
        let code = CellCode("310113101005012")
        #expect(code.street == "310113101")
        #expect(code.community == "310113101005")
        #expect(code.sequence == 12)
        #expect(code.description == "310113101005012")
        let cell = Cell(code: "3101131010050AB", geometry: .point(Coordinate(0, 0)))
        #expect(cell.streetCode == "310113101" && cell.communityCode == "310113101005")
        #expect(CellCode("3101131010050AB").sequence == nil)
        // A short text read back from storage is its own prefix.
        #expect(CellCode("31011").street == "31011" && CellCode("31011").community == "31011")
        #expect(CellCode("31011").sequence == nil)
    }

    /// Well-formed: exactly 15 characters of [0-9A-Z]; anything else is named.
    @Test func validationNamesTheProblem() {
        #expect(CellCode(validating: "310113101005012") != nil)
        #expect(CellCode(validating: "31011310100501Z")?.text == "31011310100501Z")
        #expect(CellCode.problem("310113101005012") == nil)
        #expect(CellCode.problem("31011310100501") == "has 14 characters; a cell code has 15")
        #expect(CellCode.problem("3101131010050123") == "has 16 characters; a cell code has 15")
        #expect(CellCode.problem("") == "has 0 characters; a cell code has 15")
        #expect(CellCode.problem("31011310100501a") == "has the character \"a\"; a cell code is made of digits and capital letters A-Z")
        #expect(CellCode.problem("3101131010 5012") == "has the character \" \"; a cell code is made of digits and capital letters A-Z")
        #expect(CellCode.problem("31011310100501９")?.hasPrefix("has the character \"９\"") == true)
        for bad in ["31011310100501", "31011310100501a", "310113101-05012", "网格310113101005"] {
            #expect(CellCode(validating: bad) == nil, "\(bad)")
            #expect(!Cell.isValidCode(bad), "\(bad)")
        }
        #expect(Cell.isValidCode("310113101005012"))
    }
}
