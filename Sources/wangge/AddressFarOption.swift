import ArgumentParser

/// `--address-far-metres` (the old spelling `--address-far-meters` still works, hidden from the
/// help): how far an order's address may resolve from its own coordinates before the order is
/// flagged `address_far` (coordinates kept; often GCJ-02 sent as WGS84).
struct AddressFarOption: ParsableArguments {
    @Option(
        name: .customLong("address-far-metres"),
        help: "Flag address_far when an order's address resolves farther than this from its coordinates, in metres (0: never).")
    var addressFarMetres: Double = 300

    @Option(name: .customLong("address-far-meters"), help: .hidden)
    var addressFarMeters: Double?

    /// The distance given, in either spelling.
    var metres: Double { addressFarMeters ?? addressFarMetres }

    func validate() throws {
        guard metres.isFinite, metres >= 0 else { throw ValidationError("--address-far-metres must be a non-negative number of metres") }
    }
}
