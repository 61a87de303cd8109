import Foundation
import Hummingbird
import NIOCore
import WanggeCore
import WanggeOperations
import WanggePages
import WanggeStore

extension WanggeService {
    /// The leaders' page (as `wangge dashboard`), the daily sheet (as `wangge sheet`) and the
    /// login that gives a browser its token cookie.
    var pageRoutes: [APIRoute] {
        let html = ["text/html"]
        return [
            APIRoute(
                method: .get, path: "/", role: .reader,
                summary:
                    "The leaders' page (as `wangge dashboard`): SVG map of the cells by measure, 亮灯 board, top hot spots and rebounds with their trend, unit league table. Without a token: a redirect to /login.",
                operationId: "showDashboard",
                parameters: [
                    .query("from", "date-time", "Start of the window (default: 30 days before to)."),
                    .query("to", "date-time", "End of the window, exclusive (default: the end of the as-of day)."),
                    .query("category", repeatable: true, "Only orders of this category (repeatable)."),
                    .query("measure", values: ["count", "gi", "rebounds", "lights"], "What colours the map."),
                    .query("as-of", "date-time", "The moment of the lights (default: to, else the last recorded moment)."),
                ],
                outcomes: [
                    .init(status: 200, description: "The page.", mediaTypes: html),
                    .init(status: 303, description: "No token: to the login form.", mediaTypes: html),
                    .init(status: 400, description: "A parameter is unusable.", mediaTypes: ["application/problem+json"]),
                    .init(
                        status: 422,
                        description: "The stored data cannot answer (no cells), or the window spans more than five years (parameter: from).",
                        mediaTypes: ["application/problem+json"]),
                ],
                loginPage: true,
                handler: { [self] request, _ in
                    let arguments = try CommandArguments.arguments(request, defaultFormat: nil)
                    let command = try CommandArguments.parse(DashboardParameters.self, arguments, database: configuration.databasePath)
                    return .report(try await report(command))
                }),
            APIRoute(
                method: .get, path: "/v1/sheet", role: .reader,
                summary:
                    "The daily dispatch sheet 《每日巡查问题汇总和整改分工落实表》 (as `wangge sheet`): per unit, the orders dispatched to it that day and still open, with deadlines and a 3-day summary.",
                operationId: "showDailySheet",
                parameters: [
                    .query("date", required: true, "The day, YYYY-MM-DD (China Standard Time)."),
                    .query("unit", "Only this responsible unit (its id)."),
                    .query("format", values: ["html", "csv"], "html (default: printable A4, a page per unit) or csv."),
                    .query("bom", "boolean", "csv: start with a UTF-8 byte order mark, for Excel (default true; false omits it)."),
                ],
                outcomes: [
                    .init(status: 200, description: "The sheet.", mediaTypes: ["text/html", "text/csv"]),
                    .init(status: 400, description: "A parameter is unusable.", mediaTypes: ["application/problem+json"]),
                    .init(status: 404, description: "No such unit.", mediaTypes: ["application/problem+json"]),
                ],
                handler: { [self] request, _ in try await runOperation(SheetParameters.self, request, negatable: ["bom"], defaultFormat: nil) }),
            APIRoute(
                method: .get, path: "/login", role: nil,
                summary: "The login form of the leaders' page: a token is exchanged for a cookie.", operationId: "showLoginForm",
                outcomes: [.init(status: 200, description: "The form.", mediaTypes: html)],
                handler: { request, _ in
                    Self.loginPage(message: nil, status: .ok, next: Self.samePath(request.query("next")) ?? "/")
                }),
            APIRoute(
                method: .post, path: "/login", role: nil,
                summary: "Checks a token (form field token) and sets it as the HttpOnly cookie wangge_token; then to the page.",
                operationId: "logIn",
                bodyTypes: ["application/x-www-form-urlencoded"],
                bodySchemas: ["application/x-www-form-urlencoded": .object(["token": .string, "next": JSONSchema.string.optional])],
                outcomes: [
                    .init(status: 303, description: "Accepted: to the page.", mediaTypes: html),
                    .init(status: 401, description: "Unknown or revoked token: the form again.", mediaTypes: html),
                    .init(status: 413, description: "A form larger than 16 KiB.", mediaTypes: ["application/problem+json"]),
                ],
                handler: { [self] request, _ in try await login(request) }),
        ]
    }

    /// The largest login form accepted.
    static let loginFormLimit = 16 * 1024

    /// `next` when it is a path of this server — starts with one `/`, not `//` nor `/\`
    /// (browsers read both as another host), no control characters — else nil: a login never
    /// redirects elsewhere.
    static func samePath(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"),
            !next.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return next
    }

    private func login(_ request: Request) async throws -> Response {
        let limit = Self.loginFormLimit
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw Self.loginTooLarge() }
        var buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch is NIOTooManyBytesError { throw Self.loginTooLarge() }
        let body = buffer.readString(length: buffer.readableBytes) ?? ""
        var token = "", next = "/"
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.count == 2 && parts[0] == "token" { token = parts[1].trimmingCharacters(in: .whitespaces) }
            // Only a path of this server: never a redirect elsewhere.
            if parts.count == 2 && parts[0] == "next", let path = Self.samePath(parts[1]) { next = path }
        }
        guard !token.isEmpty, let role = try await tokens.role(of: token) else {
            return Self.loginPage(message: "令牌无效或已撤销 (unknown or revoked token)", status: .unauthorized, next: next)
        }
        logger.notice("login", metadata: ["role": .string(role.rawValue)])
        return Response(
            status: .seeOther,
            headers: [
                .location: next,
                .setCookie: "wangge_token=\(token); Path=/; HttpOnly; SameSite=Strict",
            ])
    }

    private static func loginTooLarge() -> Problem {
        Problem(
            status: .contentTooLarge, kind: "body-too-large", title: "Body too large",
            detail: "the login form exceeds \(loginFormLimit) bytes")
    }

    /// The login form (Chinese labels, no external asset).
    static func loginPage(message: String?, status: HTTPResponse.Status, next: String = "/") -> Response {
        var w = ""
        w += "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>网格 · 登录</title>"
        w +=
            "<style>body{font-family:sans-serif;margin:15vh auto;max-width:24em}input{width:100%;padding:.4em;margin:.5em 0}p.error{color:#b00}</style></head><body>"
        w += "<h1>网格化管理 · 领导驾驶舱</h1>"
        if let message { w += "<p class=\"error\">"; w += HTMLWriter.escaped(message); w += "</p>" }
        w +=
            "<form method=\"post\" action=\"/login\"><label>访问令牌 (reader 及以上)<input name=\"token\" type=\"password\" autocomplete=\"off\" required></label>"
        w += "<input type=\"hidden\" name=\"next\" value=\""; w += HTMLWriter.escaped(next); w += "\"><button type=\"submit\">登录</button></form>"
        w += "<p>令牌由管理员以 <code>wangge token create --role reader</code> 生成。</p></body></html>\n"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: w)))
    }
}
