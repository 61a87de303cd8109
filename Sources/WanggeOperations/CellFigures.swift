/// One cell's figures on the map.
package struct CellFigures {
    package var orders = 0
    package var rebounds = 0
    /// Gi* z of the order counts (nil when the cell could not take part).
    package var z: Double?
    package var bin = 0
    /// red, yellow, green, or grey (no order of the chosen categories received by as-of).
    package var light = "grey"

    package init(orders: Int = 0, rebounds: Int = 0, z: Double? = nil, bin: Int = 0, light: String = "grey") {
        self.orders = orders; self.rebounds = rebounds; self.z = z; self.bin = bin; self.light = light
    }
}
