import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WanggeCore
import WanggeOperations
import WanggeStore

/// An error answered as Open311 GeoReport v2 says: `[{"code", "description"}]`, or
/// `<errors><error><code/><description/></error></errors>`, with the HTTP status as the code.
struct Open311Error: Error {
    let status: HTTPResponse.Status
    let description: String
    init(_ status: HTTPResponse.Status, _ description: String) { self.status = status; self.description = description }
}

/// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at `/open311/v2`, for 311 clients
/// (FixMyStreet, Mark-a-Spot, the `georeport` Python client), over the same orders as `/v1`:
///
/// - a service is a routing rule's category (`service_code` = `service_name` = the category;
///   `type` realtime, `metadata` false: no extra attributes);
/// - a service request is a stored order: `requested_datetime` its reception, `status` open
///   until its handling status is `closed`, `agency_responsible` the routed unit's name,
///   `expected_datetime` the deadline (received_at + sla_hours of the unit, 72 h — the 3-day
///   rule — when unknown), `address` its `address` attribute;
/// - a posted request is an order taken in like `POST /v1/orders` (routed, stored, located by
///   its `address_string` through the standard address layer when it has no lat/long), with the
///   id `311-n` (n above every stored `311-` id). `description`, `media_url`, `address_string`
///   (as `address`) and `address_id` (as `code`: a shop or place code) are kept as the order's
///   attributes; personal details (`email`, `first_name`, `last_name`, `phone`, `device_id`,
///   `account_id`) are not stored.
///
/// Reads follow the server's read policy: open under `--public-read`, otherwise a token as
/// `api_key` or `Authorization: Bearer`. Posting needs an operator token as `api_key` (or
/// bearer).
extension WanggeService {
    /// Requests answered by `GET requests` at most, and the longest window (the spec's advice).
    static let open311Limit = 1000
    static let open311WindowDays = 90.0

