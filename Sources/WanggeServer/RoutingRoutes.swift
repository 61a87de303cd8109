import Hummingbird
import WanggeCore
import WanggeOperations

extension WanggeService {
    /// `GET /v1/assign`: route one location, as `wangge assign --lon --lat`.
    var routingRoutes: [APIRoute] {
        [
            APIRoute(
                method: .get, path: "/v1/assign", role: .reader,
                summary: "Route one location to its cell, responsible unit and inspection points (the fields of a `wangge assign` row, with names).",
                operationId: "assignOrder",
                parameters: [
                    .query("lon", "number", required: true, "Longitude (or easting/x in the given crs)."),
                    .query("lat", "number", required: true, "Latitude (or northing/y in the given crs)."),
                    .query("category", "The order's category; picks the line unit responsible (default: none, the street unit)."),
                    .query("crs", "wgs84 (default), cgcs2000, gcj02, bd09 or EPSG:nnnn."),
                ],
                outcomes: [
                    .init(status: 200, description: "The assignment.", schema: .ref("Assignment")),
                    .init(
                        status: 400,
                        description: "Missing or unusable parameters, an unknown parameter, or a location outside the coordinate system's range.",
                        mediaTypes: ["application/problem+json"]),
                ],
                handler: { [self] request, _ in try assign(request) })
        ]
    }

    private func assign(_ request: Request) throws -> Response {
        let query = Dictionary(request.query, uniquingKeysWith: { first, _ in first })
        try refuseUnknownParameters(request, allowed: ["lon", "lat", "category", "crs"], route: "GET /v1/assign")
        // Ranges are the coordinate system's business: an unusable location routes `invalid`.
        func coordinate(_ name: String) throws -> Double {
            guard let text = query[name] else { throw Problem.badParameter(name, "\(name) is required", expected: "a number") }
            guard let value = Double(text), value.isFinite else {
                throw Problem.badParameter(name, "\(name)=\(text) is not a finite number", expected: "a number")
            }
            return value
        }
        let lon = try coordinate("lon"), lat = try coordinate("lat")
        let crs: CoordinateReferenceSystem
        do { crs = try CoordinateReferenceSystem(parsing: query["crs"] ?? "wgs84") } catch {
            throw Problem.badParameter("crs", error.description, expected: "wgs84, cgcs2000, gcj02, bd09 or EPSG:nnnn")
        }
        let snapshot = self.snapshot
        let category = query["category"] ?? ""
        let assignment = try snapshot.withRouter { $0.assign(Coordinate(lon, lat), crs: crs, category: category) }
        if assignment.status == .invalid {
            throw Problem.badParameter(
                crs == .wgs84 ? "lon" : "crs", "the location cannot be used: \(assignment.invalidReason ?? "unusable coordinates")",
                expected: crs == .wgs84 ? "lon within -180…180 and lat within -90…90" : "coordinates valid in the given crs")
        }
        return .json(PointAssignment.describe(assignment, in: snapshot.index))
    }
}
