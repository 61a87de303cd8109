// swift-tools-version:6.1
import PackageDescription

// Module map (dependencies point one way):
//   wangge (CLI) ──> WanggeServer ──> WanggeOperations ─┬─> WanggeAnalytics ─> WanggeCore ──> CGEOS, CPROJ
//        └──────────────────────────────^               └─> WanggeStore ──> WanggeCore, CSQLite, CSpatiaLite
// WanggeOperations holds every capability once, as a parameter set (the CLI's options, the
// HTTP API's query parameters) and a function producing its output; the CLI and the server
// are thin front ends over it.
let package = Package(
    name: "Wangge",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wangge", targets: ["wangge"]),
        .library(name: "WanggeCore", targets: ["WanggeCore"]),
        .library(name: "WanggeStore", targets: ["WanggeStore"]),
        .library(name: "WanggeAnalytics", targets: ["WanggeAnalytics"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // swift-configuration support is not used: the server is configured by `wangge serve`'s options.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C libraries from Debian, found through pkg-config.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CSpatiaLite", pkgConfig: "spatialite", providers: [.apt(["libspatialite-dev"])]),
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        // zlib, for the server's gzip answers (streamed through deflate).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Geometry core: exact predicates, indexes, coordinate systems, routing. No SQL, no HTTP.
        .target(name: "WanggeCore", dependencies: ["CGEOS", "CPROJ"]),
        // SpatiaLite store: schema, migrations, imports, loading the district for the core.
        .target(name: "WanggeStore", dependencies: ["WanggeCore", "CSQLite", "CSpatiaLite"]),
        // Statistics over routed orders (hot spots, recurrence). Pure Swift over the core's types.
        .target(name: "WanggeAnalytics", dependencies: ["WanggeCore"]),
        // Every capability once: its parameters (declared with ArgumentParser, so the CLI's
        // options and the HTTP query parameters are the same names) and its output.
        .target(name: "WanggeOperations", dependencies: [
            "WanggeCore", "WanggeStore", "WanggeAnalytics",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The HTTP service (`wangge serve`): routes, tokens and roles, problem+json, metrics, OpenAPI.
        .target(name: "WanggeServer", dependencies: [
            "WanggeOperations", "WanggeStore", "WanggeCore", "CZlib",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The `wangge` command.
        .executableTarget(name: "wangge", dependencies: [
            "WanggeOperations", "WanggeServer", "WanggeCore", "WanggeStore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // What several test targets share (fixtures made independently of the code under test).
        .target(name: "WanggeTestSupport", path: "Tests/WanggeTestSupport"),
        .testTarget(name: "WanggeCoreTests", dependencies: ["WanggeCore", "WanggeTestSupport"]),
        .testTarget(name: "WanggeStoreTests", dependencies: ["WanggeStore", "WanggeCore", "WanggeAnalytics"]),
        .testTarget(name: "WanggeCLITests", dependencies: ["wangge", "WanggeTestSupport"]),
        .testTarget(name: "WanggeAnalyticsTests", dependencies: ["WanggeAnalytics", "WanggeCore"]),
        .testTarget(name: "WanggeOperationsTests", dependencies: ["WanggeOperations", "WanggeStore", "WanggeCore", "WanggeAnalytics"]),
        .testTarget(name: "WanggeServerTests", dependencies: [
            "WanggeServer", "WanggeOperations", "WanggeStore", "WanggeCore", "WanggeTestSupport", "CZlib",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ]
)