    var open311Routes: [APIRoute] {
        var routes: [APIRoute] = []
        for format in Open311Format.allCases {
            let ext = format.rawValue
            let media = [format.contentType.split(separator: ";")[0].description]
            // operationIds: the JSON resources by their name, the XML ones with an Xml suffix.
            let suffix = format == .json ? "" : "Xml"
            /// An answer of this format: the JSON schema when JSON (XML is a string).
            func answer(_ status: Int, _ text: String, _ schema: String) -> APIRoute.Outcome {
                .init(status: status, description: text, mediaTypes: media, schema: format == .json ? .array(.ref(schema)) : nil)
            }
            // A malformed query string is answered by the server's middleware as problem+json.
            let errors = { (status: Int, text: String) in
                var o = answer(status, text, "Open311Error")
                if status == 400 { o.mediaTypes.append("application/problem+json") }
                return o
            }
            let readErrors = [
                errors(401, "Not public (--public-read off) and no api_key or bearer token."),
                errors(403, "The api_key is not a valid token."),
            ]
            let key = APIRoute.Parameter.query(
                "api_key",
                "A token (`wangge token create`) in the query, as Open311 clients send it: needed unless the server runs with --public-read or an Authorization: Bearer token is sent."
            )
            let jurisdiction = APIRoute.Parameter.query("jurisdiction_id", "Accepted and ignored: the server serves one district.")
            routes += [
                APIRoute(
                    method: .get, path: "/open311/v2/discovery.\(ext)", role: nil,
                    summary: "Open311 service discovery: the GeoReport v2 endpoint and its formats.",
                    operationId: "getOpen311Discovery" + suffix,
                    outcomes: [
                        .init(
                            status: 200, description: "The discovery document.", mediaTypes: media,
                            schema: format == .json ? .ref("Open311Discovery") : nil)
                    ],
                    handler: { [self] request, _ in open311Discovery(request, format) }),
                APIRoute(
                    method: .get, path: "/open311/v2/services.\(ext)", role: nil,
                    summary: "Open311 GeoReport v2 services: one per routing rule (service_code = the category).",
                    operationId: "listOpen311Services" + suffix,
                    parameters: [key, jurisdiction],
                    outcomes: [answer(200, "The services.", "Open311Service")] + readErrors,
                    handler: { [self] request, context in try await open311(format) { try await open311Services(request, context, format) } }),
                APIRoute(
                    method: .get, path: "/open311/v2/requests.\(ext)", role: nil,
                    summary:
                        "Open311 GeoReport v2 service requests (stored orders), newest first, at most 1000 and at most 90 days (default: the 90 days up to the newest request); `service_request_id` given: those requests, other filters ignored.",
                    operationId: "listServiceRequests" + suffix,
                    parameters: [
                        key, jurisdiction,
                        .query("service_request_id", "Comma-separated request (order) ids."),
                        .query("service_code", "Comma-separated service codes (categories)."),
                        .query("start_date", "date-time", "Requests received at or after this time."),
                        .query("end_date", "date-time", "Requests received before this time."),
                        .query("status", "open, closed, or both comma-separated."),
                    ],
                    outcomes: [
                        answer(200, "The service requests.", "Open311ServiceRequest"),
                        errors(400, "A parameter is unusable."),
                    ] + readErrors,
                    handler: { [self] request, context in try await open311(format) { try await open311Requests(request, context, format) } }),
                APIRoute(
                    method: .get, path: "/open311/v2/requests/{id}.\(ext)", role: nil,
                    summary: "One Open311 GeoReport v2 service request (a stored order).",
                    operationId: "getServiceRequest" + suffix,
                    parameters: [.path("id", "The request (order) id."), key, jurisdiction],
                    outcomes: [
                        answer(200, "A list holding the request.", "Open311ServiceRequest"),
                        errors(400, "A parameter other than api_key and jurisdiction_id."),
                        errors(404, "No such request."),
                    ] + readErrors,
                    handler: { [self] request, context in
                        try await open311(format) { try await open311Requests(request, context, format, id: try pathParameter("id", context)) }
                    }),
                APIRoute(
                    method: .post, path: "/open311/v2/requests.\(ext)", role: nil,
                    summary:
                        "Create an Open311 GeoReport v2 service request, form-encoded (api_key: an operator token; service_code; lat and long, or address_string / address_id; description, media_url): stored and routed as `POST /v1/orders`; personal details are not stored.",
                    operationId: "createServiceRequest" + suffix,
                    bodyTypes: ["application/x-www-form-urlencoded"],
                    bodySchemas: ["application/x-www-form-urlencoded": .ref("Open311RequestForm")],
                    outcomes: [
                        answer(200, "The request stored: [{service_request_id, service_notice, account_id}].", "Open311RequestAnswer"),
                        errors(400, "A field is missing or unusable (service_code unknown, no location)."),
                        errors(401, "No api_key."), errors(403, "The api_key is not a valid operator token."),
                        errors(413, "The body is larger than --max-body."), errors(415, "Not form-encoded."),
                    ],
                    handler: { [self] request, context in try await open311(format) { try await open311Post(request, context, format) } }),
            ]
        }
        return routes
    }

    /// Runs an Open311 handler; its errors become the spec's error list.
    private func open311(_ format: Open311Format, _ body: () async throws -> Response) async throws -> Response {
        do { return try await body() } catch let e as Open311Error {
            return open311Errors(format, e.status, e.description)
        } catch let p as Problem {
            return open311Errors(format, p.status, p.detail)
        }
    }

    private func open311Errors(_ format: Open311Format, _ status: HTTPResponse.Status, _ description: String) -> Response {
        let record: Open311Format.Record = [("code", .number(Double(status.code))), ("description", .text(description))]
        return open311Response(format, format.render([record], root: "errors", element: "error"), status: status)
    }

