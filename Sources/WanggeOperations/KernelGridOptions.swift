import ArgumentParser

/// `--cell-size` and `--bandwidth`: the raster and the search radius of a kernel density
/// (hotspots and recurrence `--method kde`); nil: ArcGIS's defaults.
public struct KernelGridOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("cell-size"), help: "KDE raster cell size in metres (default: the extent's shorter side / 250).")
    public var cellSize: Double?

    @Option(help: "KDE search radius in metres (default: ArcGIS's rule, printed).")
    public var bandwidth: Double?

    public init() {}

    public func validate() throws {
        if let cellSize, !(cellSize.isFinite && cellSize >= 1) { throw ValidationError("--cell-size must be at least 1 metre") }
        if let bandwidth, !(bandwidth.isFinite && bandwidth > 0) { throw ValidationError("--bandwidth must be a positive number of metres") }
    }
}
