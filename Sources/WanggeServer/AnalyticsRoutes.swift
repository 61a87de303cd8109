import HTTPTypes
import Hummingbird
import WanggeCore
import WanggeOperations

extension WanggeService {
    /// The analytics, each the CLI command of the same name with its parameters.
    var analyticsRoutes: [APIRoute] {
        let formats = ["json", "csv", "geojson"]
        let window: [APIRoute.Parameter] = [
            .query("from", "date-time", "Orders received at or after this ISO 8601 time."),
            .query("to", "date-time", "Orders received before this ISO 8601 time."),
            .query("category", repeatable: true, "Only orders of this category (repeatable)."),
        ]
        let bad = APIRoute.Outcome(
            status: 400, description: "A parameter is missing or unusable (parameter: which).", mediaTypes: ["application/problem+json"])
        let unanswerable = APIRoute.Outcome(
            status: 422,
            description:
                "The stored data cannot answer (no cells, too few orders), or a parameter asks for more work than its cost cap (parameter: which; expected: the bound).",
            mediaTypes: ["application/problem+json"])
        let busy = APIRoute.Outcome(
            status: 503,
            description: "Every heavy worker busy and the queue full (Retry-After), or the request outlived the server's request timeout.",
            mediaTypes: ["application/problem+json"])
        let table = ["application/json", "text/csv", "application/geo+json"]
        return [
            APIRoute(
                method: .get, path: "/v1/hotspots", role: .reader,
                summary:
                    "Where orders concentrate: counts per area, Getis-Ord Gi* hot and cold spots, kernel density, emerging hot spots (as `wangge hotspots`).",
                operationId: "listHotspots",
                parameters: window + [
                    .query("level", values: ["cell", "community", "street", "unit", "point"], "Area level (default cell)."),
                    .query("method", values: ["count", "gi", "kde", "emerging"], "Statistic (default count)."),
                    .query("band", "number", "Gi*: distance band in metres.").bounded(0.001),
                    .query("weights", values: ["band", "queen"], "Gi*: spatial weights."),
                    .query("permutations", "integer", "Gi*: conditional-randomisation permutations (adds p_sim).").bounded(0, 9999),
                    .query("seed", "integer", "Seed of the permutations."),
                    .query("fdr", "boolean", "Gi*: Benjamini-Hochberg bins."),
                    .query("cell-size", "number", "KDE raster cell size in metres.").bounded(1),
                    .query("bandwidth", "number", "KDE search radius in metres.").bounded(0.001),
                    .query("step", values: ["day", "week", "month"], "Emerging: time step."),
                    .query("time-lag", "integer", "Emerging: earlier steps in each neighbourhood.").bounded(0, 52),
                    .query("format", values: formats, "json (default), csv or geojson (one feature per area with its figures)."),
                    .query("bom", "boolean", "csv: start with a UTF-8 byte order mark, for Excel (default false)."),
                    .query(
                        "crs", values: OutputCRS.allCases.map(\.rawValue),
                        "geojson: coordinates in wgs84 (RFC 7946, default), gcj02 (高德/腾讯) or bd09 (百度), the latter two marked by a crs_note member."),
                ],
                outcomes: [
                    .init(status: 200, description: "The statistic per area.", mediaTypes: table, schema: .ref("Hotspots")), bad, unanswerable, busy,
                ],
                handler: { [self] request, _ in try await runOperation(HotspotsParameters.self, request, flags: ["fdr", "bom"]) }),
            APIRoute(
                method: .get, path: "/v1/recurrence", role: .reader,
                summary: "易反弹: repeats and rebounds per area, Gi*/KDE maps of rebounds, or the Knox near-repeat test (as `wangge recurrence`).",
                operationId: "listRecurrence",
                parameters: window + [
                    .query("radius", "number", "Metres to an earlier order of the same category (default 50).").bounded(0.001, 5000),
                    .query("days", "number", "Days to an earlier order of the same category (default 30).").bounded(0, 3650),
                    .query("level", values: ["cell", "community", "street", "unit", "point"], "Area level (default cell)."),
                    .query("chains", "integer", "How many of the longest rebound chains to report.").bounded(0),
                    .query("method", values: ["table", "gi", "kde"], "table (default), gi or kde of rebounds."),
                    .query("band", "number", "gi: distance band in metres.").bounded(0.001),
                    .query("cell-size", "number", "kde: raster cell size in metres.").bounded(1),
                    .query("bandwidth", "number", "kde: search radius in metres.").bounded(0.001),
                    .query("knox", "boolean", "The Knox near-repeat test instead."),
                    .query("distance-band", "number", "Knox: width of a distance band (m).").bounded(0.001),
                    .query("distance-bands", "integer", "Knox: number of distance bands.").bounded(1, 50),
                    .query("time-band", "number", "Knox: width of a time band (days).").bounded(0.001),
                    .query("time-bands", "integer", "Knox: number of time bands.").bounded(1, 50),
                    .query("permutations", "integer", "Knox: permutations of the times.").bounded(0),
                    .query("seed", "integer", "Knox: seed."),
                    .query("format", values: formats, "json (default), csv; geojson with method gi or kde."),
                    .query("bom", "boolean", "csv: start with a UTF-8 byte order mark, for Excel (default false)."),
                ],
                outcomes: [
                    .init(status: 200, description: "The recurrence table, map or Knox table.", mediaTypes: table, schema: .ref("Recurrence")), bad,
                    unanswerable, busy,
                ],
                handler: { [self] request, _ in try await runOperation(RecurrenceParameters.self, request, flags: ["knox", "bom"]) }),
            APIRoute(
                method: .get, path: "/v1/lights", role: .reader,
                summary: "亮灯: red / yellow / green per inspection point or area at a moment, reddest first (as `wangge lights`).",
                operationId: "listLights",
                parameters: [
                    .query("as-of", "date-time", required: true, "The moment (ISO 8601)."),
                    .query("level", values: ["point", "cell", "community", "street"], "Level (default point)."),
                    .query("format", values: ["json", "csv"], "json (default) or csv."),
                    .query("bom", "boolean", "csv: start with a UTF-8 byte order mark, for Excel (default true; false omits it)."),
                ],
                outcomes: [
                    .init(status: 200, description: "The lights board.", mediaTypes: ["application/json", "text/csv"], schema: .ref("Lights")), bad,
                    unanswerable, busy,
                ],
                handler: { [self] request, _ in try await runOperation(LightsParameters.self, request, negatable: ["bom"]) }),
            APIRoute(
                method: .get, path: "/v1/kpi", role: .reader,
                summary: "Handling KPIs per unit or street: 结案率, 按期结案率, 返工率, 延期率, hours to close (as `wangge kpi`).",
                operationId: "listKPIs",
                parameters: [
                    .query("from", "date-time", required: true, "Start of the period (inclusive)."),
                    .query("to", "date-time", required: true, "End of the period (exclusive)."),
                    .query("by", values: ["unit", "street"], "Grouping (default unit)."),
                    .query("format", values: ["json", "csv"], "json (default) or csv."),
                    .query("bom", "boolean", "csv: start with a UTF-8 byte order mark, for Excel (default true; false omits it)."),
                ],
                outcomes: [
                    .init(status: 200, description: "The KPI table.", mediaTypes: ["application/json", "text/csv"], schema: .ref("KPI")), bad,
                    unanswerable, busy,
                ],
                handler: { [self] request, _ in try await runOperation(KPIParameters.self, request, negatable: ["bom"]) }),
            APIRoute(
                method: .get, path: "/v1/trend", role: .reader,
                summary: "Weekly orders, 结案率 and 按期结案率 with 环比 and 同比, for the district or per street, unit, category or point (as `wangge trend`).",
                operationId: "listTrend",
                parameters: [
                    .query("from", "date-time", "Start of the first week (default: 12 weeks before `to`)."),
                    .query("to", "date-time", "End of the last week, exclusive (default: the end of the last recorded day)."),
                    .query("by", values: TrendParameters.Grouping.allCases.map(\.rawValue), "One series for the district (default) or one per area."),
                    .query("category", repeatable: true, "Only orders of this category (repeatable)."),
                    .query("format", values: ["json", "csv"], "json (default) or csv (one row per area and week)."),
                    .query("bom", "boolean", "csv: start with a UTF-8 byte order mark, for Excel (default true; false omits it)."),
                ],
                outcomes: [
                    .init(status: 200, description: "The weekly series.", mediaTypes: ["application/json", "text/csv"], schema: .ref("Trend")), bad,
                    unanswerable, busy,
                ],
                handler: { [self] request, _ in try await runOperation(TrendParameters.self, request, negatable: ["bom"]) }),
        ]
    }

