/// A capability with its parameters parsed: what both `wangge <command>` and its HTTP route run.
/// (Not `Operation`, which would shadow Foundation's.)
public protocol Capability: Sendable {
    /// Computes the output from `data`.
    func report(from data: DataSource) throws -> Report
}
