//! `problems`: reproduces the experiments of newton's `PROBLEMS.md` and writes `BENCHMARKS.md`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use problems::experiments::Settings;
use problems::out_dir::Overwrite;
use problems::{bench_report, report, Error};

/// Reproduces the experiments of Rowan, "Nonlinear discretizations and Newton's method"
/// (arXiv 2510.11987) on the problems of newton's PROBLEMS.md, and reports on the benchmarks.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Seed of every random draw (starts, Fourier frequencies, random matrices); printed in the
    /// report.
    #[arg(long, global = true, default_value_t = 0, allow_hyphen_values = true)]
    seed: u64,
    /// Directory REPORT.md, results.json and figures/ are written to [default: `report` for
    /// `reproduce`, `report/run-<names>` for `run`, each under `report/quick` with `--quick`;
    /// `report` is at the root of the workspace this binary was built in, whatever the current
    /// directory]. A directory holding a report of another kind (full or quick, other
    /// experiments or settings) is refused unless `--force` is given.
    #[arg(long, global = true)]
    out: Option<PathBuf>,
    /// Writes into `--out` even when it holds a report of another kind, replacing it (its
    /// figures that the new report does not draw are removed).
    #[arg(long, global = true)]
    force: bool,
    /// A small version of every experiment (seconds): fewer starts, draws and sweep cells.
    #[arg(long, global = true)]
    quick: bool,
    #[command(flatten)]
    constants: Constants,
    #[command(subcommand)]
    command: Command,
}

/// The experiments' constants; each defaults to PROBLEMS.md (or to the `--quick` set).
///
/// Every value may start with `-` (`allow_hyphen_values`), so that `--tolerance -1e-9` reaches
/// the validation and its "must be positive", and `--starts -3` clap's invalid-value message
/// naming the flag; `allow_negative_numbers` is not enough, as clap does not take `-1e-9` (a
/// signed exponent) or `-1,2` (a list) for a number and reports an unexpected argument `-1`.
#[derive(Debug, clap::Args)]
struct Constants {
    /// Xavier starts per network experiment [default: 20; quick 2].
    #[arg(long, global = true, allow_hyphen_values = true)]
    starts: Option<usize>,
    /// Uniform starts of the torus census [default: 1000; quick 200].
    #[arg(long, global = true, allow_hyphen_values = true)]
    torus_starts: Option<usize>,
    /// Random symmetric matrices per dimension [default: 100000; quick 5000].
    #[arg(long, global = true, allow_hyphen_values = true)]
    draws: Option<usize>,
    /// Width W of both hidden layers of the tanh regression network, 1 to 128 (the other
    /// networks keep W = 10) [default: 10].
    #[arg(long, global = true, allow_hyphen_values = true)]
    width: Option<usize>,
    /// Step lengths α of the relaxed-Newton sweep, comma-separated [default: 1,0.5,0.25].
    #[arg(long, global = true, value_delimiter = ',', allow_hyphen_values = true)]
    alpha: Option<Vec<f64>>,
    /// Shifts λ of the relaxed-Newton sweep, comma-separated; the PINNs add 1 [default: 1e-4,1e-2].
    #[arg(long, global = true, value_delimiter = ',', allow_hyphen_values = true)]
    lambda: Option<Vec<f64>>,
    /// Frequencies ω of the 1-D PINN sweep, comma-separated [default: 1,2,3,6].
    #[arg(long, global = true, value_delimiter = ',', allow_hyphen_values = true)]
    omega: Option<Vec<f64>>,
    /// Scales σ of the Fourier-feature sweep, B ~ N(0, σ²), comma-separated [default: 0.5,1,2;
    /// quick 0.5,2].
    #[arg(long, global = true, value_delimiter = ',', allow_hyphen_values = true)]
    sigma: Option<Vec<f64>>,
    /// Starts per cell of the saddle-free Newton sweeps on the PINNs and of the Fourier σ sweep
    /// (the first of the network starts) [default: 5; quick 2].
    #[arg(long, global = true, allow_hyphen_values = true)]
    sweep_starts: Option<usize>,
    /// Step limit of the longer-limit check of unconverged regression runs [default: 1000;
    /// quick 240].
    #[arg(long, global = true, allow_hyphen_values = true)]
    long_iterations: Option<usize>,
    /// Convergence tolerance ‖∇L‖∞ of the network runs [default: 1e-9].
    #[arg(long, global = true, allow_hyphen_values = true)]
    tolerance: Option<f64>,
    /// Step limit of the second-order network runs [default: 300; quick 60].
    #[arg(long, global = true, allow_hyphen_values = true)]
    max_iterations: Option<usize>,
}

