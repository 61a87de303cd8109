import Testing

@testable import WanggeCore

@Suite struct PlainDecimalTests {
    func fast(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { PlainDecimal.value($0) }
    }

    /// Every text the fast path reads gives the very bits `Double(String)` gives, over random
    /// coordinates of every precision, halfway-looking digits and the limits of the path.
    @Test func sameBitsAsTheGeneralParser() {
        var state: UInt64 = 12_345
        func next() -> UInt64 {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var texts = [
            "0", "-0", "+0", "0.0", "121.4432584", "31.2513899", "-180", "90.000000000000001",
            "9007199254740991", "900719925474099.1", "0.1", "0.3", "1.0000000000000002", "2.2250738585072014",
            "121.44325840000000000000", "000121.5", "-000.000001", "4503599627370497.5",
        ]
        for _ in 0 ..< 200_000 {
            let digits = Int(next() % 16) + 1
            let point = Int(next() % UInt64(digits + 1))
            var text = next() % 4 == 0 ? "-" : ""
            for k in 0 ..< digits {
                if k == point && k > 0 { text += "." }
                text += String(next() % 10)
            }
            texts.append(text)
        }
        var read = 0
        for text in texts {
            guard let value = fast(text) else { continue }
            read += 1
            let expected = Double(text)
            #expect(expected?.bitPattern == value.bitPattern, "\(text)")
        }
        #expect(read > 190_000)
    }

    /// What the path leaves to the general parser (which also words the error).
    @Test func otherFormsAreLeftToTheGeneralPath() {
        for text in [
            "", "-", "+", ".", "1.", ".5", "-.5", "1e5", "1E-3", "inf", "nan", "0x1p3", "1,5", "1.2.3", " 1", "1 ",
            "\"1\"", "12345678901234567890", "9007199254740993", "0.00000000000000000000001",
        ] {
            #expect(fast(text) == nil, "\(text)")
        }
    }
}
