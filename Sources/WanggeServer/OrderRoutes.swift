import Foundation
import Hummingbird
import NIOCore
import WanggeCore
import WanggeOperations
import WanggePages
import WanggeStore

extension WanggeService {
    /// Orders: ingest (as `wangge import orders`), one order with its history, the
    /// manual-dispatch list (as `wangge orders`), status events (as `wangge import events`).
    var orderRoutes: [APIRoute] {
        let problem = ["application/problem+json"]
        return [
            APIRoute(
                method: .post, path: "/v1/orders", role: .operator,
                summary:
                    "Store and route orders: one JSON object, a JSON array, or a CSV body with the columns of `wangge import orders` (UTF-8, or GB18030/GBK: `charset=GBK`, or detected without a charset). Idempotent by order id (re-posting updates). One transaction.",
                operationId: "storeOrders",
                parameters: [
                    .query(
                        "partial", "boolean",
                        "true: store the valid rows and report the others; otherwise a batch with invalid rows stores nothing (422)."),
                    .query("crs", "CRS of rows that give none: wgs84 (default), cgcs2000, gcj02, bd09 or EPSG:nnnn."),
                ],
                bodyTypes: ["application/json", "text/csv"],
                bodySchemas: ["application/json": .anyOf(.ref("OrderInput"), .array(.ref("OrderInput")))],
                bodyExamples: [
                    "application/json": .object([
                        "id": .string("DEMO-1"), "lon": .number(121.4142), "lat": .number(31.3036),
                        "category": .string("暴露垃圾"), "received_at": .string("2025-07-01T09:00:00+08:00"),
                    ]),
                    "text/csv": .string("id,lon,lat,category,received_at\nDEMO-2,121.4142,31.3036,暴露垃圾,2025-07-01T09:00:00+08:00\n"),
                ],
                outcomes: [
                    .init(
                        status: 200, description: "Stored: counts, each order's assignment, rejected rows (with partial=true).",
                        schema: .ref("OrdersStored")),
                    .init(
                        status: 400, description: "Unreadable body (bytes not valid in its encoding: the line and byte offset).", mediaTypes: problem),
                    .init(status: 413, description: "Body larger than --max-body.", mediaTypes: problem),
                    .init(
                        status: 415,
                        description: "Content-Type other than application/json or text/csv, or a charset other than UTF-8 and GB18030 (GBK, GB2312).",
                        mediaTypes: problem),
                    .init(status: 422, description: "Rows failed validation (rows: which and why); nothing stored.", mediaTypes: problem),
                ],
                handler: { [self] request, _ in try await postOrders(request) }),
            APIRoute(
                method: .get, path: "/v1/orders", role: .reader,
                summary:
                    "The orders of a cell, street, unit or inspection point in a window (the leaders' page's drill-down), or the manual-dispatch list: orders without a responsible unit; oldest first, as `wangge orders`.",
                operationId: "listOrders",
                parameters: [
                    .query(
                        "status", values: ["unrouted", "invalid", "outside"],
                        "invalid (unusable coordinates), outside (outside the district grid), unrouted (default: every order without a unit)."),
                    .query("cell", "The orders whose primary cell is this one (15 digits)."),
                    .query("street", "The orders whose cell lies in this street (9 digits)."),
                    .query("unit", "The orders routed to this unit."),
                    .query("point", "The orders touching this inspection point."),
                    .query("from", "date-time", "Orders received at or after this time."),
                    .query("to", "date-time", "Orders received before this time."),
                    .query("category", repeatable: true, "Only orders of this category (repeatable; area lists)."),
                    .query("format", values: ["json", "csv", "html"], "json (default), csv or html (a page for people)."),
                    .query("bom", "boolean", "csv: start with a UTF-8 byte order mark, for Excel (default false)."),
                ],
                outcomes: [
                    .init(
                        status: 200, description: "The list.", mediaTypes: ["application/json", "text/csv", "text/html"],
                        schema: .array(.ref("OrderListItem"))),
                    .init(status: 400, description: "An unknown or unusable parameter (parameter: which).", mediaTypes: problem),
                ],
                handler: { [self] request, _ in try await runOperation(OrdersParameters.self, request, flags: ["bom"]) }),
            APIRoute(
                method: .get, path: "/v1/orders/{id}", role: .reader,
                summary: "One order as received and routed, its handling status and history, as `wangge orders --id`.", operationId: "getOrder",
                parameters: [.path("id", "The order id.")],
                outcomes: [
                    .init(status: 200, description: "The order.", schema: .ref("Order")),
                    .init(status: 404, description: "No such order.", mediaTypes: problem),
                ],
                handler: { [self] request, context in
                    try await runOperation(
                        OrdersParameters.self, request, positional: ["--id=\(try pathParameter("id", context))"], defaultFormat: nil, on: pool.light)
                }),
            APIRoute(
                method: .post, path: "/v1/orders/{id}/events", role: .operator,
                summary:
                    "Record status changes of one order (received → dispatched → resolved → closed, reopened), as `wangge import events`: a JSON object {status, at, note}, an array of them, or CSV status,at[,note].",
                operationId: "recordOrderEvents",
                parameters: [
                    .path("id", "The order id."),
                    .query(
                        "partial", "boolean",
                        "true: apply the acceptable events and report the others; otherwise any refused event applies nothing (422)."),
                ],
                bodyTypes: ["application/json", "text/csv"],
                bodySchemas: ["application/json": .anyOf(.ref("OrderEventInput"), .array(.ref("OrderEventInput")))],
                bodyExamples: [
                    "application/json": .object([
                        "status": .string("dispatched"), "at": .string("2025-07-01T10:00:00+08:00"), "note": .string("派至城管中队"),
                    ]),
                    "text/csv": .string("status,at,note\ndispatched,2025-07-01T10:00:00+08:00,派至城管中队\n"),
                ],
                outcomes: [
                    .init(status: 200, description: "The order with its history, and any refused events.", schema: .ref("OrderWithEvents")),
                    .init(status: 400, description: "Unreadable body, a body without events, or an unknown parameter.", mediaTypes: problem),
                    .init(status: 404, description: "No such order.", mediaTypes: problem),
                    .init(status: 413, description: "Body larger than --max-body.", mediaTypes: problem),
                    .init(status: 415, description: "Unsupported Content-Type.", mediaTypes: problem),
                    .init(status: 422, description: "Events refused (rows: which and why); nothing applied.", mediaTypes: problem),
                ],
                handler: { [self] request, context in try await postEvents(request, id: try pathParameter("id", context)) }),
        ]
    }

