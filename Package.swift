// swift-tools-version:6.0
import PackageDescription

// Module map (dependencies point one way):
//   wangge (CLI) ─┬─> WanggeAnalytics ─> WanggeCore ──> CGEOS, CPROJ
//                 ├─> WanggeStore ──> WanggeCore       WanggeStore ──> CSQLite, CSpatiaLite
//                 └─> WanggeCore
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
    ],
    targets: [
        // C libraries from Debian, found through pkg-config.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CSpatiaLite", pkgConfig: "spatialite", providers: [.apt(["libspatialite-dev"])]),
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),

        // Geometry core: exact predicates, indexes, coordinate systems, routing. No SQL, no HTTP.
        .target(name: "WanggeCore", dependencies: ["CGEOS", "CPROJ"]),
        // SpatiaLite store: schema, migrations, imports, loading the district for the core.
        .target(name: "WanggeStore", dependencies: ["WanggeCore", "CSQLite", "CSpatiaLite"]),
        // Statistics over routed orders (hot spots, recurrence). Pure Swift over the core's types.
        .target(name: "WanggeAnalytics", dependencies: ["WanggeCore"]),
        // The `wangge` command.
        .executableTarget(name: "wangge", dependencies: [
            "WanggeCore", "WanggeStore", "WanggeAnalytics",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "WanggeCoreTests", dependencies: ["WanggeCore"]),
        .testTarget(name: "WanggeStoreTests", dependencies: ["WanggeStore", "WanggeCore", "WanggeAnalytics"]),
        .testTarget(name: "WanggeCLITests", dependencies: ["wangge"]),
        .testTarget(name: "WanggeAnalyticsTests", dependencies: ["WanggeAnalytics", "WanggeCore"]),
    ]
)