    /// The named queries of `Queries/`.
    var queryRoutes: [APIRoute] {
        [
            APIRoute(
                method: .get, path: "/v1/queries", role: .reader,
                summary: "The named queries with their parameters and columns (as `wangge query --list`).", operationId: "listQueries",
                outcomes: [
                    .init(status: 200, description: "The catalogue.", schema: .ref("QueryCatalogue")),
                    .init(status: 400, description: "An unknown or unusable parameter.", mediaTypes: ["application/problem+json"]),
                ],
                handler: { [self] request, _ in try await runOperation(QueryParameters.self, request, positional: ["--list"]) }),
            APIRoute(
                method: .get, path: "/v1/queries/{name}", role: .reader,
                summary:
                    "Run one named query (read-only); every other query parameter is a parameter of the query (as `wangge query NAME --param k=v`).",
                operationId: "runQuery",
                parameters: [
                    .path("name", "The query's name."),
                    .query("format", values: ["json", "csv", "geojson"], "json (default), csv or geojson (needs a geometry column)."),
                    .query("bom", "boolean", "csv: start with a UTF-8 byte order mark, for Excel (default false)."),
                ],
                outcomes: [
                    .init(
                        status: 200, description: "The rows.", mediaTypes: ["application/json", "text/csv", "application/geo+json"],
                        schema: .ref("QueryRows")),
                    .init(status: 400, description: "A query parameter is missing or unusable.", mediaTypes: ["application/problem+json"]),
                    .init(status: 404, description: "No such query.", mediaTypes: ["application/problem+json"]),
                    .init(
                        status: 422, description: "format=geojson for a query without a geometry column.", mediaTypes: ["application/problem+json"]),
                    .init(
                        status: 503,
                        description:
                            "Every heavy worker busy and the queue full (Retry-After), or the request outlived the server's request timeout.",
                        mediaTypes: ["application/problem+json"]),
                ],
                handler: { [self] request, context in
                    let name = try pathParameter("name", context)
                    var positional = [name]
                    for (key, value) in request.query where key != "format" {
                        if CommandArguments.cliOnly.contains(key) { continue }
                        if key == "bom" {
                            if try WanggeService.flag("bom", value: value) { positional.append("--bom") }
                            continue
                        }
                        positional.append("--param=\(key)=\(value)")
                    }
                    let format = request.query("format").map { ["--format=\($0)"] } ?? ["--format=json"]
                    let command = try CommandArguments.parse(QueryParameters.self, positional + format, database: configuration.databasePath)
                    // Streamed as SQLite steps the rows: a million orders never sit in memory.
                    let formatName = request.query("format") ?? "json"
                    let pool = self.pool, snapshot = self.snapshot, contentType = Report.contentType(of: formatName)
                    var headers: HTTPFields = [:]
                    if formatName == "csv" { headers[.contentDisposition] = "attachment; filename=\"\(Report.filename(["query", name])).csv\"" }
                    return try await streamed(contentType: contentType, headers: headers, what: "query \(name)") { emit in
                        _ = try pool.read { store in
                            try command.stream(from: PooledData(store: store, catalog: pool.catalog, snapshot: snapshot, pool: pool), write: emit)
                        }
                    }
                }),
        ]
    }
}
