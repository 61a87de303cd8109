import Foundation

/// Exact orientation predicate.
///
/// `orientation(a, b, p)` is the sign of the determinant
/// `(a.x − p.x)(b.y − p.y) − (a.y − p.y)(b.x − p.x)`: `+1` when a, b, p turn counter-clockwise,
/// `−1` when clockwise, `0` when the three points are exactly collinear.
///
/// The sign is exact for every finite double input (no overflow assumed): a floating-point
/// evaluation is accepted when it clears Shewchuk's forward error bound
/// (`ccwerrboundA = (3 + 16ε)ε`); otherwise the determinant is recomputed exactly as a
/// floating-point expansion (error-free two-sum / two-product transformations) and the sign
/// of its largest component is returned. This is what lets Wangge decide, without error,
/// whether an order lies on a shared cell edge.
/// Reference: J. R. Shewchuk, "Adaptive Precision Floating-Point Arithmetic and Fast Robust
/// Geometric Predicates", Discrete & Computational Geometry 18 (1997).
@inlinable
public func orientation(
    _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
    _ px: Double, _ py: Double
) -> Int {
    let detLeft = (ax - px) * (by - py)
    let detRight = (ay - py) * (bx - px)
    let det = detLeft - detRight
    let errorBound = 3.3306690738754716e-16 * (abs(detLeft) + abs(detRight))
    if det > errorBound { return 1 }
    if -det > errorBound { return -1 }
    return exactOrientation(ax, ay, bx, by, px, py)
}

/// The exact fallback of ``orientation(_:_:_:_:_:_:)``.
@usableFromInline
func exactOrientation(
    _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
    _ px: Double, _ py: Double
) -> Int {
    // Each difference is exactly hi + lo.
    let (acxHi, acxLo) = twoDiff(ax, px)
    let (bcyHi, bcyLo) = twoDiff(by, py)
    let (acyHi, acyLo) = twoDiff(ay, py)
    let (bcxHi, bcxLo) = twoDiff(bx, px)
    // det = (acx)(bcy) − (acy)(bcx), every partial product split exactly into two doubles.
    var terms: [Double] = []
    terms.reserveCapacity(16)
    for (u, v, sign) in [
        (acxHi, bcyHi, 1.0), (acxHi, bcyLo, 1.0), (acxLo, bcyHi, 1.0), (acxLo, bcyLo, 1.0),
        (acyHi, bcxHi, -1.0), (acyHi, bcxLo, -1.0), (acyLo, bcxHi, -1.0), (acyLo, bcxLo, -1.0),
    ] {
        let (p, e) = twoProduct(u * sign, v)
        terms.append(e)
        terms.append(p)
    }
    // Sum exactly into a nonoverlapping expansion (Shewchuk's Grow-Expansion).
    var expansion: [Double] = []
    expansion.reserveCapacity(32)
    for t in terms where t != 0 {
        var q = t
        var next: [Double] = []
        next.reserveCapacity(expansion.count + 1)
        for e in expansion {
            let (s, err) = twoSum(q, e)
            if err != 0 { next.append(err) }
            q = s
        }
        next.append(q)
        expansion = next
    }
    // Components increase in magnitude and do not overlap: the largest one carries the sign.
    for component in expansion.reversed() where component != 0 {
        return component > 0 ? 1 : -1
    }
    return 0
}

@inline(__always) func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
    let s = a + b
    let bVirtual = s - a
    let aVirtual = s - bVirtual
    return (s, (a - aVirtual) + (b - bVirtual))
}

@inline(__always) func twoDiff(_ a: Double, _ b: Double) -> (Double, Double) {
    let x = a - b
    let bVirtual = a - x
    let aVirtual = x + bVirtual
    return (x, (a - aVirtual) + (bVirtual - b))
}

@inline(__always) func twoProduct(_ a: Double, _ b: Double) -> (Double, Double) {
    let p = a * b
    return (p, fma(a, b, -p))
}
