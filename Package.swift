// swift-tools-version:6.1
import PackageDescription

// Module map (dependencies point one way; Linux only: the CLI finds Queries/ through /proc/self/exe):
//
//   wangge (CLI) ──> WanggeServer ──> WanggePages ──> WanggeOperations ─┬─> WanggeAnalytics ──> WanggeCore ──> CGEOS, CPROJ
//        │                 │                 ^                ^            └─> WanggeStore ──> WanggeCore, CSQLite, CSpatiaLite
//        └─────────────────┴─────────────────┴────────────────┘  (the CLI and the server also use the parameter sets directly)
//
// WanggeOperations holds every capability once, as a parameter set (a `ParsableArguments`: the
// CLI's options and the HTTP API's query parameters, validated once) and a function producing
// its report. WanggePages draws the pages (the leaders' screen, the daily sheet, order lists).
// The CLI (its commands and process plumbing) and the server are thin front ends over both.
let package = Package(
    name: "Wangge",
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
        // Already in the graph through Hummingbird; named because the server imports them.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
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
        // Every capability once: its parameter set (declared with ArgumentParser, so the CLI's
        // options and the HTTP query parameters are the same names, validated once) and the
        // function producing its report. No HTML, no process plumbing.
        .target(
            name: "WanggeOperations",
            dependencies: [
                "WanggeCore", "WanggeStore", "WanggeAnalytics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], exclude: ["README.md"]),
        // Pages for people (HTML, SVG, CSS, JS): the leaders' screen and its district map, the
        // daily sheet, order lists; the `Capability` of the parameter sets whose output is a page.
        .target(name: "WanggePages", dependencies: ["WanggeOperations", "WanggeAnalytics", "WanggeCore"], exclude: ["README.md"]),
        // The HTTP service (`wangge serve`): routes, tokens and roles, problem+json, metrics, OpenAPI.
        // Parses the parameter sets of WanggeOperations from query parameters; never a CLI command.
        .target(
            name: "WanggeServer",
            dependencies: [
                "WanggeOperations", "WanggePages", "WanggeStore", "WanggeCore", "CZlib",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        // The `wangge` command: one `ParsableCommand` per capability over its parameter set, and
        // the process plumbing (standard error, `.partial` output files, peak memory).
        .executableTarget(
            name: "wangge",
            dependencies: [
                "WanggeOperations", "WanggePages", "WanggeServer", "WanggeAnalytics", "WanggeCore", "WanggeStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ], exclude: ["README.md"]),

        // What every test target shares: finding GeoData/ and Queries/, loading a sample district
        // into a fresh SpatiaLite file (through the store's importer; the data files are the
        // independent truth), the GBK encoder.
        .target(name: "WanggeTestSupport", dependencies: ["WanggeStore"], path: "Tests/WanggeTestSupport"),
        .testTarget(name: "WanggeCoreTests", dependencies: ["WanggeCore", "WanggeTestSupport"]),
        .testTarget(name: "WanggeStoreTests", dependencies: ["WanggeStore", "WanggeCore", "WanggeAnalytics", "WanggeTestSupport"]),
        .testTarget(name: "WanggeCLITests", dependencies: ["wangge", "WanggeTestSupport"]),
        .testTarget(name: "WanggeAnalyticsTests", dependencies: ["WanggeAnalytics", "WanggeCore", "WanggeTestSupport"]),
        .testTarget(
            name: "WanggeOperationsTests",
            dependencies: ["WanggeOperations", "WanggePages", "WanggeStore", "WanggeCore", "WanggeAnalytics", "WanggeTestSupport"]),
        .testTarget(
            name: "WanggeServerTests",
            dependencies: [
                "WanggeServer", "WanggeOperations", "WanggePages", "WanggeStore", "WanggeCore", "WanggeTestSupport", "CZlib",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
    ]
)
