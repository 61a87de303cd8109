import Testing
@testable import WanggeCore

@Suite struct OrientationTests {
    @Test func basicTurns() {
        #expect(orientation(0, 0, 1, 0, 0, 1) == 1)
        #expect(orientation(0, 0, 1, 0, 0, -1) == -1)
        #expect(orientation(0, 0, 1, 1, 2, 2) == 0)
    }

    /// Points built exactly on a segment with awkward coordinates (dyadic fractions of an
    /// edge between two lon/lat vertices) are collinear; one ulp off is on the correct side.
    /// The naive double determinant gets many of these wrong; the exact predicate gets none.
    @Test func exactOnAndOffSegment() {
        let ax = 121.41234567890123, ay = 31.298765432101234
        let q = 1.0 / Double(1 << 20)
        var naiveWrong = 0
        for k in 1 ... 2000 {
            let bx = ((ax + Double(k % 37 + 1) * 0.0003) / q).rounded() * q
            let by = ((ay + Double(k % 23 + 1) * 0.0002) / q).rounded() * q
            let sx = (ax / q).rounded() * q, sy = (ay / q).rounded() * q
            let t = Double(k % 7 + 1) / 8
            let px = sx + (bx - sx) * t, py = sy + (by - sy) * t
            #expect(orientation(sx, sy, bx, by, px, py) == 0)
            // The segment goes up and to the right: moving p up puts it on the left (+1).
            #expect(orientation(sx, sy, bx, by, px, py.nextUp) == 1)
            #expect(orientation(sx, sy, bx, by, px, py.nextDown) == -1)
            #expect(orientation(sx, sy, bx, by, px.nextDown, py) == 1)
            let naive = (sx - px) * (by - py) - (sy - py) * (bx - px)
            if (naive > 0 ? 1 : naive < 0 ? -1 : 0) != orientation(sx, sy, bx, by, px, py.nextUp) { naiveWrong += 1 }
        }
        // The test itself must be able to fail: the plain formula misjudges many of these.
        #expect(naiveWrong > 100)
    }

    /// Kettner et al.'s classroom example: a point near the line through (12,12)–(24,24).
    @Test func classroomExample() {
        let px = 0.5, py = 0.5
        for i in 0 ..< 64 {
            for j in 0 ..< 64 {
                let x = px + Double(i) * px.ulp, y = py + Double(j) * py.ulp
                let expected = y > x ? 1 : (y < x ? -1 : 0)
                #expect(orientation(12, 12, 24, 24, x, y) == expected)
            }
        }
    }
}