    /// An orders or events body: JSON or CSV.
    private func jsonOrCSV(_ request: Request) async throws -> (bytes: [UInt8], isJSON: Bool, encoding: TextEncoding) {
        let (bytes, type, encoding) = try await body(of: request, accepting: ["application/json", "text/csv"])
        return (bytes, type == "application/json", encoding)
    }

    private func postOrders(_ request: Request) async throws -> Response {
        try refuseUnknownParameters(request, allowed: ["partial", "crs"], route: "POST /v1/orders")
        let partial = try flag("partial", in: request)
        let defaultCRS = request.query("crs") ?? ""
        if !defaultCRS.isEmpty {
            do { _ = try CoordinateReferenceSystem(parsing: defaultCRS) } catch {
                throw Problem.badParameter("crs", error.description, expected: "wgs84, cgcs2000, gcj02, bd09 or EPSG:nnnn")
            }
        }
        let (bytes, isJSON, encoding) = try await jsonOrCSV(request)
        let clock = ContinuousClock(), received = clock.now
        let intake = isJSON ? try OrderIntake.read(json: bytes, defaultCRS: defaultCRS) : try OrderIntake.read(csv: bytes, defaultCRS: defaultCRS)
        if intake.records.isEmpty && intake.rejectedCount == 0 { throw Problem.badRequest("the body holds no orders") }
        if intake.rejectedCount > 0 && !partial {
            throw RowsRejected(
                "\(intake.rejectedCount) of \(intake.records.count + intake.rejectedCount) order(s) failed validation; nothing was stored (send partial=true to store the valid ones)",
                rows: intake.rejected, total: intake.rejectedCount)
        }
        let parsed = clock.now
        let outcome = try await ingest.store(intake.records)
        let report = outcome.report
        let stored = clock.now
        metrics.ordersIngested(report.stored)
        var counts: [String: JSONValue] = [:]
        for s in AssignmentStatus.allCases { counts[s.rawValue] = .number(Double(report.statusCounts[s] ?? 0)) }
        let assignments: [JSONValue] = outcome.assignments.map { a in
            var o: [String: JSONValue] = ["id": .string(a.id)]
            for (name, value) in zip(AssignmentRow.header.dropFirst(), a.row.fields) { o[name] = .string(value) }
            // As in GET /v1/assign: the distance a number (null when unknown).
            o["distance_m"] = Double(a.row.distance).map(JSONValue.number) ?? .null
            o["located_by"] = .string(a.located.locatedBy); o["match"] = .string(a.located.match)
            return .object(o)
        }
        var warnings: [JSONValue] = encoding == .gb18030 ? [.string("the body was read as GB18030 (GBK)")] : []
        warnings += report.warnings.map { .string($0.message) }
        defer {
            logger.debug(
                "orders posted",
                metadata: [
                    "orders": .stringConvertible(report.stored), "read": .stringConvertible(parsed - received),
                    "stored": .stringConvertible(stored - parsed), "answered": .stringConvertible(clock.now - stored),
                ])
        }
        return .json(
            .object([
                "stored": .number(Double(report.stored)), "inserted": .number(Double(report.inserted)), "updated": .number(Double(report.updated)),
                "status_counts": .object(counts), "assignments": .array(assignments),
                "rejected": .array(intake.rejected.map(\.json)), "rejected_total": .number(Double(intake.rejectedCount)),
                "manual_dispatch": .array(
                    report.manualDispatch.map {
                        .object(["id": .string($0.id), "assign_status": .string($0.status.rawValue), "reason": .string($0.reason)])
                    }),
                "categories_without_rule": .object(report.categoriesWithoutRule.mapValues { .number(Double($0)) }),
                "refused_status_changes": .array(report.rejectedEvents.map(\.json)),
                "warnings": .array(warnings),
            ]))
    }

