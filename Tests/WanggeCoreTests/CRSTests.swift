import Foundation
import Testing
@testable import WanggeCore

/// Ground distance in metres of a small lon/lat difference at latitude `lat` (local
/// equirectangular approximation, ample for errors of centimetres).
private func metres(_ a: Coordinate, _ b: Coordinate) -> Double {
    let mPerDegLat = 111_320.0
    let mPerDegLon = 111_320.0 * cos(a.y * .pi / 180)
    let dx = (a.x - b.x) * mPerDegLon, dy = (a.y - b.y) * mPerDegLat
    return (dx * dx + dy * dy).squareRoot()
}

/// A 28 × 25 grid of points across Shanghai (lon 120.85–122.2, lat 30.67–31.88).
private let shanghaiGrid: [Coordinate] = {
    var points: [Coordinate] = []
    for i in 0 ... 27 {
        for j in 0 ... 24 {
            points.append(
                Coordinate(
                    120.85 + Double(i) * (122.2 - 120.85) / 27,
                    30.67 + Double(j) * (31.88 - 30.67) / 24))
        }
    }
    return points
}()

private func expectClose(
    _ a: Coordinate, _ b: Coordinate, _ tolerance: Double,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        abs(a.x - b.x) <= tolerance && abs(a.y - b.y) <= tolerance,
        "\(a) vs \(b), tolerance \(tolerance)", sourceLocation: sourceLocation)
}

@Suite("Metric projection (EPSG:4549)")
struct MetricProjectionTests {
    @Test func checkValueAndRoundTrip() throws {
        let projection = try MetricProjection()
        let p = Coordinate(121.45, 31.30)
        let m = projection.project(p)
        #expect(abs(m.x - 638052.588) <= 0.001, "easting \(m.x)")
        #expect(abs(m.y - 3465143.589) <= 0.001, "northing \(m.y)")
        let back = projection.unproject(m)
        expectClose(back, p, 1e-9)
    }

    @Test func batchMatchesSingleAndFailuresBecomeNaN() throws {
        let projection = try MetricProjection()
        var batch = [Coordinate(121.45, 31.30), Coordinate(121.0, 31.0), Coordinate(0, 100)]
        let singles = batch.map { projection.project($0) }
        projection.project(&batch)
        #expect(batch[0] == singles[0])
        #expect(batch[1] == singles[1])
        #expect(abs(batch[0].x - 638052.588) <= 0.001)
        // Latitude 100 is invalid: PROJ fails on that point only.
        #expect(batch[2].x.isNaN && batch[2].y.isNaN)
        #expect(singles[2].x.isNaN && singles[2].y.isNaN)
    }