impl Constants {
    /// The settings: PROBLEMS.md's (or the quick ones), with every given flag applied.
    fn settings(self, seed: u64, quick: bool) -> Settings {
        let mut s = if quick {
            Settings::quick(seed)
        } else {
            Settings::full(seed)
        };
        if let Some(v) = self.starts {
            s.network_starts = v;
        }
        if let Some(v) = self.torus_starts {
            s.torus_starts = v;
        }
        if let Some(v) = self.draws {
            s.draws = v;
        }
        if let Some(v) = self.width {
            s.width = v;
        }
        if let Some(v) = self.alpha {
            s.alphas = v;
        }
        if let Some(v) = self.lambda {
            s.lambdas = v;
        }
        if let Some(v) = self.omega {
            s.omegas = v;
        }
        if let Some(v) = self.sigma {
            s.sigmas = v;
        }
        if let Some(v) = self.sweep_starts {
            s.sweep_starts = v;
        }
        if let Some(v) = self.long_iterations {
            s.long_iterations = v;
        }
        if let Some(v) = self.tolerance {
            s.tolerance = v;
        }
        if let Some(v) = self.max_iterations {
            s.max_iterations = v;
        }
        s
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs every experiment and writes `<out>/REPORT.md`, `results.json` and `figures/`.
    Reproduce,
    /// Runs the named experiments only (see `list`) and writes their report.
    Run {
        /// Experiment names, e.g. `torus circle`.
        #[arg(required = true)]
        experiments: Vec<String>,
    },
    /// Lists the problems and experiments.
    List,
    /// Regenerates BENCHMARKS.md from criterion's saved results.
    BenchReport {
        /// Where criterion keeps its results [default: the workspace's target/criterion].
        #[arg(long)]
        criterion_dir: Option<PathBuf>,
        /// The file to write [default: BENCHMARKS.md at the workspace root].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Skips the instruction counts (they need `valgrind` and take about a minute).
        #[arg(long)]
        no_instructions: bool,
        /// Skips timing the rebuild of this crate (it touches one source file and runs cargo).
        #[arg(long)]
        no_build_times: bool,
        /// Skips the paired timing of newton against the hand-written code (a few seconds).
        #[arg(long)]
        no_paired: bool,
    },
    /// Evaluates one benchmark kernel repeatedly; `bench-report` runs this under callgrind.
    #[command(hide = true)]
    Icount {
        /// The benchmark group, e.g. `torus`.
        group: String,
        /// `newton`, `hand` or `baseline`.
        side: String,
        /// How many evaluations.
        iterations: u64,
        /// The size, for groups with several.
        #[arg(long)]
        size: Option<usize>,
    },
    /// Evaluates one network contender repeatedly; `bench-report` runs this under callgrind.
    #[command(hide = true)]
    IcountNetwork {
        /// The network benchmark group, e.g. `network_tanh`.
        group: String,
        /// `newton_hessian`, a `jtj_…` floor or `baseline`.
        contender: String,
        /// How many evaluations.
        iterations: u64,
        /// The width, for the group with several.
        #[arg(long)]
        size: Option<usize>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    let settings = cli.constants.settings(cli.seed, cli.quick);
    let overwrite = if cli.force {
        Overwrite::Force
    } else {
        Overwrite::SameKind
    };
    match cli.command {
        Command::Reproduce => {
            let out = cli.out.unwrap_or_else(|| default_out(&[], cli.quick));
            reproduce(settings, &[], &out, overwrite)
        }
        Command::Run { experiments } => {
            let out = cli
                .out
                .unwrap_or_else(|| default_out(&experiments, cli.quick));
            reproduce(settings, &experiments, &out, overwrite)
        }
        Command::List => {
            print!("{}", report::list());
            Ok(())
        }
        Command::BenchReport {
            criterion_dir,
            output,
            no_instructions,
            no_build_times,
            no_paired,
        } => bench_report_command(
            criterion_dir,
            output,
            BenchReportSkips {
                instructions: no_instructions,
                build_times: no_build_times,
                paired: no_paired,
            },
        ),
        Command::Icount {
            group,
            side,
            iterations,
            size,
        } => {
            let kernel = problems::kernels::find(&group, size)
                .ok_or_else(|| Error::UnknownKernel(format!("{group} {size:?}")))?;
            let side = problems::instructions::Side::from_name(&side)
                .ok_or_else(|| Error::UnknownKernel(side.clone()))?;
            problems::instructions::run(kernel, side, iterations);
            Ok(())
        }
        Command::IcountNetwork {
            group,
            contender,
            iterations,
            size,
        } => {
            if problems::network_instructions::run(&group, size, &contender, iterations) {
                Ok(())
            } else {
                Err(Error::UnknownKernel(format!(
                    "{group} {size:?} {contender}"
                )))
            }
        }
    }
}

/// What `bench-report` was told to skip.
#[derive(Clone, Copy)]
struct BenchReportSkips {
    instructions: bool,
    build_times: bool,
    paired: bool,
}

/// `bench-report`: reads criterion's results, takes the stable measurements not skipped, and
/// writes `BENCHMARKS.md`.
fn bench_report_command(
    criterion_dir: Option<PathBuf>,
    output: Option<PathBuf>,
    skips: BenchReportSkips,
) -> Result<(), Error> {
    let BenchReportSkips {
        instructions: no_instructions,
        build_times: no_build_times,
        paired: no_paired,
    } = skips;
    let dir = criterion_dir.unwrap_or_else(bench_report::default_criterion_dir);
    let output = output.unwrap_or_else(|| bench_report::workspace_root().join("BENCHMARKS.md"));
    let instructions = if no_instructions {
        None
    } else {
        eprintln!("counting instructions with valgrind …");
        std::env::current_exe()
            .ok()
            .and_then(|exe| problems::instructions::count_all(&exe))
    };
    let paired = if no_paired {
        None
    } else {
        eprintln!("timing newton against the hand-written code in alternating batches …");
        Some(problems::paired::measure_all())
    };
    let composition_kernel = &problems::kernels::COMPOSITION;
    let composition_instructions = if no_instructions {
        None
    } else {
        std::env::current_exe()
            .ok()
            .and_then(|exe| problems::instructions::count(&exe, composition_kernel))
    };
    let composition_paired = (!no_paired).then(|| problems::paired::measure(composition_kernel));
    let network_instructions = if no_instructions {
        None
    } else {
        eprintln!("counting the network Hessians' instructions with valgrind …");
        std::env::current_exe()
            .ok()
            .and_then(|exe| problems::network_instructions::count_all(&exe))
    };
    let stable = bench_report::Stable {
        instructions: instructions.as_deref(),
        networks: network_instructions.as_deref(),
        paired: paired.as_deref(),
        composition: problems::bench_composition::Stable {
            instructions: composition_instructions.as_ref(),
            paired: composition_paired.as_ref(),
        },
    };
    let mut markdown = bench_report::generate(&dir, stable)?;
    let builds = if no_build_times {
        None
    } else {
        eprintln!("timing a rebuild of the problems library …");
        problems::compile_side::measure(&bench_report::workspace_root())
    };
    let sizes = std::env::current_exe()
        .ok()
        .and_then(|exe| problems::code_size::measure(&exe));
    problems::compile_side::render(&mut markdown, sizes.as_deref(), builds.as_ref());
    bench_report::write(&output, &markdown)?;
    println!("{markdown}");
    eprintln!("wrote {}", output.display());
    Ok(())
}

/// Where a run writes without `--out`: the full report in `report/` at the workspace root, and
/// anything smaller in a directory of its own inside it, named after what it ran.
fn default_out(names: &[String], quick: bool) -> PathBuf {
    let mut dir = default_root().join("report");
    if quick {
        dir.push("quick");
    }
    if !names.is_empty() {
        dir.push(format!("run-{}", names.join("-")));
    }
    dir
}

/// The directory the default output paths are in: the root of the workspace this binary was
/// built in, so that `cd problems && cargo run …` writes the same `report/` as a run from the
/// root (and `bench-report` writes `BENCHMARKS.md` there too); the current directory when that
/// workspace is gone (a binary copied elsewhere), rather than recreating its path.
fn default_root() -> PathBuf {
    let root = bench_report::workspace_root();
    if root.join("Cargo.toml").is_file() {
        root
    } else {
        PathBuf::new()
    }
}

/// Runs `names` (all when empty), prints the summary, the seed and the absolute path written,
/// and fails when a known-value check failed.
fn reproduce(
    settings: Settings,
    names: &[String],
    out: &Path,
    overwrite: Overwrite,
) -> Result<(), Error> {
    settings.validate()?;
    for name in names {
        problems::experiments::find(name)?;
    }
    let shown = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    eprintln!(
        "seed {}{}; writing to {}",
        settings.seed,
        if settings.quick { " (quick)" } else { "" },
        shown.display()
    );
    let r = report::reproduce(settings, names, out, overwrite, true)?;
    for s in &r.sections {
        println!(
            "{:<16} {:<15} {:>9}  {}",
            s.name,
            s.verdict.word(),
            problems::experiments::duration(s.seconds),
            s.verdict_reason
        );
    }
    println!(
        "seed {}, {} in all; wrote {}",
        r.settings.seed,
        problems::experiments::duration(r.seconds),
        r.report_path.display()
    );
    let failures = r.failures();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::ChecksFailed(failures.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::default_out;

    #[test]
    fn only_the_full_run_writes_to_report() {
        let report = problems::bench_report::workspace_root().join("report");
        assert_eq!(default_out(&[], false), report);
        assert_eq!(default_out(&[], true), report.join("quick"));
        let names = ["torus".to_owned(), "pinn-1d".to_owned()];
        assert_eq!(default_out(&names, false), report.join("run-torus-pinn-1d"));
        assert_eq!(
            default_out(&names[..1], true),
            report.join("quick/run-torus")
        );
    }

    /// `cd problems && cargo run …` writes to the workspace's `report/`, not `problems/report`.
    #[test]
    fn the_default_output_does_not_depend_on_the_current_directory() {
        let out = default_out(&[], false);
        assert!(out.is_absolute(), "{}", out.display());
        assert!(out.parent().unwrap().join("Cargo.lock").is_file());
    }
}
