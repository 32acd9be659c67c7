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
}