    @Test func projTransformUnknownCRS() {
        #expect(throws: CoordinateError.unknownCRS("EPSG:999999")) {
            try ProjTransform(from: "EPSG:999999", to: "EPSG:4326")
        }
        #expect(throws: CoordinateError.unknownCRS("EPSG:0")) {
            try ProjTransform(from: "EPSG:4326", to: "EPSG:0")
        }
    }

    /// Transformations after the first are clones of a kept prototype: the same numbers as one
    /// made from the CRS definitions, to the bit, forwards and back, and the same failures.
    @Test(arguments: [
        ("EPSG:4326", "EPSG:4549"), ("EPSG:4490", "EPSG:4547"), ("EPSG:4326", "EPSG:32651"),
        // Several transformations, each for its own area, chosen point by point.
        ("EPSG:4214", "EPSG:4326"), ("EPSG:4326", "EPSG:2326"),
    ])
    func clonedTransformationsGiveTheSameNumbers(source: String, target: String) throws {
        _ = try ProjTransform(from: source, to: target)  // keeps the prototype
        let cloned = try ProjTransform(from: source, to: target)
        let made = try ProjTransform(from: source, to: target, cloning: false)
        var state: UInt64 = 12_345
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var points = (0 ..< 5_000).map { _ in Coordinate(73 + next() * 62, 18 + next() * 35) }
        points += [Coordinate(0, 100), Coordinate(.nan, 31), Coordinate(121.4, 31.3)]
        var identical = 0
        for p in points {
            let a = cloned.transform(p), b = made.transform(p)
            let backA = a.flatMap { cloned.inverse($0) }, backB = b.flatMap { made.inverse($0) }
            if a?.x.bitPattern == b?.x.bitPattern && a?.y.bitPattern == b?.y.bitPattern && backA?.x.bitPattern == backB?.x.bitPattern
                && backA?.y.bitPattern == backB?.y.bitPattern
            {
                identical += 1
            }
        }
        #expect(identical == points.count)
        var batchA = points, batchB = points
        cloned.transform(&batchA)
        made.transform(&batchB)
        #expect(zip(batchA, batchB).allSatisfy { $0.x.bitPattern == $1.x.bitPattern && $0.y.bitPattern == $1.y.bitPattern })
    }

    /// A transverse Mercator or UTM operation calls its projection step directly on radians
    /// (see ``ProjTransform``): the numbers and failures of PROJ's whole pipeline, to the bit,
    /// worldwide, at the poles and the antimeridian, and out of range.
    @Test(arguments: [
        ("EPSG:4326", "EPSG:4549", true), ("EPSG:4490", "EPSG:4547", true), ("EPSG:4326", "EPSG:32651", true),
        // A datum shift first: the whole pipeline.
        ("EPSG:4326", "EPSG:2326", false), ("EPSG:4214", "EPSG:4326", false),
    ])
    func projectionStepCalledDirectlyGivesThePipelinesNumbers(source: String, target: String, direct: Bool) throws {
        let fast = try ProjTransform(from: source, to: target, cloning: false)
        let whole = try ProjTransform(from: source, to: target, cloning: false, directStep: false)
        #expect(fast.projectsDirectly == direct)
        #expect(!whole.projectsDirectly)
        var state: UInt64 = 4_549
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var points = (0 ..< 20_000).map { _ in Coordinate(-180 + next() * 360, -90 + next() * 180) }
        points += (0 ..< 20_000).map { _ in Coordinate(73 + next() * 62, 18 + next() * 35) }
        points += [
            Coordinate(180, 0), Coordinate(-180, 0), Coordinate(120, 90), Coordinate(120, -90), Coordinate(0, 100),
            Coordinate(400, 31), Coordinate(-540, 31), Coordinate(121, 90.000_000_1), Coordinate(.nan, 31), Coordinate(121, .infinity),
            Coordinate(1e300, 0), Coordinate(-0.0, -0.0), Coordinate(Double.leastNonzeroMagnitude, 31), Coordinate(300, 95),
        ]
        func same(_ a: Coordinate?, _ b: Coordinate?) -> Bool {
            a?.x.bitPattern == b?.x.bitPattern && a?.y.bitPattern == b?.y.bitPattern
        }
        let differing = points.filter { !same(fast.transform($0), whole.transform($0)) }
        #expect(differing.isEmpty, "first differing: \(differing.prefix(3))")
        var batchFast = points, batchWhole = points
        fast.transform(&batchFast)
        whole.transform(&batchWhole)
        #expect(zip(batchFast, batchWhole).allSatisfy(same))
        let failures = batchFast.filter { $0.x.isNaN }.count
        #expect(failures >= (direct ? 6 : 1) && failures < points.count / 2)
    }

    /// Projecting on two cores (as a city's cells are) gives the numbers of one call, to the
    /// bit, failures included.
    @Test func projectionOnTwoCoresGivesTheSameNumbers() throws {
        let projection = try MetricProjection()
        var state: UInt64 = 20_261_201
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var points = (0 ..< 50_001).map { _ in Coordinate(120.8 + next() * 1.2, 30.6 + next() * 1.3) }
        points[7] = Coordinate(.nan, 31)
        points[40_000] = Coordinate(0, 100)
        var one = points, two = points
        projection.project(&one)
        projection.projectOnTwoCores(&two)
        #expect(zip(one, two).allSatisfy { $0.x.bitPattern == $1.x.bitPattern && $0.y.bitPattern == $1.y.bitPattern })
        #expect(two[7].x.isNaN && two[40_000].x.isNaN && two[25_001].x.isFinite)
    }

    @Test func projTransformInverse() throws {
        let t = try ProjTransform(from: "EPSG:4326", to: "EPSG:4549")
        let m = try #require(t.transform(Coordinate(121.45, 31.30)))
        let back = try #require(t.inverse(m))
        expectClose(back, Coordinate(121.45, 31.30), 1e-9)
        #expect(t.transform(Coordinate(0, 100)) == nil)
    }
}