    private func postEvents(_ request: Request, id: String) async throws -> Response {
        try refuseUnknownParameters(request, allowed: ["partial"], route: "POST /v1/orders/{id}/events")
        let partial = try flag("partial", in: request)
        let (bytes, isJSON, _) = try await jsonOrCSV(request)
        var events: [OrderEvent] = []
        // The first rows refused, and how many: a body of a million bad rows answers a hundred.
        var problems: [RejectedRow] = []
        var problemCount = 0
        func refuse(_ row: RejectedRow) {
            problemCount += 1
            if problems.count < Problem.rowLimit { problems.append(row) }
        }
        // Events are read as `wangge import events` reads them (``OrderEvent/parse``).
        func add(_ row: Result<OrderEvent, RejectedRow>) {
            switch row {
            case .success(let event): events.append(event)
            case .failure(let p): refuse(RejectedRow(row: p.row, field: p.field, reason: p.reason))
            }
        }
        if isJSON {
            // Elements one at a time: a huge array of non-objects never exists in memory.
            var i = 0, notAnEvent = false
            do {
                try JSONParser.forEachElement(bytes) { item, isElement in
                    i += 1
                    guard case .object(let o) = item else {
                        if isElement { refuse(RejectedRow(row: i, field: "row", reason: "expected an event object")) } else { notAnEvent = true }
                        return
                    }
                    if let other = o["id"]?.text, other != id {
                        refuse(RejectedRow(row: i, field: "id", reason: "the event names order \(other), the path \(id)"))
                        return
                    }
                    add(OrderEvent.parse(line: i, orderID: id, status: o["status"]?.text ?? "", at: o["at"]?.text ?? "", note: o["note"]?.text ?? ""))
                }
            } catch { throw Problem.badRequest("the JSON body cannot be parsed: \(error)") }
            if notAnEvent { throw Problem.badRequest("the JSON body must be an event object {status, at, note} or an array of them") }
        } else {
            do {
                try OrderEvent.forEachRow(bytes, orderID: id, add)
            } catch let e as CSVRowError {
                throw Problem.badRequest(e.message)
            }
        }
        if events.isEmpty && problemCount == 0 { throw Problem.badRequest("the body holds no events") }
        let exists = try await pool.reading { [catalog = pool.catalog] store in
            try !catalog.run("order_by_id", parameters: ["id": id], on: store).rows.isEmpty
        }
        guard exists else { throw Problem.notFound("no stored order has id \"\(id)\"") }
        if problemCount > 0 && !partial {
            throw RowsRejected(
                "\(problemCount) event(s) cannot be read; nothing was applied", rows: problems, total: problemCount, title: "Invalid events")
        }
        let toApply = events
        let report = try await pool.writing { store in
            try Importer(store: store).importEvents(toApply) { report in
                if !partial && !report.rejectedEvents.isEmpty {
                    // As an event of the body names no order: the refused status, not the id.
                    let rows = report.rejectedEvents.map { RejectedRow(row: $0.row, field: "status", reason: $0.reason) }
                    throw RowsRejected(
                        "\(rows.count) event(s) do not follow the order's history; nothing was applied", rows: rows,
                        code: "refused-events", title: "Events refused")
                }
            }
        }
        let detail = try await self.report(try OrdersParameters.parse(["--db", "-", "--id", id]), on: pool.light).bytes
        var order = (try? JSONParser.parse(detail)) ?? .null
        if case .object(var o) = order {
            o["applied"] = .number(Double(report.appliedEvents))
            o["refused"] = .array((problems + report.rejectedEvents.map { RejectedRow(row: $0.row, reason: $0.reason) }).map(\.json))
            order = .object(o)
        }
        return .json(order)
    }
}
