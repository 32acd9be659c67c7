//! Instruction counts of the kernels under `valgrind --tool=callgrind`: the stable comparison
//! on a noisy machine.
//!
//! `bench-report` runs this very binary under callgrind once per kernel (`problems icount …`),
//! each time evaluating the kernel [`ITERATIONS`] times, and subtracts the count of a run of the
//! baseline kernel, so what remains is the instructions of the evaluations themselves.

use std::path::Path;
use std::process::Command;

use crate::bench_report::InstructionRow;
use crate::kernels::{self, Kernel};

/// Evaluations per callgrind run: enough that start-up is noise, few enough to take a second.
pub const ITERATIONS: u64 = 20_000;

/// Which side of a kernel pair to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The generated `value_gradient_hessian`.
    Newton,
    /// The hand-written closed form.
    Hand,
    /// The baseline: everything but the evaluation.
    Baseline,
}

impl Side {
    /// The name used on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Side::Newton => "newton",
            Side::Hand => "hand",
            Side::Baseline => "baseline",
        }
    }

    /// Parses a name of [`Side::name`].
    #[must_use]
    pub fn from_name(name: &str) -> Option<Side> {
        [Side::Newton, Side::Hand, Side::Baseline]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// Evaluates one side of `kernel` `iterations` times at the benchmark point.
pub fn run(kernel: &Kernel, side: Side, iterations: u64) {
    let point = crate::benchmark_point(32);
    let f = match side {
        Side::Newton => kernel.newton,
        Side::Hand => kernel.hand,
        Side::Baseline => kernels::baseline,
    };
    for _ in 0..iterations {
        f(&point);
    }
}

/// Counts the instructions of every kernel with callgrind, running `exe` (this binary).
/// Returns `None` when valgrind is not installed or a run fails, so the report can say so.
#[must_use]
pub fn count_all(exe: &Path) -> Option<Vec<InstructionRow>> {
    let baseline = total(exe, &kernels::KERNELS[0], Side::Baseline)?;
    kernels::KERNELS
        .iter()
        .map(|k| count_with(exe, k, baseline))
        .collect()
}

/// Counts the instructions of one kernel, both sides, with callgrind; `None` as for
/// [`count_all`].
#[must_use]
pub fn count(exe: &Path, kernel: &Kernel) -> Option<InstructionRow> {
    let baseline = total(exe, kernel, Side::Baseline)?;
    count_with(exe, kernel, baseline)
}

/// Counts both sides of `kernel` and subtracts the `baseline` run's count.
fn count_with(exe: &Path, kernel: &Kernel, baseline: u64) -> Option<InstructionRow> {
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2⁵³")]
    let per_call = |t: u64| t.saturating_sub(baseline) as f64 / ITERATIONS as f64;
    Some(InstructionRow {
        group: kernel.group,
        size: kernel.size,
        newton: per_call(total(exe, kernel, Side::Newton)?),
        hand: per_call(total(exe, kernel, Side::Hand)?),
    })
}

/// Runs one side of one kernel under callgrind and returns the total instruction count.
fn total(exe: &Path, kernel: &Kernel, side: Side) -> Option<u64> {
    let mut command = Command::new("valgrind");
    command
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(exe)
        .args(["icount", kernel.group, side.name(), &ITERATIONS.to_string()]);
    if let Some(n) = kernel.size {
        command.args(["--size", &n.to_string()]);
    }
    let output = command.output().ok()?;
    if !output.status.success() {
        return None;
    }
    parse_collected(&String::from_utf8_lossy(&output.stderr))
}

/// Reads callgrind's `==pid== Collected : N` line.
pub(crate) fn parse_collected(stderr: &str) -> Option<u64> {
    stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_callgrinds_summary() {
        let stderr = "==14748== Events    : Ir\n==14748== Collected : 14438382\n==14748==\n";
        assert_eq!(parse_collected(stderr), Some(14_438_382));
        assert_eq!(parse_collected("no summary"), None);
    }

    #[test]
    fn every_group_case_has_a_kernel() {
        for group in &crate::bench_report::GROUPS {
            for size in group.cases() {
                assert!(
                    kernels::find(group.name, size).is_some(),
                    "{} {size:?}",
                    group.name
                );
            }
        }
    }

    #[test]
    fn sides_round_trip_their_names() {
        for side in [Side::Newton, Side::Hand, Side::Baseline] {
            assert_eq!(Side::from_name(side.name()), Some(side));
        }
        assert_eq!(Side::from_name("other"), None);
    }
}
