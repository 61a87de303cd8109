import ArgumentParser

/// `--snap-metres` (the old spelling `--snap-meters` still works, hidden from the help): how
/// far from the nearest cell an order outside every cell may lie and still be routed to it.
struct SnapOption: ParsableArguments {
    @Option(name: .customLong("snap-metres"), help: "Orders outside every cell snap to the nearest cell within this distance (metres).")
    var snapMetres: Double = 50

    @Option(name: .customLong("snap-meters"), help: .hidden)
    var snapMeters: Double?

    /// The distance given, in either spelling.
    var metres: Double { snapMeters ?? snapMetres }

    func validate() throws {
        guard metres.isFinite, metres >= 0 else { throw ValidationError("--snap-metres must be a non-negative number of metres") }
    }
}
