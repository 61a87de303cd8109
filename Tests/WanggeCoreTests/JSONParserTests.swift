import Testing
@testable import WanggeCore

@Suite struct JSONParserTests {
    /// Foundation's JSONSerialization on Linux reads this as 121.40812683105464.
    @Test func numbersAreCorrectlyRounded() throws {
        let value = try JSONParser.parse(Array("[121.40812683105469, 31.30088996887207, -0.0, 1e-7, 2E+3]".utf8))
        #expect(value == .array([.number(121.40812683105469), .number(31.30088996887207), .number(-0.0), .number(1e-7), .number(2000)]))
        #expect(JSONValue.number(121.40812683105469).jsonText == "121.40812683105469")
    }

    @Test func stringsAndEscapes() throws {
        let value = try JSONParser.parse(Array(#"{"名":"外滩\n\"街道\"","e":"\u00e9\ud83d\ude00","b":[true,false,null]}"#.utf8))
        #expect(value == .object(["名": .string("外滩\n\"街道\""), "e": .string("é😀"), "b": .array([.bool(true), .bool(false), .null])]))
        #expect(value.jsonText == #"{"b":[true,false,null],"e":"é😀","名":"外滩\n\"街道\""}"#)
    }

    @Test(arguments: [
        ("{\"a\": 1,\n \"b\": }", "line 2, column 7: unexpected character '}', expected a value"),
        ("[1, 2", "line 1, column 6: unexpected end of input inside an array"),
        ("[01]", "line 1, column 2: a number may not have leading zeros"),
        ("[1.]", "line 1, column 4: a number needs digits after the decimal point"),
        ("{\"a\" 1}", "line 1, column 6: expected ':' after member name \"a\""),
        ("[\"x\\q\"]", "line 1, column 4: invalid escape \\q"),
        ("[NaN]", "line 1, column 2: unexpected character 'N', expected a value"),
        ("[1] x", "line 1, column 5: unexpected text after the JSON value"),
        ("\"\\ud800\"", "line 1, column 8: unpaired UTF-16 surrogate in a \\u escape"),
    ])
    func errorsNameLineAndColumn(text: String, message: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(text.utf8)) }
        do { _ = try JSONParser.parse(Array(text.utf8)) } catch { #expect("\(error)" == message) }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func forEachElementHandsOverAnArrayOneElementAtATime() throws {
        var seen: [(JSONValue, Bool)] = []
        let isArray = try JSONParser.forEachElement(Array(#" [1, {"a": [2]}, "x"] "#.utf8)) { seen.append(($0, $1)) }
        #expect(isArray)
        #expect(seen.map(\.0) == [.number(1), .object(["a": .array([.number(2)])]), .string("x")])
        #expect(seen.allSatisfy { $0.1 })
        seen = []
        let isObjectArray = try JSONParser.forEachElement(Array(#"{"id": 1}"#.utf8)) { seen.append(($0, $1)) }
        #expect(!isObjectArray)
        #expect(seen.count == 1 && seen[0].1 == false)
        let empty = try JSONParser.forEachElement(Array("[]".utf8)) { _, _ in Issue.record("no element") }
        #expect(empty)
        #expect(throws: JSONParseError.self) { try JSONParser.forEachElement(Array("[1, 2".utf8)) { _, _ in } }
        #expect(throws: JSONParseError.self) { try JSONParser.forEachElement(Array("[1] 2".utf8)) { _, _ in } }
    }
}
