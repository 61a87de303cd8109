import ArgumentParser
import WanggeCore

extension ExitCode {
    /// The exit code of a kind of error, as sysexits(3) names them: data error (65) for bad
    /// or invalid input, a conflict, a question the data cannot answer or a too-large input;
    /// no input (66) for a missing or unreadable file or database; unavailable (69); software
    /// error (70). Usage (64) is ArgumentParser's own, for its parse and validation errors,
    /// the only ones that print the usage.
    public init(_ kind: ErrorKind) {
        switch kind {
        case .badInput, .invalidRows, .conflict, .unanswerable, .tooLarge: self.init(65)
        case .notFound: self.init(66)
        case .unavailable: self.init(69)
        case .internal: self.init(70)
        }
    }

    /// The exit code of `error`'s kind; software error (70) for an error Wangge does not
    /// classify (one of a library or the system).
    public init(of error: any Error) {
        self.init((error as? any WanggeError)?.kind ?? .internal)
    }
}
