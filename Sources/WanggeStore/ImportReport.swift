import WanggeCore

/// What an import did.
public struct ImportReport: Sendable {
    public var layer: Layer
    /// Rows or features stored.
    public var stored = 0
    /// Orders only: how many were new and how many updated an order already stored.
    public var inserted = 0
    public var updated = 0
    /// Warnings that did not stop the import.
    public var warnings: [ValidationIssue] = []
    /// Stored orders re-routed because a layer changed.
    public var reassigned = 0
    /// Orders with unusable coordinates: stored, flagged `invalid`, listed for manual dispatch.
    public var invalidOrders: [RejectedRow] = []
    /// Imported orders left without a responsible unit (invalid, outside the grid, or no zone
    /// and no street unit), with their status and ``Assignment/manualDispatchReason(in:)``:
    /// stored, and on the manual-dispatch list (`wangge orders --status …`). A streamed import
    /// (``Importer/importOrders(_:)``, `wangge import orders`) lists the first
    /// ``manualDispatchListLimit`` in file order only, so that its memory stays bounded (a city-wide
    /// feed may leave a third of a million orders outside the grid); ``manualDispatchCount`` and
    /// the counts per reason and per status cover them all. A batch of records
    /// (``Importer/importOrders(_:assignments:index:)``, the HTTP ingest) lists every one.
    public var manualDispatch: [(line: Int, id: String, status: AssignmentStatus, reason: String)] = []
    /// How many imported orders went to manual dispatch (``manualDispatch`` may list fewer).
    public var manualDispatchCount = 0
    /// Manual-dispatch orders per reason (``Assignment/manualDispatchReason(in:)``).
    public var manualDispatchByReason: [String: Int] = [:]
    /// Manual-dispatch orders per assignment status.
    public var manualDispatchByStatus: [AssignmentStatus: Int] = [:]
    /// How many manual-dispatch orders a streamed import lists in ``manualDispatch``.
    public static let manualDispatchListLimit = 1_000
    /// Categories without a routing rule (street fallback), with their order counts.
    public var categoriesWithoutRule: [String: Int] = [:]
    /// Assignment status counts of the imported orders.
    public var statusCounts: [AssignmentStatus: Int] = [:]
    /// Events only: rows not applied (unknown order, impossible or out-of-order transition,
    /// unreadable row), with their line and why.
    public var rejectedEvents: [RejectedRow] = []
    /// Status changes applied (events, or the handling columns of an orders file).
    public var appliedEvents = 0
    /// Orders only: the imported orders located by their address, or flagged `address_far`
    /// (``AddressRouting/Located``), in file order; ``Importer/importOrders(_:assignments:index:)``
    /// gives every order's, one per record.
    public var located: [AddressRouting.Located] = []
    /// Orders stored by ``Importer/importOrders(_:assignments:index:)``: their assignments
    /// after address resolution, in record order.
    public var routed: [Assignment] = []

    public init(layer: Layer) { self.layer = layer }
}
