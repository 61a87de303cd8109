/// A problem found in a layer being imported. Errors fail the import; warnings are reported
/// and fail it only under `--strict`.
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var message: String

    public static func error(_ m: String) -> ValidationIssue { ValidationIssue(severity: .error, message: m) }
    public static func warning(_ m: String) -> ValidationIssue { ValidationIssue(severity: .warning, message: m) }

    public var description: String { "\(severity.rawValue): \(message)" }
}

/// The outcome of checking a layer.
public struct ValidationReport: Sendable {
    public var issues: [ValidationIssue] = []

    public init(_ issues: [ValidationIssue] = []) { self.issues = issues }

    public var errors: [ValidationIssue] { issues.filter { $0.severity == .error } }
    public var warnings: [ValidationIssue] { issues.filter { $0.severity == .warning } }

    /// Whether the layer may land: no errors, and no warnings when `strict`.
    public func passes(strict: Bool) -> Bool { errors.isEmpty && (!strict || warnings.isEmpty) }

    public mutating func append(_ issue: ValidationIssue) { issues.append(issue) }
    public mutating func append(contentsOf other: [ValidationIssue]) { issues.append(contentsOf: other) }
}

/// Raised when a layer fails its checks: carries every issue, so the user fixes them all at once.
public struct LayerRejected: Error, CustomStringConvertible, Sendable {
    public let layer: String
    public let report: ValidationReport
    public let strict: Bool

    public init(layer: String, report: ValidationReport, strict: Bool) {
        self.layer = layer; self.report = report; self.strict = strict
    }

    public var description: String {
        let shown = (strict ? report.issues : report.errors)
        let head =
            "the \(layer) layer was not imported: \(report.errors.count) error(s), \(report.warnings.count) warning(s)"
            + (strict && report.errors.isEmpty ? " (--strict)" : "")
        let lines = shown.prefix(50).map { "  \($0)" }
        let more = shown.count > 50 ? ["  … and \(shown.count - 50) more"] : []
        return ([head] + lines + more).joined(separator: "\n")
    }
}
