import ArgumentParser
import WanggeOperations
import WanggeCore
import WanggeStore

/// `wangge geocode`: ``GeocodeParameters`` from the command line, the output to `--output`.
struct GeocodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geocode",
        abstract: "Resolve an address (or shop/place code) against the standard address layer, with scored candidates.",
        discussion: """
            One address (--address and/or --code): JSON with the outcome (located, street, ambiguous, unmatched), located_by, the match, gap, street, reason, the normalised address and up to 3 candidates with scores in [0, 1].

            A CSV (--input, CLI only) with an address column and optionally code (or shop, place): one CSV row per input row (candidates as id:score;…), header
            \(helpColumns(GeocodeParameters.csvHeader))
            """)

    @OptionGroup var parameters: GeocodeParameters
    @OptionGroup var destination: OutputFile

    func run() throws {
        guard let input = parameters.input else { return try deliver(parameters, from: parameters.source.data(), to: destination.output) }
        let data = parameters.source.data()
        do {
            let bytes = try readInput(input)
            let (routing, warnings) = try GeocodeParameters.routing(from: data)
            for w in warnings { note("warning: \(w)") }
            let (csv, summary) = try GeocodeParameters.geocode(csv: bytes, resolver: routing.resolver)
            let sink = try OutputSink(destination.output)
            try sink.write(csv)
            try sink.close()
            note(summary)
        } catch {
            note("error: \(error)")
            throw ExitCode(of: error)
        }
    }
}
