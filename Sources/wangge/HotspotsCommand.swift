import ArgumentParser
import WanggeOperations

/// `wangge hotspots`: ``HotspotsParameters`` from the command line, the output to `--output`.
struct HotspotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotspots",
        abstract: "Where orders concentrate: counts per area, Getis-Ord Gi* hot and cold spots, kernel density or emerging hot spots.",
        discussion: """
            An order counts for its primary cell (snapped orders included); outside and invalid orders count for no cell; communities and streets sum their cells.

              --method count   CSV header: <level>,name,count,density_per_km2 (every area,
                               zeros included); --level unit|point: <level>,name,count
                               (orders per responsible unit, or per inspection point within
                               its radius)
              --method gi      CSV header: cell,count,z,p,bin (cell level; with
                               --permutations N also p_sim, esda's conditional
                               randomisation). Binary distance-band weights between cell
                               area centroids in EPSG:4549 metres, the cell itself
                               included; z is Gi*, p two-sided normal, bin ±3/±2/±1 for
                               99/95/90 % confidence (--fdr: Benjamini-Hochberg bins).
              --method kde     quartic kernel density of order locations (invalid orders
                               excluded) on a square raster in EPSG:4549 metres over the
                               cells' extent, orders per km². Defaults as ArcGIS documents
                               them: cell size = shorter side / 250; bandwidth =
                               0.9·min(SD, √(1/ln2)·Dm)·n^-0.2. CSV header:
                               row,column,x,y,lon,lat,density_per_km2 (non-zero cells).
              --method emerging  emerging hot spots: Gi* per cell per --step (day, week,
                                 month in UTC+08:00) with the cell's band neighbours in
                                 that step and --time-lag earlier steps, Mann–Kendall on
                                 each cell's z series, and the ArcGIS categories
                                 (definitions in EmergingHotSpots.swift). Steps run from
                                 --from (default: the first order's day) to --to (default:
                                 after the last). CSV header:
                                 cell,category,trend_z,trend_p,hot_steps,cold_steps,final_z
            """)

    @OptionGroup var parameters: HotspotsParameters
    @OptionGroup var destination: OutputFile

    func run() throws { try deliver(parameters, from: parameters.source.data(), to: destination.output) }
}
