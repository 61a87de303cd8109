import Foundation
import WanggeCore

/// The layers `wangge import` (and later `PUT /v1/layers/{layer}`) accepts.
public enum Layer: String, CaseIterable, Sendable {
    case cells, zones, points, units, rules, orders, events, addresses
}

/// Imports a layer into the store: decode, validate, write and re-route, in one transaction.
public struct Importer {
    public let store: WanggeStore
    public var strict = false
    public var snapMetres = 50.0
    /// Whether a layer may be replaced by an empty one (an empty FeatureCollection, a CSV with
    /// its header only). Refused by default: that would silently wipe the layer and re-route
    /// every stored order (`--allow-empty`, HTTP `allow-empty=true`).
    public var allowEmpty = false
    /// Orders whose address resolves farther than this (metres) from their coordinates are
    /// flagged `address_far` (0: never checked).
    public var addressFarMetres = 300.0
    /// Called with progress messages for long jobs.
    public var progress: (@Sendable (String) -> Void)?

    public init(
        store: WanggeStore, strict: Bool = false, snapMetres: Double = 50, allowEmpty: Bool = false,
        progress: (@Sendable (String) -> Void)? = nil
    ) {
        self.store = store; self.strict = strict; self.snapMetres = snapMetres; self.allowEmpty = allowEmpty; self.progress = progress
    }

    /// Imports `bytes` as `layer`. `crs` converts coordinates (GeoJSON layers) or is the
    /// default for orders whose `crs` column is empty. Re-importing a layer replaces it;
    /// re-importing orders updates those with known ids. Everything lands or nothing does.
    public func importLayer(_ layer: Layer, bytes: [UInt8], crs: String? = nil) throws -> ImportReport {
        var report = ImportReport(layer: layer)
        let system = try crs.map { text throws(CoordinateError) in try CoordinateReferenceSystem(parsing: text) } ?? .wgs84
        let validator = try LayerValidator()
        let db = store.database

        func accept(_ check: ValidationReport) throws {
            guard check.passes(strict: strict) else { throw LayerRejected(layer: layer.rawValue, report: check, strict: strict) }
            report.warnings.append(contentsOf: check.warnings)
        }
        func features() throws -> [GeoJSONFeature] {
            try GeoJSON.decodeFeatureCollection(Data(bytes))
        }
        /// Refuses to replace the layer with nothing unless ``allowEmpty``.
        func refuseEmpty(_ count: Int) throws {
            guard count == 0, !allowEmpty else { return }
            var check = ValidationReport()
            check.append(
                .error(
                    "the file holds no \(layer.rawValue): replacing the stored \(layer.rawValue) layer with an empty one is refused (--allow-empty, or allow-empty=true over HTTP, to empty it on purpose)"
                ))
            throw LayerRejected(layer: layer.rawValue, report: check, strict: strict)
        }

        try db.transaction {
            switch layer {
            case .units:
                var (units, check) = try LayerDecoder.units(bytes)
                if check.errors.isEmpty { try refuseEmpty(units.count) }
                let ids = Set(units.map(\.id))
                for row in try db.prepare("SELECT id, unit FROM zones ORDER BY id").rows() where !ids.contains(row[1].string ?? "") {
                    check.append(.error("zone \(row[0].string ?? "") refers to unit \(row[1].string ?? ""), which this file no longer has"))
                }
                try accept(check)
                try store.replaceUnits(units)
                report.stored = units.count
            case .rules:
                let (rules, check) = try LayerDecoder.rules(bytes)
                if check.errors.isEmpty { try refuseEmpty(rules.count) }
                try accept(check)
                try store.replaceRules(rules)
                report.stored = rules.count
            case .cells:
                progress?("reading cells")
                let (cells, decodeCheck) = LayerDecoder.cells(try features(), crs: system)
                guard decodeCheck.errors.isEmpty else { throw LayerRejected(layer: layer.rawValue, report: decodeCheck, strict: strict) }
                try refuseEmpty(cells.count)
                progress?("checking \(cells.count) cells (validity, overlaps, gaps)")
                var check = decodeCheck
                check.append(contentsOf: validator.check(cells: cells).issues)
                try accept(check)
                let projection = try MetricProjection()
                let areas = cells.map { $0.geometry.areaCentroid(projectedBy: projection.project).area }
                try store.replaceCells(cells, areas: areas)
                report.stored = cells.count
            case .zones:
                let (zones, decodeCheck) = LayerDecoder.zones(try features(), crs: system)
                if decodeCheck.errors.isEmpty { try refuseEmpty(zones.count) }
                var check = decodeCheck
                check.append(contentsOf: validator.check(zones: zones, knownUnits: try store.unitIDs()).issues)
                try accept(check)
                try store.replaceZones(zones)
                report.stored = zones.count
            case .points:
                let (points, decodeCheck) = LayerDecoder.points(try features(), crs: system)
                if decodeCheck.errors.isEmpty { try refuseEmpty(points.count) }
                var check = decodeCheck
                check.append(contentsOf: validator.check(points: points).issues)
                try accept(check)
                try store.replacePoints(points)
                report.stored = points.count
            case .addresses:
                try importAddresses(bytes, crs: system, into: &report)
                try store.updateLayerStatistics("addresses")
                return
            case .orders:
                try importOrders(try WorkOrderStream(bytes: bytes, defaultCRS: crs ?? "", mode: .strict), into: &report)
                try store.updateLayerStatistics("orders")
                return
            case .events:
                try importEvents(bytes, into: &report)
                report.stored = report.appliedEvents
                return
            }
            report.reassigned = try reassignStoredOrders()
            if layer == .cells && report.reassigned == 0 {
                // With no orders to re-route (which builds it), built now and saved with the
                // cells, so the next process routing orders reads it.
                progress?("building the cells' search index")
                _ = try store.loadDistrictIndex()
            }
            if [.cells, .zones, .points].contains(layer) { try store.updateLayerStatistics(layer.rawValue) }
            try store.markLayersChanged()
        }
        return report
    }