    private func open311Response(_ format: Open311Format, _ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: format.contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Reads are open under `--public-read`; otherwise a valid token as bearer or `api_key`.
    private func open311Read(_ request: Request, _ context: WanggeContext) async throws {
        if configuration.publicRead || context.role != nil { return }
        guard let key = request.query("api_key"), !key.isEmpty else {
            throw Open311Error(
                .unauthorized,
                "this server's requests are not public: send api_key=<token> or Authorization: Bearer <token> (create one with `wangge token create`)"
            )
        }
        guard try await tokens.role(of: key) != nil else { throw Open311Error(.forbidden, "api_key is not a valid token (unknown or revoked)") }
    }

    private func open311Discovery(_ request: Request, _ format: Open311Format) -> Response {
        let base = "http://\(request.head.authority ?? "\(configuration.host):\(configuration.port)")/open311/v2"
        let changeset = "2026-12-01T00:00:00+08:00"
        let formats = ["text/xml", "application/json"]
        switch format {
        case .json:
            let endpoint: JSONValue = .object([
                "specification": .string("http://wiki.open311.org/GeoReport_v2"), "url": .string(base),
                "changeset": .string(changeset), "type": .string("production"),
                "formats": .array(formats.map(JSONValue.string)),
            ])
            return open311Response(
                format,
                JSONValue.object([
                    "changeset": .string(changeset), "contact": .string("the district's grid-management centre"),
                    "key_service": .string("wangge token create --role operator"),
                    "endpoints": .array([endpoint]),
                ]).jsonText + "\n")
        case .xml:
            var xml = XMLText()
            xml.open("discovery")
            xml.element("changeset", .text(changeset))
            xml.element("contact", .text("the district's grid-management centre"))
            xml.element("key_service", .text("wangge token create --role operator"))
            xml.open("endpoints"); xml.open("endpoint")
            xml.element("specification", .text("http://wiki.open311.org/GeoReport_v2"))
            xml.element("url", .text(base))
            xml.element("changeset", .text(changeset))
            xml.element("type", .text("production"))
            xml.open("formats")
            for f in formats { xml.element("format", .text(f)) }
            xml.close("formats")
            xml.close("endpoint"); xml.close("endpoints")
            xml.close("discovery")
            return open311Response(format, xml.text)
        }
    }

    private func open311Services(_ request: Request, _ context: WanggeContext, _ format: Open311Format) async throws -> Response {
        try await open311Read(request, context)
        let records: [Open311Format.Record] = snapshot.district.rules.sorted { $0.category < $1.category }.map { rule in
            [
                ("service_code", .text(rule.category)), ("service_name", .text(rule.category)),
                (
                    "description",
                    .text("routed to the unit of the first covering zone of kind \(rule.route.joined(separator: ", then ")), else the street's unit")
                ),
                ("metadata", .bool(false)), ("type", .text("realtime")), ("keywords", .null), ("group", .optional(rule.route.first)),
            ]
        }
        return open311Response(format, format.render(records, root: "services", element: "service"))
    }

    /// `GET requests` (filters) or `GET requests/{id}`.
    private func open311Requests(_ request: Request, _ context: WanggeContext, _ format: Open311Format, id: String? = nil) async throws -> Response {
        try await open311Read(request, context)
        let known =
            id == nil
            ? ["api_key", "jurisdiction_id", "service_request_id", "service_code", "start_date", "end_date", "status"]
            : ["api_key", "jurisdiction_id"]
        for (name, _) in request.query where !known.contains(name) {
            throw Open311Error(.badRequest, "unknown parameter \(name); this resource takes \(known.joined(separator: ", "))")
        }
        // Every filter given is checked, even where the spec has it ignored (service_request_id
        // given): a malformed value is refused, never passed over in silence.
        func time(_ name: String) throws -> Double? {
            guard let text = request.query(name) else { return nil }
            guard !text.isEmpty else {
                throw Open311Error(.badRequest, "\(name) is empty; expected ISO 8601 (2025-07-01T09:00:00+08:00), or leave it out")
            }
            guard let t = Timestamp.parse(text) else {
                throw Open311Error(.badRequest, "\(name)=\(text) is not a time; expected ISO 8601 (2025-07-01T09:00:00+08:00)")
            }
            return t
        }
        let startDate = try time("start_date"), endDate = try time("end_date")
        var statusFilter: String?
        if let status = request.query("status"), !status.isEmpty {
            let asked = Set(status.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            guard asked.isSubset(of: ["open", "closed"]) else {
                throw Open311Error(.badRequest, "status=\(status): expected open, closed, or both comma-separated")
            }
            if asked.count == 1 { statusFilter = asked.first! }
        }
        var parameters = ["limit": String(Self.open311Limit)]
        if let id {
            parameters["ids"] = id
        } else if let ids = request.query("service_request_id"), !ids.isEmpty {
            parameters["ids"] = ids  // the spec: other parameters are then ignored
        } else {
            if let codes = request.query("service_code") { parameters["categories"] = codes }
            if let statusFilter { parameters["status"] = statusFilter }
            let window = Self.open311WindowDays * 86_400
            var start = startDate, end = endDate
            if let s = start, let e = end {
                guard e > s else { throw Open311Error(.badRequest, "end_date must be after start_date") }
                guard e - s <= window else {
                    throw Open311Error(.badRequest, "start_date to end_date spans more than \(Int(Self.open311WindowDays)) days")
                }
            } else if let s = start {
                end = s + window
            } else if let e = end {
                start = e - window
            } else {
                // Neither: the 90 days up to the newest request that passes the other filters.
                var newest = parameters
                newest["limit"] = "1"
                let rows = try await pool.reading(pool.light) { [catalog = pool.catalog, newest] store in
                    try catalog.run("open311_requests", parameters: newest, on: store).rows
                }
                if let last = rows.first?[3].double { (start, end) = (last + 1 - window, last + 1) }
            }
            if let start { parameters["from"] = Timestamp.format(start.rounded(.down)) }
            if let end { parameters["to"] = Timestamp.format(end.rounded(.up)) }
        }
        let asked = parameters
        var rows = try await pool.reading(pool.light) { [catalog = pool.catalog] store in
            try catalog.run("open311_requests", parameters: asked, on: store).rows
        }
        if let id { rows = rows.filter { $0[0].string == id } }  // an id holding a comma is one id here
        if let id, rows.isEmpty { throw Open311Error(.notFound, "no service request has id \"\(id)\"") }
        return open311Response(format, format.render(rows.map(Self.open311Record), root: "service_requests", element: "request"))
    }

    /// A row of the `open311_requests` query as a service request.
    static func open311Record(_ r: [SQLValue]) -> Open311Format.Record {
        // id, category, status, received_epoch, updated_epoch, deadline_epoch, unit, unit_name, lon, lat, address, address_id, description, media_url, assign_status, invalid_reason
        let handling = r[2].string ?? "received"
        let unit = r[6].string ?? ""
        var notes = "handling status: \(handling)"
        if unit.isEmpty {
            notes += "; awaiting manual dispatch (\(r[14].string ?? ""))" + (r[15].string.map { ": " + $0 } ?? "")
        }
        func time(_ v: SQLValue) -> Open311Format.Value { v.double.map { .text(Timestamp.format($0)) } ?? .null }
        return [
            ("service_request_id", .text(r[0].string ?? "")), ("status", .text(handling == "closed" ? "closed" : "open")),
            ("status_notes", .text(notes)), ("service_name", .text(r[1].string ?? "")), ("service_code", .text(r[1].string ?? "")),
            ("description", .optional(r[12].string)),
            ("agency_responsible", .optional(r[7].string.flatMap { $0.isEmpty ? (unit.isEmpty ? nil : unit) : $0 })),
            ("service_notice", .null), ("requested_datetime", time(r[3])), ("updated_datetime", time(r[4])),
            ("expected_datetime", time(r[5])), ("address", .optional(r[10].string)), ("address_id", .optional(r[11].string)),
            ("zipcode", .null), ("lat", r[9].double.map(Open311Format.Value.number) ?? .null),
            ("long", r[8].double.map(Open311Format.Value.number) ?? .null), ("media_url", .optional(r[13].string)),
        ]
    }

    /// The fields of a form-encoded body (`+` is a space; names and values percent-decoded as UTF-8).
    static func formFields(_ bytes: [UInt8]) throws -> [(name: String, value: String)] {
        let text = String(decoding: bytes.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
        return try QueryString.parse(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Fields of a posted request that are personal details, not stored.
    static let open311Dropped = ["email", "first_name", "last_name", "phone", "device_id", "account_id"]

    private func open311Post(_ request: Request, _ context: WanggeContext, _ format: Open311Format) async throws -> Response {
        let (bytes, _, _) = try await body(
            of: request, accepting: ["application/x-www-form-urlencoded"],
            what: "an Open311 request is posted form-encoded (application/x-www-form-urlencoded)")
        let form = try Self.formFields(bytes)
        func field(_ name: String) -> String? {
            form.first { $0.name == name }.map { $0.value.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        // The api_key (or a bearer token) must be an operator's.
        var role = context.role
        if let key = field("api_key") {
            role = try await tokens.role(of: key)
            guard role != nil else { throw Open311Error(.forbidden, "api_key is not a valid token (unknown or revoked)") }
        }
        guard let role else { throw Open311Error(.unauthorized, "api_key is required: an operator token (`wangge token create --role operator`)") }
        guard role >= .operator else { throw Open311Error(.forbidden, "api_key has the \(role.rawValue) role; creating a request needs operator") }

        guard let code = field("service_code") else {
            throw Open311Error(.badRequest, "service_code is required; GET services.\(format.rawValue) lists them")
        }
        guard snapshot.district.rules.contains(where: { $0.category == code }) else {
            throw Open311Error(.badRequest, "service_code \"\(code)\" is not a service; GET services.\(format.rawValue) lists them")
        }
        let lat = field("lat"), long = field("long")
        let address = field("address_string"), addressID = field("address_id")
        if (lat == nil) != (long == nil) {
            throw Open311Error(.badRequest, "lat and long go together: send both, or neither (then address_string or address_id)")
        }
        if let lat, let long {
            guard let y = Double(lat), (-90 ... 90).contains(y) else {
                throw Open311Error(.badRequest, "lat \"\(lat)\" is not a latitude (WGS84 degrees, -90 to 90)")
            }
            guard let x = Double(long), (-180 ... 180).contains(x) else {
                throw Open311Error(.badRequest, "long \"\(long)\" is not a longitude (WGS84 degrees, -180 to 180)")
            }
        } else if address == nil && addressID == nil {
            throw Open311Error(.badRequest, "a location is required: lat and long, or address_string, or address_id")
        }
        let description = field("description") ?? ""
        guard description.count <= 4000 else { throw Open311Error(.badRequest, "description is longer than 4000 characters") }
        for (name, value) in [("description", description), ("address_string", address ?? ""), ("media_url", field("media_url") ?? "")] {
            if let problem = ControlCharacters.problem(
                in: value.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " "), field: name)
            {
                throw Open311Error(.badRequest, problem)
            }
        }

        // An id above every stored `311-n` and every one given by this process.
        let last = try await pool.reading(pool.light) { [catalog = pool.catalog] store in
            try catalog.run("open311_last_number", parameters: [:], on: store).rows.first?[0].int ?? 0
        }
        let id = "311-\(open311Numbers.withLock { (n: inout Int) -> Int in n = max(n, last) + 1; return n })"
        var attributes: [String: JSONValue] = ["source": .string("open311")]
        if let address { attributes[AddressRouting.addressColumn] = .string(address) }
        if let addressID { attributes["code"] = .string(addressID) }
        if !description.isEmpty { attributes["description"] = .string(description) }
        if let media = field("media_url") { attributes["media_url"] = .string(media) }
        let record = WorkOrderRecord(
            line: 1, id: id, lonText: long ?? "", latText: lat ?? "", crsText: "wgs84", category: code,
            receivedAtText: Timestamp.format(Date().timeIntervalSince1970), attributesJSON: JSONValue.object(attributes).jsonText)
        let outcome = try await ingest.store([record])
        metrics.ordersIngested(outcome.report.stored)

        let rows = try await pool.reading(pool.light) { [catalog = pool.catalog] store in
            try catalog.run("open311_requests", parameters: ["ids": id, "limit": "1"], on: store).rows
        }
        var notice: String
        if let r = rows.first, let unit = r[6].string, !unit.isEmpty {
            notice = "routed to \(r[7].string.flatMap { $0.isEmpty ? nil : $0 } ?? unit); expected by \(r[5].double.map(Timestamp.format) ?? "")"
        } else {
            notice = "awaiting manual dispatch: " + (outcome.report.manualDispatch.first?.reason ?? "no responsible unit")
        }
        if let located = outcome.assignments.first?.located, !located.locatedBy.isEmpty, located.locatedBy != "coordinates" {
            notice += "; located by \(located.locatedBy) \(located.match)"
        }
        let dropped = Self.open311Dropped.filter { field($0) != nil }
        if !dropped.isEmpty { notice += "; not stored: \(dropped.joined(separator: ", "))" }
        let answer: Open311Format.Record = [("service_request_id", .text(id)), ("service_notice", .text(notice)), ("account_id", .null)]
        return open311Response(format, format.render([answer], root: "service_requests", element: "request"))
    }
}
