//! The errors of the command-line tool.

use std::path::PathBuf;

/// What can go wrong when the tool writes a report or reads benchmark results.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The output directory could not be created.
    #[error("cannot create the output directory `{path}`: {source}")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write `{path}`: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A file of a replaced report could not be removed.
    #[error("cannot remove `{path}`: {source}")]
    Remove {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The output directory holds a report of another kind, or report files of an unrecognised
    /// one, which writing there would replace.
    #[error(
        "`{dir}` holds {found}, which this run would replace with {writing}; pass `--force` to \
         replace it anyway, or `--out` to write elsewhere"
    )]
    OtherReport {
        /// The directory.
        dir: PathBuf,
        /// What it holds: "the full report of `reproduce` (seed 0)".
        found: String,
        /// What this run writes, in the same words.
        writing: String,
    },
    /// A file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A criterion estimate file is not the JSON criterion writes.
    #[error("`{path}` is not a criterion estimates file: {reason}")]
    Estimates {
        /// The file.
        path: PathBuf,
        /// What is missing or malformed.
        reason: &'static str,
    },
    /// No benchmark results were found at all.
    #[error(
        "no criterion results under `{0}`; run `cargo bench --bench hessian` first \
         (or pass `--criterion-dir`)"
    )]
    NoResults(PathBuf),
    /// A check of `reproduce` failed: the problems disagree with `PROBLEMS.md`.
    #[error("{0} check(s) failed; see the report")]
    ChecksFailed(usize),
    /// `icount` was given a benchmark case or side that does not exist.
    #[error("no benchmark kernel `{0}`; groups are those of BENCHMARKS.md, sides `newton`, `hand`, `baseline`")]
    UnknownKernel(String),
    /// A command-line setting is out of range.
    #[error("invalid `--{flag}` value `{value}`: must be {requirement}")]
    InvalidFlag {
        /// The flag, without the dashes.
        flag: &'static str,
        /// The value given.
        value: String,
        /// What the value must be.
        requirement: &'static str,
    },
    /// `run` was given an experiment that does not exist.
    #[error("no experiment `{name}`; the experiments are: {available}")]
    UnknownExperiment {
        /// The name given.
        name: String,
        /// The names that exist, comma-separated.
        available: String,
    },
    /// A figure could not be drawn.
    #[error("cannot draw the figure `{figure}`: {reason}")]
    Plot {
        /// The figure's title.
        figure: String,
        /// plotters' message.
        reason: String,
    },
    /// A solver rejected its input (a bad start or setting).
    #[error("solver: {0}")]
    Solver(#[from] newton::Error),
    /// The results could not be serialised.
    #[error("cannot serialise the results: {0}")]
    Json(#[from] serde_json::Error),
}