    /// Stores orders already read, checked (an id, a reception time each; ids unique) and
    /// routed against `index` — the server's index of the stored layers — in one transaction,
    /// with the status changes of their handling columns. Returns the report and, per record,
    /// whether it was new. Orders with unusable coordinates are located by their address as
    /// by `wangge import orders` (the final assignments in ``ImportReport/routed``), else
    /// stored flagged `invalid`.
    public func importOrders(_ records: [WorkOrderRecord], assignments: [Assignment], index: DistrictIndex) throws -> (
        report: ImportReport, isNew: [Bool]
    ) {
        precondition(records.count == assignments.count, "one assignment per record")
        var report = ImportReport(layer: .orders)
        var isNew: [Bool] = []
        var assignments = assignments
        try store.database.transaction {
            let located = try locateByAddress(records, &assignments, index: index)
            isNew = try store.upsertOrders(records, assignments, index: index, importedAt: Timestamp.format(Date().timeIntervalSince1970))
            try store.recordLocated(ids: records.map(\.id), located)
            report.located = located
            report.routed = assignments
            report.stored = records.count
            report.inserted = isNew.filter { $0 }.count
            report.updated = records.count - report.inserted
            try applyEvents(try handlingEvents(records, into: &report), into: &report)
            tally(records, assignments, index: index, into: &report)
        }
        return (report, isNew)
    }

    /// Applies status events (see ``importEvents(_:into:)``) in one transaction; `check` sees
    /// the report (rejected events included) before the commit and rolls back by throwing.
    public func importEvents(_ events: [OrderEvent], check: (ImportReport) throws -> Void = { _ in }) throws -> ImportReport {
        var report = ImportReport(layer: .events)
        try store.database.transaction {
            try applyEvents(events, into: &report)
            report.stored = report.appliedEvents
            try check(report)
        }
        return report
    }

    /// Status counts, orders for manual dispatch (listed up to `listLimit` in all) and
    /// categories without a rule.
    func tally(
        _ records: [WorkOrderRecord], _ assignments: [Assignment], index: DistrictIndex, listLimit: Int = .max,
        into report: inout ImportReport
    ) {
        for (r, a) in zip(records, assignments) {
            report.statusCounts[a.status, default: 0] += 1
            if a.status == .invalid {
                report.invalidOrders.append(RejectedRow(row: r.line, id: r.id, reason: a.invalidReason ?? "unusable coordinates"))
            }
            if let reason = a.manualDispatchReason(in: index) {
                report.manualDispatchCount += 1
                report.manualDispatchByReason[reason, default: 0] += 1
                report.manualDispatchByStatus[a.status, default: 0] += 1
                if report.manualDispatch.count < listLimit { report.manualDispatch.append((r.line, r.id, a.status, reason)) }
            }
            if a.categoryHasNoRule && a.status != .invalid { report.categoriesWithoutRule[r.category, default: 0] += 1 }
        }
    }

    /// Applies status changes in file order. Each must follow the order's current status
    /// (``OrderStatus/next``) and come no earlier than its last change and its reception;
    /// any other row is reported and not applied — never silently.
    private func importEvents(_ bytes: [UInt8], into report: inout ImportReport) throws {
        let (events, problems) = try OrderEvent.read(bytes)
        report.rejectedEvents = problems
        try applyEvents(events, into: &report)
    }