@Suite("GCJ-02 / BD-09")
struct ChinaOffsetTests {
    // googollee/eviltransform, python/test.py, TESTS (wgsLat, wgsLng, gcjLat, gcjLng).
    static let eviltransformWGSToGCJ: [(wgs: Coordinate, gcj: Coordinate)] = [
        (Coordinate(121.5272106, 31.1774276), Coordinate(121.531541859215, 31.17530398364597)),  // shanghai
        (Coordinate(113.912316, 22.543847), Coordinate(113.9171764808363, 22.540796131694766)),  // shenzhen
        (Coordinate(116.377817, 39.911954), Coordinate(116.38404722455657, 39.91334545536069)),  // beijing
    ]

    @Test func gcj02ForwardEviltransform() {
        for v in Self.eviltransformWGSToGCJ {
            expectClose(ChinaOffset.gcj02(fromWGS84: v.wgs), v.gcj, 1e-9)
        }
    }

    @Test func gcj02ForwardHutool() {
        // dromara/hutool, hutool-core/src/test/java/cn/hutool/core/util/CoordinateUtilTest.java,
        // wgs84ToGcj02Test: (116.404, 39.915) → (116.41024449916938, 39.91640428150164).
        expectClose(
            ChinaOffset.gcj02(fromWGS84: Coordinate(116.404, 39.915)),
            Coordinate(116.41024449916938, 39.91640428150164), 1e-9)
    }

    @Test func bd09ForwardHutool() {
        // dromara/hutool, CoordinateUtilTest.java, gcj02ToBd09Test.
        expectClose(
            ChinaOffset.bd09(fromGCJ02: Coordinate(116.404, 39.915)),
            Coordinate(116.41036949371029, 39.92133699351022), 1e-9)
        // dromara/hutool, CoordinateUtilTest.java, wgs84toBd09Test.
        expectClose(
            ChinaOffset.bd09(fromWGS84: Coordinate(116.404, 39.915)),
            Coordinate(116.41662724378733, 39.922699552216216), 1e-9)
        // dromara/hutool, CoordinateUtilTest.java, wgs84toBd09Test2 (checked there against tool.lu/coordinate).
        expectClose(
            ChinaOffset.bd09(fromWGS84: Coordinate(122.99395597, 44.99804071)),
            Coordinate(123.00636516028885, 45.0063690918959), 1e-9)
    }

    @Test func bd09ForwardCoordtransform() {
        // ipcjs/coordtransform_dart, test/coordtransform_dart_test.dart,
        // "compare with coordtransform.java": wgs84ToBd09(118.3013077, 32.2719040).
        expectClose(
            ChinaOffset.bd09(fromWGS84: Coordinate(118.3013077, 32.2719040)),
            Coordinate(118.31309502519456, 32.27614034221775), 1e-9)
    }

    @Test func gcj02InverseRecoversPublishedWGS() {
        // The exact inverse takes eviltransform's GCJ values back to their WGS inputs
        // (eviltransform's own gcj2wgs_exact only promises 0.5 m).
        for v in Self.eviltransformWGSToGCJ {
            expectClose(ChinaOffset.wgs84(fromGCJ02: v.gcj), v.wgs, 1e-9)
        }
        // dromara/hutool, CoordinateUtilTest.java, gcj02ToBd09Test, inverted.
        expectClose(
            ChinaOffset.gcj02(fromBD09: Coordinate(116.41036949371029, 39.92133699351022)),
            Coordinate(116.404, 39.915), 1e-9)
    }

