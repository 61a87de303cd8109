import ArgumentParser

/// `--output`: where a command writes its output (the CLI's alone: the server answers the
/// request, and refuses an `output` parameter).
struct OutputFile: ParsableArguments {
    @Option(help: "Output file, or - for standard output.")
    var output: String = "-"
}
