//! `problems`: reproduces the experiments of newton's `PROBLEMS.md` and writes `BENCHMARKS.md`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use problems::{bench_report, report, Error};

/// Reproduces the problems of newton's PROBLEMS.md and reports on the benchmarks.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Seed of the random starts; printed in every report.
    #[arg(long, global = true, default_value_t = 0)]
    seed: u64,
    /// Directory the reports are written to.
    #[arg(long, global = true, default_value = "report")]
    out: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs every check and experiment, prints the report and writes `<out>/REPORT.md`.
    Reproduce,
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
    match cli.command {
        Command::Reproduce => {
            let reproduction = report::reproduce(cli.seed);
            println!("{}", reproduction.markdown);
            let path = report::write_report(&cli.out, &reproduction)?;
            eprintln!("wrote {}", path.display());
            if reproduction.failures.is_empty() {
                Ok(())
            } else {
                Err(Error::ChecksFailed(reproduction.failures.len()))
            }
        }
        Command::List => {
            for (name, what) in problems::PROBLEMS {
                println!("{name:<16} {what}");
            }
            Ok(())
        }
        Command::BenchReport {
            criterion_dir,
            output,
            no_instructions,
        } => {
            let dir = criterion_dir.unwrap_or_else(bench_report::default_criterion_dir);
            let output =
                output.unwrap_or_else(|| bench_report::workspace_root().join("BENCHMARKS.md"));
            let instructions = if no_instructions {
                None
            } else {
                eprintln!("counting instructions with valgrind …");
                std::env::current_exe()
                    .ok()
                    .and_then(|exe| problems::instructions::count_all(&exe))
            };
            let markdown = bench_report::generate(&dir, instructions.as_deref())?;
            bench_report::write(&output, &markdown)?;
            println!("{markdown}");
            eprintln!("wrote {}", output.display());
            Ok(())
        }
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
    }
}