    @Test func inverseAccuracyAcrossShanghai() {
        var maxGCJ = 0.0, maxBD = 0.0, minShift = Double.infinity
        for p in shanghaiGrid {
            let gcj = ChinaOffset.gcj02(fromWGS84: p)
            minShift = min(minShift, metres(p, gcj))
            maxGCJ = max(maxGCJ, metres(p, ChinaOffset.wgs84(fromGCJ02: gcj)))
            maxBD = max(maxBD, metres(p, ChinaOffset.wgs84(fromBD09: ChinaOffset.bd09(fromWGS84: p))))
        }
        #expect(minShift > 100, "the GCJ-02 shift in Shanghai is several hundred metres")
        #expect(maxGCJ < 0.05, "GCJ-02 round trip max error \(maxGCJ) m")
        #expect(maxBD < 0.05, "BD-09 round trip max error \(maxBD) m")
        // The iterations actually reach round-off, far below the requirement.
        #expect(maxGCJ < 1e-5 && maxBD < 1e-5, "max errors \(maxGCJ) m, \(maxBD) m")
    }

    @Test func noShiftOutsideChina() {
        let paris = Coordinate(2.35, 48.85)
        #expect(ChinaOffset.isOutsideChina(paris))
        #expect(ChinaOffset.gcj02(fromWGS84: paris) == paris)
        #expect(ChinaOffset.wgs84(fromGCJ02: paris) == paris)
        #expect(ChinaOffset.bd09(fromWGS84: paris) == paris)
        #expect(ChinaOffset.wgs84(fromBD09: paris) == paris)
        #expect(!ChinaOffset.isOutsideChina(Coordinate(121.45, 31.30)))
        #expect(ChinaOffset.isOutsideChina(Coordinate(137.84, 35)))
        #expect(ChinaOffset.isOutsideChina(Coordinate(121, 55.83)))
    }
}

@Suite("CRS parsing")
struct CRSParsingTests {
    @Test(arguments: [
        ("", CoordinateReferenceSystem.wgs84), ("wgs84", .wgs84), ("WGS-84", .wgs84), ("EPSG:4326", .wgs84),
        ("  epsg:4326 ", .wgs84), ("WGS84", .wgs84),
        ("cgcs2000", .cgcs2000), ("CGCS2000", .cgcs2000), ("EPSG:4490", .cgcs2000),
        ("gcj02", .gcj02), ("gcj-02", .gcj02), ("GCJ02", .gcj02),
        ("bd09", .bd09), ("bd-09", .bd09), ("BD09", .bd09),
        ("EPSG:4549", .epsg(4549)), ("epsg:3857", .epsg(3857)), (" EPSG: 4549 ", .epsg(4549)),
        ("EPSG:999999", .epsg(999999)),
    ])
    func accepted(_ text: String, _ expected: CoordinateReferenceSystem) throws {
        #expect(try CoordinateReferenceSystem(parsing: text) == expected)
    }

    @Test(arguments: ["mars", "EPSG:", "EPSG:abc", "EPSG:-5", "EPSG:0", "EPSG:12x", "wgs", "4326", "EPSG 4326"])
    func rejected(_ text: String) {
        #expect(throws: CoordinateError.unknownCRS(text)) { try CoordinateReferenceSystem(parsing: text) }
    }

