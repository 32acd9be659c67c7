//! How a criterion benchmark of this workspace was run, recorded by the benchmark itself beside
//! criterion's results so that `bench-report` can print the command line and the settings that
//! produced the numbers in `BENCHMARKS.md`.

use std::path::Path;

use crate::Error;

/// Criterion's command-line options that take a value as the next argument.
const OPTIONS_WITH_VALUES: [&str; 19] = [
    "--color",
    "-c",
    "--format",
    "--save-baseline",
    "-s",
    "--baseline",
    "-b",
    "--baseline-lenient",
    "--load-baseline",
    "--sample-size",
    "--warm-up-time",
    "--measurement-time",
    "--nresamples",
    "--noise-threshold",
    "--confidence-level",
    "--significance-level",
    "--plotting-backend",
    "--output-format",
    "--profile-time",
];

/// The environment variable that selects the quick (smoke-run) settings.
pub const QUICK_VARIABLE: &str = "NEWTON_BENCH_QUICK";

/// How one `cargo bench --bench <bench>` was run.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchSettings {
    /// The bench target, `hessian` or `network`.
    pub bench: String,
    /// Whether `NEWTON_BENCH_QUICK=1` was set.
    pub quick: bool,
    /// Criterion's warm-up time per benchmark, in seconds.
    pub warm_up_s: f64,
    /// Criterion's measurement time per benchmark, in seconds.
    pub measurement_s: f64,
    /// Criterion's sample count per benchmark.
    pub sample_size: usize,
    /// The arguments after the program name (filters, `--bench`).
    pub args: Vec<String>,
}

/// How long criterion warms up and measures each benchmark, and how many samples it takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// Warm-up time per benchmark, in seconds.
    pub warm_up_s: f64,
    /// Measurement time per benchmark, in seconds.
    pub measurement_s: f64,
    /// Samples per benchmark.
    pub sample_size: usize,
}

impl BenchSettings {
    /// The settings of the running benchmark `bench`: `quick` when `NEWTON_BENCH_QUICK` is set
    /// to anything but empty or `0`, else `full`; the arguments from the command line.
    #[must_use]
    pub fn from_env(bench: &str, full: Timing, quick: Timing) -> Self {
        let is_quick = std::env::var(QUICK_VARIABLE).is_ok_and(|v| !v.is_empty() && v != "0");
        let timing = if is_quick { quick } else { full };
        Self {
            bench: bench.to_owned(),
            quick: is_quick,
            warm_up_s: timing.warm_up_s,
            measurement_s: timing.measurement_s,
            sample_size: timing.sample_size,
            args: std::env::args().skip(1).collect(),
        }
    }

    /// The file, beside criterion's results, that holds the settings of `bench`.
    fn file(criterion_dir: &Path, bench: &str) -> std::path::PathBuf {
        criterion_dir.join(format!("newton-bench-settings-{bench}.json"))
    }

    /// Records these settings for [`BenchSettings::read`].
    ///
    /// # Errors
    ///
    /// [`Error::CreateDir`] or [`Error::Write`] when the criterion directory is not writable.
    pub fn record(&self, criterion_dir: &Path) -> Result<(), Error> {
        std::fs::create_dir_all(criterion_dir).map_err(|source| Error::CreateDir {
            path: criterion_dir.to_path_buf(),
            source,
        })?;
        let path = Self::file(criterion_dir, &self.bench);
        std::fs::write(&path, self.to_json().to_string())
            .map_err(|source| Error::Write { path, source })
    }

    /// The settings `bench` last recorded, if it did.
    #[must_use]
    pub fn read(criterion_dir: &Path, bench: &str) -> Option<Self> {
        let text = std::fs::read_to_string(Self::file(criterion_dir, bench)).ok()?;
        Self::from_json(&serde_json::from_str(&text).ok()?)
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "bench": self.bench,
            "quick": self.quick,
            "warm_up_s": self.warm_up_s,
            "measurement_s": self.measurement_s,
            "sample_size": self.sample_size,
            "args": self.args,
        })
    }

    fn from_json(v: &serde_json::Value) -> Option<Self> {
        Some(Self {
            bench: v.get("bench")?.as_str()?.to_owned(),
            quick: v.get("quick")?.as_bool()?,
            warm_up_s: v.get("warm_up_s")?.as_f64()?,
            measurement_s: v.get("measurement_s")?.as_f64()?,
            sample_size: usize::try_from(v.get("sample_size")?.as_u64()?).ok()?,
            args: v
                .get("args")?
                .as_array()?
                .iter()
                .filter_map(|a| a.as_str().map(str::to_owned))
                .collect(),
        })
    }

    /// Whether the run was restricted to some benchmarks by a filter: a free argument that is
    /// not the value of one of criterion's options (`--save-baseline main` names a baseline,
    /// not a benchmark).
    #[must_use]
    pub fn is_filtered(&self) -> bool {
        let mut args = self.args.iter();
        while let Some(a) = args.next() {
            if !a.starts_with('-') {
                return true;
            }
            if !a.contains('=') && OPTIONS_WITH_VALUES.contains(&a.as_str()) {
                args.next();
            }
        }
        false
    }

    /// Returns the command line that reproduces the run.
    #[must_use]
    pub fn command_line(&self) -> String {
        let filters: Vec<&str> = self
            .args
            .iter()
            .map(String::as_str)
            .filter(|a| *a != "--bench")
            .collect();
        format!(
            "{}cargo bench --bench {}{}",
            if self.quick {
                format!("{QUICK_VARIABLE}=1 ")
            } else {
                String::new()
            },
            self.bench,
            if filters.is_empty() {
                String::new()
            } else {
                format!(" -- {}", filters.join(" "))
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::BenchSettings;

    #[test]
    fn settings_round_trip_through_their_file() {
        let s = BenchSettings {
            bench: "network".to_owned(),
            quick: true,
            warm_up_s: 0.5,
            measurement_s: 1.0,
            sample_size: 10,
            args: vec!["--bench".into(), "network_tanh".into()],
        };
        let dir = std::env::temp_dir().join(format!("newton-settings-{}", std::process::id()));
        s.record(&dir).unwrap();
        assert_eq!(BenchSettings::read(&dir, "network"), Some(s.clone()));
        assert_eq!(BenchSettings::read(&dir, "hessian"), None);
        assert_eq!(
            s.command_line(),
            "NEWTON_BENCH_QUICK=1 cargo bench --bench network -- network_tanh"
        );
        assert!(s.is_filtered());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn option_values_are_not_filters() {
        let with = |args: &[&str]| BenchSettings {
            bench: "hessian".to_owned(),
            quick: false,
            warm_up_s: 1.0,
            measurement_s: 2.0,
            sample_size: 50,
            args: args.iter().map(|a| (*a).to_owned()).collect(),
        };
        assert!(!with(&["--bench", "--save-baseline", "main"]).is_filtered());
        assert!(!with(&["--bench", "--sample-size=20", "--noplot"]).is_filtered());
        assert!(with(&["--bench", "--save-baseline", "main", "torus"]).is_filtered());
        assert!(with(&["--bench", "--sample-size=20", "circle"]).is_filtered());
    }
}