    /// Applies `events` in order (see ``importEvents(_:into:)``). An event identical to one the
    /// order already has (same status, same time) is already applied and is skipped, so
    /// importing the same file twice changes nothing.
    func applyEvents(_ events: [OrderEvent], into report: inout ImportReport) throws {
        let db = store.database
        let existing = try db.prepare("SELECT 1 FROM order_events WHERE order_id = ?1 AND status = ?2 AND at_epoch = ?3")
        let current = try db.prepare(
            """
            SELECT o.status, o.received_epoch, (SELECT max(e.at_epoch) FROM order_events e WHERE e.order_id = o.id),
                   (SELECT count(*) FROM order_events e WHERE e.order_id = o.id)
            FROM orders o WHERE o.id = ?1
            """)
        let insert = try db.prepare("INSERT INTO order_events (order_id, seq, status, at, at_epoch, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        let update = try db.prepare("UPDATE orders SET status = ?2 WHERE id = ?1")
        var state: [String: (status: OrderStatus, last: Double, count: Int)] = [:]
        for e in events {
            if state[e.orderID] == nil {
                let row = try current.rows([.text(e.orderID)])
                guard let r = row.first else {
                    report.rejectedEvents.append(RejectedRow(row: e.line, id: e.orderID, reason: "no stored order has this id")); continue
                }
                state[e.orderID] = (OrderStatus(rawValue: r[0].string ?? "") ?? .received, r[2].double ?? r[1].double ?? 0, r[3].int ?? 0)
            }
            let s = state[e.orderID]!
            if try !existing.rows([.text(e.orderID), .text(e.status.rawValue), .real(e.at)]).isEmpty { continue }
            guard s.status.next.contains(e.status) else {
                report.rejectedEvents.append(
                    RejectedRow(
                        row: e.line, id: e.orderID,
                        reason:
                            "cannot go from \(s.status.rawValue) to \(e.status.rawValue) (allowed: \(s.status.next.map(\.rawValue).sorted().joined(separator: ", ")))"
                    ))
                continue
            }
            guard e.at >= s.last else {
                report.rejectedEvents.append(
                    RejectedRow(row: e.line, id: e.orderID, reason: "at \(e.atText) is earlier than the order's last change or its reception"))
                continue
            }
            try insert.run([.text(e.orderID), .integer(Int64(s.count + 1)), .text(e.status.rawValue), .text(e.atText), .real(e.at), .text(e.note)])
            try update.run([.text(e.orderID), .text(e.status.rawValue)])
            state[e.orderID] = (e.status, e.at, s.count + 1)
            report.appliedEvents += 1
        }
        report.rejectedEvents.sort { ($0.row ?? 0) < ($1.row ?? 0) }
    }

    /// Status changes carried by an orders file's optional `status`, `resolved_at` and
    /// `closed_at` columns: `resolved` at resolved_at, `closed` at closed_at, then the `status`
    /// if those do not already end in it, dated by the latest time the row gives (its own time
    /// is unknown). They are applied like `wangge import events`: checked, reported, never
    /// silently; already applied ones are skipped.
    func handlingEvents(_ records: [WorkOrderRecord], into report: inout ImportReport) throws -> [OrderEvent] {
        var events: [OrderEvent] = []
        for r in records where !(r.statusText.isEmpty && r.resolvedAtText.isEmpty && r.closedAtText.isEmpty) {
            var latest = r.receivedAt ?? 0
            var last: OrderStatus = .received
            for (status, text) in [(OrderStatus.resolved, r.resolvedAtText), (.closed, r.closedAtText)] where !text.isEmpty {
                guard let at = Timestamp.parse(text) else {
                    throw CSVRowError(
                        line: r.line,
                        message:
                            "order \(r.id): \(status == .resolved ? "resolved_at" : "closed_at") \"\(text)\" is not a time; expected \(Timestamp.forms)"
                    )
                }
                events.append(OrderEvent(line: r.line, orderID: r.id, status: status, at: at, atText: text, note: "from the orders file"))
                latest = max(latest, at); last = status
            }
            guard !r.statusText.isEmpty else { continue }
            guard let status = OrderStatus(rawValue: r.statusText.lowercased()) else {
                report.rejectedEvents.append(
                    RejectedRow(
                        row: r.line, id: r.id,
                        reason: "unknown status \"\(r.statusText)\"; expected one of \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                )
                continue
            }
            if status != last && status != .received {
                events.append(
                    OrderEvent(
                        line: r.line, orderID: r.id, status: status, at: latest, atText: Timestamp.format(latest), note: "status from the orders file"
                    ))
            }
        }
        return events
    }

    /// Re-routes every stored order against the current layers (after a layer changed),
    /// block by block as an orders import stores them, in bounded memory. With a standard
    /// address layer, orders without usable coordinates are located again by their address.
    public func reassignStoredOrders() throws -> Int {
        let count = try store.database.scalar("SELECT count(*) FROM orders").int ?? 0
        guard count > 0 else { return 0 }
        let progress = self.progress
        progress?("re-routing \(count) stored orders")
        let index = try store.loadDistrictIndex()
        let routing = try store.addressRouting(for: index, farMetres: addressFarMetres)
        let attributes = try store.database.prepare("SELECT attributes FROM orders WHERE rowid = ?1")
        let router = try OrderRouter(index: index, snapMetres: snapMetres)
        let store = self.store
        return try store.reassignOrders(
            index: index, snapMetres: snapMetres,
            locate: { orders, assignments in
                // The address columns are read only when there is a layer to resolve them against.
                guard routing != nil else { return }
                var records = orders.records
                for i in records.indices { records[i].attributesJSON = try attributes.rows([.integer(orders.rowids[i])]).first?[0].string ?? "{}" }
                let located = Self.locate(records, &assignments, routing: routing, router: router, index: index)
                try store.recordLocated(ids: records.map(\.id), located)
            },
            progress: { n in progress?("re-routed \(n) of \(count) orders") }
        )
    }
}
