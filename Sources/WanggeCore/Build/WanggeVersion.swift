/// The build's version, in one place: `wangge --version`, `/health`, `/openapi.json`'s
/// `info.version` and the `wangge_build_info` metric all read it.
public enum WanggeVersion {
    /// The release number (semantic versioning); raised by hand with each release.
    public static let number = "0.1.0"
}