    @Test func canonicalDescriptionRoundTrips() throws {
        let all: [CoordinateReferenceSystem] = [.wgs84, .cgcs2000, .gcj02, .bd09, .epsg(4549)]
        #expect(all.map(\.description) == ["wgs84", "cgcs2000", "gcj02", "bd09", "EPSG:4549"])
        for crs in all { #expect(try CoordinateReferenceSystem(parsing: crs.description) == crs) }
    }

    @Test func errorDescriptions() {
        #expect(CoordinateError.outOfRange(Coordinate(200, 31)).description == "longitude 200.0 is outside [-180, 180]")
        #expect(CoordinateError.outOfRange(Coordinate(121, -95)).description == "latitude -95.0 is outside [-90, 90]")
        #expect(CoordinateError.notANumber("12,5x").description.contains("12,5x"))
        #expect(CoordinateError.unknownCRS("mars").description.contains("mars"))
        #expect(CoordinateError.nonFinite.description.contains("NaN"))
        #expect(CoordinateError.transformFailed("boom").description.contains("boom"))
    }
}

@Suite("CoordinateConverter")
struct CoordinateConverterTests {
    @Test func identitiesAndValidation() throws {
        let converter = CoordinateConverter()
        let p = Coordinate(121.45, 31.30)
        for crs in [CoordinateReferenceSystem.wgs84, .cgcs2000, .epsg(4326), .epsg(4490)] {
            #expect(try converter.toWGS84(p, from: crs) == p)
            #expect(throws: CoordinateError.nonFinite) { try converter.toWGS84(Coordinate(.nan, 31), from: crs) }
            #expect(throws: CoordinateError.nonFinite) { try converter.toWGS84(Coordinate(121, .infinity), from: crs) }
            #expect(throws: CoordinateError.outOfRange(Coordinate(200, 31))) {
                try converter.toWGS84(Coordinate(200, 31), from: crs)
            }
            #expect(throws: CoordinateError.outOfRange(Coordinate(121, 91))) {
                try converter.toWGS84(Coordinate(121, 91), from: crs)
            }
        }
        for crs in [CoordinateReferenceSystem.gcj02, .bd09] {
            #expect(throws: CoordinateError.nonFinite) { try converter.toWGS84(Coordinate(-.infinity, 31), from: crs) }
            #expect(throws: CoordinateError.outOfRange(Coordinate(200, 31))) {
                try converter.toWGS84(Coordinate(200, 31), from: crs)
            }
        }
        #expect(throws: CoordinateError.nonFinite) { try converter.toWGS84(Coordinate(.nan, 0), from: .epsg(4549)) }
        // A geographic EPSG source (Beijing 1954) is range-checked before PROJ sees it.
        #expect(throws: CoordinateError.outOfRange(Coordinate(200, 31))) {
            try converter.toWGS84(Coordinate(200, 31), from: .epsg(4214))
        }
    }

    @Test func chinaOffsets() throws {
        let converter = CoordinateConverter()
        let shanghai = ChinaOffsetTests.eviltransformWGSToGCJ[0]
        expectClose(try converter.toWGS84(shanghai.gcj, from: .gcj02), shanghai.wgs, 1e-9)
        let p = Coordinate(121.45, 31.30)
        expectClose(try converter.toWGS84(ChinaOffset.bd09(fromWGS84: p), from: .bd09), p, 1e-10)
    }

    @Test func epsg4549Metres() throws {
        let converter = CoordinateConverter()
        let r = try converter.toWGS84(Coordinate(638052.588, 3465143.589), from: .epsg(4549))
        expectClose(r, Coordinate(121.45, 31.30), 1e-8)
        // Second call goes through the cached transformation.
        let again = try converter.toWGS84(Coordinate(638052.588, 3465143.589), from: .epsg(4549))
        #expect(again == r)
    }

    @Test func epsg3857WebMercator() throws {
        let converter = CoordinateConverter()
        let x = 121.45 * 20037508.342789244 / 180
        let y = 6378137.0 * log(tan(Double.pi / 4 + 31.30 * Double.pi / 360))
        let r = try converter.toWGS84(Coordinate(x, y), from: .epsg(3857))
        expectClose(r, Coordinate(121.45, 31.30), 1e-9)
    }

    @Test func unknownEPSGAtConversionTime() throws {
        let converter = CoordinateConverter()
        let crs = try CoordinateReferenceSystem(parsing: "EPSG:999999")
        for _ in 0 ..< 2 {  // the failure is cached and reported the same way again
            #expect(throws: CoordinateError.unknownCRS("EPSG:999999")) {
                try converter.toWGS84(Coordinate(121.45, 31.30), from: crs)
            }
        }
        // Other codes still work after a failure.
        #expect(try converter.toWGS84(Coordinate(121.45, 31.30), from: .wgs84) == Coordinate(121.45, 31.30))
    }
}
