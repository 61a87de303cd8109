import ArgumentParser
import WanggeOperations

/// `wangge tile`: ``TileParameters`` from the command line, the tile to `--output`.
struct TileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tile",
        abstract: "Write one Mapbox Vector Tile (MVT 2.1) of a layer: cells, zones, points, orders or hotspots.",
        discussion: """
            The tile z/x/y of the XYZ scheme (Web Mercator, row 0 at the north), extent 4096,
            one layer named as the argument. Geometry is clipped to the tile and a buffer of
            64 units, snapped to the grid and simplified for the zoom (vertices moving the
            outline by less than 4 units are dropped; collapsed rings dropped); polygon
            exteriors are clockwise on screen, as MVT 2.1 requires.
            Properties: cells code, name, community, street; zones id, kind, unit, name;
            points id, name, type, radius_m; orders id, category, received_at, status,
            assign_status, cell, unit; hotspots (Gi* per cell over the orders of --from,
            --to, --category, smallest band giving every cell a neighbour) cell, count, z, p,
            bin. A tile with no feature is empty (0 bytes; the HTTP route answers 204).
            """)

    @OptionGroup var parameters: TileParameters
    @OptionGroup var destination: OutputFile

    func run() throws { try deliver(parameters, from: parameters.source.data(), to: destination.output) }
}
