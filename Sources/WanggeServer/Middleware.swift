import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import WanggeCore
import WanggeOperations
import WanggeStore

/// Around every request: establishes the caller's role from the token, turns every error into
/// a problem document (never a SQL or Swift error text), answers 405 for a known path with
/// another method, gives the request's blocking work its budget (`--request-timeout`, ended
/// early by shutdown), and records the request in the metrics and the log once its body has
/// been written.
struct ServiceMiddleware: RouterMiddleware {
    typealias Context = WanggeContext
    let service: WanggeService
    let routes: [APIRoute]

    func handle(_ request: Request, context: WanggeContext, next: (Request, WanggeContext) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        var response: Response
        let budget = WorkBudget(seconds: service.configuration.requestTimeout, parent: service.lifetime)
        do {
            response = try await Work.$budget.withValue(budget) {
                try QueryString.check(request.uri.query)
                context.role = try await role(of: request)
                return try await next(request, context)
            }
        } catch {
            response = try problem(for: error, request: request, context: context).response(from: request, context: context)
        }
        let path = request.uri.path
        let known = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 }
        let route = known ?? routes.first { $0.matches(path) }?.path ?? "(unmatched)"
        let status = Int(response.status.code), method = request.method.rawValue
        let service = self.service, roleName = context.role?.rawValue ?? "-", id = context.id
        // Recorded when the body has been written: a streamed layer counts its whole time.
        @Sendable func record() {
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            service.metrics.record(route: route, method: method, status: status, seconds: seconds)
            if service.logger.logLevel <= .info {
                service.logger.info(
                    "request",
                    metadata: [
                        "method": .string(method), "path": .string(path), "status": .stringConvertible(status),
                        "ms": .string(String(format: "%.2f", seconds * 1000)), "role": .string(roleName), "request_id": .string(id),
                    ])
            }
        }
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            do { try await body.write(writer) } catch {
                record()
                throw error
            }
            record()
        }
        return response
    }

    /// The role of the bearer token or, for GET and HEAD, of the `wangge_token` login cookie;
    /// nil when neither was sent; 401 when one was sent but is not an active token — except on
    /// the routes open to all (`/health`, `/login`), which ignore a bad token.
    private func role(of request: Request) async throws -> Role? {
        do { return try await presentedRole(of: request) } catch let p as Problem where p.status == .unauthorized {
            let path = request.uri.path
            let method = request.method == .head ? .get : request.method
            if let route = routes.first(where: { $0.method == method && $0.matches(path) }), route.role == nil { return nil }
            throw p
        }
    }

    private func presentedRole(of request: Request) async throws -> Role? {
        var token: String?
        if let header = request.headers[.authorization] {
            guard header.lowercased().hasPrefix("bearer ") else {
                throw Problem.unauthorized("the Authorization header must be `Bearer <token>`")
            }
            token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else if request.method == .get || request.method == .head, let cookie = request.cookies["wangge_token"]?.value, !cookie.isEmpty {
            // The login cookie is for reading pages: a write always carries its token
            // explicitly, so no form on another site can post with a browser's cookie.
            token = cookie
        }
        guard let token else { return nil }
        guard let role = try await service.tokens.role(of: token) else {
            throw Problem.unauthorized("the token is not valid (unknown or revoked)")
        }
        return role
    }

    /// The problem document for `error`.
    private func problem(for error: any Error, request: Request, context: WanggeContext) -> Problem {
        switch error {
        case let p as Problem:
            return p
        case let e as HTTPError where e.status == .notFound:
            let path = request.uri.path
            var allowed = routes.filter { $0.matches(path) }.map(\.method.rawValue)
            if allowed.contains("GET") { allowed.insert("HEAD", at: allowed.firstIndex(of: "GET")! + 1) }
            if !allowed.isEmpty {
                return Problem(
                    status: .methodNotAllowed, kind: "method-not-allowed", title: "Method not allowed",
                    detail: "\(request.method.rawValue) is not served at \(path); allowed: \(allowed.joined(separator: ", "))",
                    headers: [.allow: allowed.joined(separator: ", ")])
            }
            return .notFound("no route \(path); the API is described at /openapi.json")
        case let e as HTTPError:
            return Problem(status: e.status, kind: "http-\(e.status.code)", title: e.status.reasonPhrase, detail: e.body ?? e.status.reasonPhrase)
        case is NIOTooManyBytesError:
            return Problem(
                status: .contentTooLarge, kind: "body-too-large", title: "Body too large",
                detail: "the request body exceeds \(service.configuration.maxBodyBytes) bytes (wangge serve --max-body)")
        case let e as any WanggeError where e.kind != .internal && e.kind != .unavailable:
            return Problem(e)
        default:
            // Not described to the client (it may hold SQL or a path): logged, answered by kind.
            service.logger.error(
                "request failed",
                metadata: [
                    "request_id": .string(context.id), "path": .string(request.uri.path),
                    "error": .string(String(describing: error)),
                ])
            return (error as? any WanggeError)?.kind == .unavailable ? .unavailable(context.id) : .internalError(context.id)
        }
    }
}
