/// The time frame of the leaders' screen (definitions in ``DashboardParameters``).
package struct DashboardWindow: Equatable {
    /// [from, to): the orders counted, mapped and tested for recurrence; KPIs take the orders due in it.
    package var from: Double
    package var to: Double
    /// The moment of the lights and the overdue counts.
    package var asOf: Double
}
