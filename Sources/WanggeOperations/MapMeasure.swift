import ArgumentParser

/// What the map is coloured by (`--measure`).
public enum MapMeasure: String, CaseIterable, Sendable {
    /// Orders received in the window, per cell.
    case count
    /// The Gi* bin of those counts: three hot and three cold confidence levels.
    case gi
    /// Rebounds (反弹) in the window, per cell.
    case rebounds
    /// The cell's light at the as-of moment.
    case lights
}

extension MapMeasure: ExpressibleByArgument {}
