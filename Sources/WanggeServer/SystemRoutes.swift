import Hummingbird
import NIOCore
import WanggeCore

extension WanggeService {
    /// Health, metrics and the API document.
    var systemRoutes: [APIRoute] {
        [
            APIRoute(
                method: .get, path: "/health", role: nil,
                summary: "Liveness: the server answers and its index generation (no token needed).", operationId: "getHealth",
                outcomes: [
                    .init(
                        status: 200, description: "Up.", schema: .ref("Health"),
                        example: .object([
                            "status": .string("ok"), "index_generation": .number(1), "cells": .number(1250), "version": .string(WanggeVersion.number),
                        ]))
                ],
                handler: { [self] _, _ in
                    .json(
                        .object([
                            "status": .string("ok"), "index_generation": .number(Double(snapshot.generation)),
                            "cells": .number(Double(snapshot.index.cells.count)),
                            "version": .string(WanggeVersion.number),
                        ]))
                }),
            APIRoute(
                method: .get, path: "/metrics", role: .reader,
                summary:
                    "Counters in the Prometheus text format: requests by route and status, latency histogram, orders ingested, index generation, wangge_build_info{version}.",
                operationId: "getMetrics",
                outcomes: [.init(status: 200, description: "The metrics.", mediaTypes: ["text/plain"])],
                handler: { [self] _, _ in
                    Response(
                        status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: metrics.text())))
                }),
            APIRoute(
                method: .get, path: "/openapi.json", role: .reader,
                summary: "This API as an OpenAPI 3.1 document.", operationId: "getOpenAPIDocument",
                outcomes: [.init(status: 200, description: "The document.", schema: .ref("OpenAPIDocument"))],
                handler: { [self] _, _ in .json(openAPIDocument()) }),
        ]
    }
}
