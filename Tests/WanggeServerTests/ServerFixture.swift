import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeServer

/// A service over a copy of the sample district (GeoData/baoshan: its layers and 5,000
/// orders, imported once per test process by WanggeTestSupport), with one token per role.
struct ServerFixture {
    /// The repository's root (GeoData/, Queries/).
    static var root: URL { SampleData.root }

    let service: WanggeService
    let directory: URL
    let tokens: [Role: String]

    init(publicRead: Bool = false, maxBodyBytes: Int = 10 * 1024 * 1024, configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("t.sqlite").path
        try SampleDistrict.copy("baoshan", withOrders: true, to: path)
        let store = try WanggeStore(path: path)
        var tokens: [Role: String] = [:]
        for role in Role.allCases { tokens[role] = try store.createToken(name: "test-\(role.rawValue)", role: role) }
        self.tokens = tokens
        var configuration = ServerConfiguration(databasePath: path, queriesDirectory: SampleData.queriesDirectory)
        configuration.publicRead = publicRead
        configuration.maxBodyBytes = maxBodyBytes
        configuration.workers = 2
        configuration.logLevel = .warning
        configure(&configuration)
        service = try WanggeService(configuration: configuration)
    }

    func headers(_ role: Role?, contentType: String? = nil) -> HTTPFields {
        var h: HTTPFields = [:]
        if let role { h[.authorization] = "Bearer \(tokens[role]!)" }
        if let contentType { h[.contentType] = contentType }
        return h
    }

    /// Runs `body` against the service through HummingbirdTesting's router client.
    func test(_ mode: TestingSetup = .router, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await service.application().test(mode) { client in try await body(client) }
        try? FileManager.default.removeItem(at: directory)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var json: JSONValue { (try? JSONParser.parse(Array(text.utf8))) ?? .null }
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    var array: [JSONValue] {
        if case .array(let a) = self { return a }
        return []
    }
}
