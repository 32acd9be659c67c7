//! Paired timing of the fused-versus-hand-written comparison, for `bench-report`.
//!
//! Criterion times each contender in its own stretch of the run, so when the load of a shared
//! machine changes between two stretches, their ratio moves with it: successive runs put the
//! circle's `vgh / hand` anywhere between 0.93× and 1.57× while its instruction counts differ by
//! 8%. Here the two sides of a benchmark kernel ([`crate::kernels`]) run in short alternating
//! batches, the order swapped every round, and the ratio is taken within each round: load that
//! changes more slowly than a round (a few tens of microseconds) cancels.
//!
//! Both sides pay the kernel's indirect call and the reading of the point (about a nanosecond),
//! which pulls the ratio of the fastest functions (the slides' quadratics, 1–2 ns) towards 1.
//! Subtracting a baseline kernel's time would undo that, but for those functions it leaves the
//! difference of two nearly equal times, which noise turns negative (tried: `slides_bowl` read
//! −0.07×); the instruction counts, which subtract their baseline exactly, are the check there.

use std::fmt::{self, Write as _};
use std::hint::black_box;
use std::time::Instant;

use crate::bench_report::format_ratio;
use crate::kernels::{self, Kernel};

/// Rounds per kernel. The median is taken over the rounds with a finite ratio (a batch timed
/// as zero gives none), one round's ratio, not an average of two.
pub const ROUNDS: usize = 401;

/// Wall-clock length a batch of the newton side aims for, in seconds.
const BATCH_SECONDS: f64 = 20e-6;

/// The paired ratio of one benchmark case.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairedRow {
    /// The criterion group.
    pub group: &'static str,
    /// The size, for groups with several.
    pub size: Option<usize>,
    /// Median over the rounds of the newton batch's time over the hand-written batch's.
    pub ratio: f64,
    /// Calls per batch.
    pub batch: usize,
}

impl PairedRow {
    /// The row label of the report.
    #[must_use]
    pub fn label(&self) -> String {
        crate::bench_report::case_label(self.group, self.size)
    }
}

/// Measures every kernel; takes a few seconds in all.
#[must_use]
pub fn measure_all() -> Vec<PairedRow> {
    kernels::KERNELS.iter().map(measure).collect()
}

/// Measures one kernel at the benchmark point.
#[must_use]
pub fn measure(kernel: &Kernel) -> PairedRow {
    let point = crate::benchmark_point(32);
    // Warm both sides (caches, lazily bound symbols) before the batch size is chosen.
    time(kernel.newton, &point, 1000);
    time(kernel.hand, &point, 1000);
    let batch = calibrate(kernel.newton, &point);
    let mut ratios = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let (newton, hand) = if round % 2 == 0 {
            let newton = time(kernel.newton, &point, batch);
            (newton, time(kernel.hand, &point, batch))
        } else {
            let hand = time(kernel.hand, &point, batch);
            (time(kernel.newton, &point, batch), hand)
        };
        ratios.push(newton / hand);
    }
    PairedRow {
        group: kernel.group,
        size: kernel.size,
        ratio: median(ratios),
        batch,
    }
}

/// Appends the paired-timing section of `BENCHMARKS.md`.
pub(crate) fn render(md: &mut String, rows: Option<&[PairedRow]>) -> fmt::Result {
    writeln!(md, "\n## Paired timing\n")?;
    let Some(rows) = rows else {
        return writeln!(md, "Not measured: `--no-paired` was given.");
    };
    writeln!(
        md,
        "newton's fused evaluation and the hand-written closed form, the kernels of the \
         instruction counts, timed in alternating batches of the same number of calls, about \
         {:.0} µs of newton's side (order swapped every \
         round) by `bench-report` itself; each round gives the ratio of the two batches' times \
         and the table shows the median of {ROUNDS} rounds. Load that changes more slowly than \
         a round cancels, which criterion's separate stretches per contender cannot offer. Both \
         sides include the kernel's indirect call (about a nanosecond), which pulls the ratios \
         of the 1–2 ns functions towards 1: for those, the instruction counts are the check.\n",
        BATCH_SECONDS * 1e6
    )?;
    writeln!(md, "| problem | calls per batch | newton / hand |")?;
    writeln!(md, "|---|---|---|")?;
    for r in rows {
        writeln!(
            md,
            "| `{}` | {} | {} |",
            r.label(),
            r.batch,
            format_ratio(Some(r.ratio))
        )?;
    }
    Ok(())
}

/// The median of the finite `values` (`NaN` if none is).
fn median(mut values: Vec<f64>) -> f64 {
    values.retain(|v| v.is_finite());
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Calls per batch so that one batch of `f` takes about [`BATCH_SECONDS`].
fn calibrate(f: fn(&[f64]), point: &[f64]) -> usize {
    let mut batch = 1;
    while batch < 1 << 20 && time(f, point, batch) < BATCH_SECONDS {
        batch *= 2;
    }
    batch
}

/// Seconds taken by `batch` calls of `f`.
fn time(f: fn(&[f64]), point: &[f64], batch: usize) -> f64 {
    let start = Instant::now();
    for _ in 0..batch {
        f(black_box(point));
    }
    start.elapsed().as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn the_median_skips_non_finite_rounds() {
        assert!((median(vec![3.0, f64::NAN, 1.0, 2.0, f64::INFINITY]) - 2.0).abs() < 1e-15);
        assert!(median(vec![f64::NAN]).is_nan());
    }
}
