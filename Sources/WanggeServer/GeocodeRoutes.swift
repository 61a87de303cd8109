import Hummingbird
import WanggeCore
import WanggeOperations

extension WanggeService {
    /// `GET /v1/geocode`: check one address (or shop/place code) against the standard address
    /// layer, as `wangge geocode --address … [--code …]`.
    var geocodeRoutes: [APIRoute] {
        [
            APIRoute(
                method: .get, path: "/v1/geocode", role: .reader,
                summary:
                    "Resolve an address or shop/place code against the standard address layer, as order routing would: the outcome, the match, and up to 3 candidates with scores (`wangge geocode`).",
                operationId: "geocodeAddress",
                parameters: [
                    .query("address", "The address as typed (e.g. 宝山区大场镇场中路484号旁)."),
                    .query("code", "A shop code (汇商码) or place id."),
                ],
                outcomes: [
                    .init(
                        status: 200,
                        description:
                            "The resolution (outcome, located_by, match, gap, street, reason, normalized, candidates); with no stored addresses, unmatched with a warning.",
                        schema: .ref("GeocodeAnswer")),
                    .init(status: 400, description: "Neither address nor code, or an unknown parameter.", mediaTypes: ["application/problem+json"]),
                ],
                handler: { [self] request, _ in
                    try refuseUnknownParameters(request, allowed: ["address", "code"], route: "GET /v1/geocode")
                    return try await runOperation(GeocodeParameters.self, request, defaultFormat: nil)
                })
        ]
    }
}
