//! Experiment 10 (§5): how often a random symmetric matrix `H = (A + Aᵀ)/2`, `Aᵢⱼ ~ N(0, 1)`,
//! is positive definite, against `2⁻ⁿ`.

use std::fmt::Write as _;

use nalgebra::DMatrix;
use newton::linalg::cholesky_in_place;
use rand::{Rng as _, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rayon::prelude::*;
use serde_json::json;

use super::{Context, Section, Verdict};
use crate::plot::{Figure, Series};
use crate::Error;

/// Draws per parallel task; each task has its own generator seeded from `(seed, n, task)`, so
/// the counts do not depend on the number of threads.
const CHUNK: usize = 10_000;

/// Counts positive- and negative-definite draws among `draws` `n × n` matrices of task `task`.
fn count(seed: u64, n: usize, task: usize, draws: usize) -> (usize, usize) {
    let mix = seed ^ ((n as u64) << 40) ^ (task as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut rng = ChaCha8Rng::seed_from_u64(mix);
    let mut a = DMatrix::<f64>::zeros(n, n);
    let mut h = DMatrix::<f64>::zeros(n, n);
    let mut work = DMatrix::<f64>::zeros(n, n);
    let (mut positive, mut negative) = (0, 0);
    for _ in 0..draws {
        for v in a.iter_mut() {
            *v = rng.sample(StandardNormal);
        }
        // Only the lower triangle is read by the factorisation.
        for j in 0..n {
            for i in j..n {
                h[(i, j)] = 0.5 * (a[(i, j)] + a[(j, i)]);
            }
        }
        work.copy_from(&h);
        if cholesky_in_place(&mut work) {
            positive += 1;
        } else {
            work.copy_from(&h);
            work.neg_mut();
            if cholesky_in_place(&mut work) {
                negative += 1;
            }
        }
    }
    (positive, negative)
}

/// Runs the draws for `n = 1 … max_dimension`.
#[expect(
    clippy::too_many_lines,
    reason = "one experiment read top to bottom: run, tabulate, plot, judge"
)]
pub(super) fn run(context: &Context) -> Result<Section, Error> {
    let s = &context.settings;
    let mut section = Section::new(
        "random-hessians",
        "10. Random symmetric Hessians: how rare is a minimum?",
        "If the Hessian at a stationary point is a random symmetric matrix, the chance that all \
         of its eigenvalues are positive falls off with the dimension, faster than the 2⁻ⁿ of \
         independent signs, so in high dimension nearly every stationary point is a saddle.",
    );
    let tasks: Vec<(usize, usize, usize)> = (1..=s.max_dimension)
        .flat_map(|n| {
            (0..s.draws.div_ceil(CHUNK)).map(move |t| (n, t, CHUNK.min(s.draws - t * CHUNK)))
        })
        .collect();
    let bar = context.bar(tasks.len(), "random Hessians");
    let counts: Vec<(usize, usize, usize)> = tasks
        .par_iter()
        .map(|&(n, t, d)| {
            let (p, q) = count(s.seed, n, t, d);
            bar.inc(1);
            (n, p, q)
        })
        .collect();
    bar.finish_and_clear();
    let mut rows = Vec::new();
    for n in 1..=s.max_dimension {
        let (p, q) = counts
            .iter()
            .filter(|c| c.0 == n)
            .fold((0, 0), |(p, q), c| (p + c.1, q + c.2));
        rows.push((n, p, q));
    }
    #[expect(clippy::cast_precision_loss, reason = "counts are far below 2⁵²")]
    let frac = |k: usize| k as f64 / s.draws as f64;
    let md = &mut section.body;
    let _ = writeln!(
        md,
        "{} draws per n (seed {}); positive definite ⇔ Cholesky succeeds \
         (`newton::linalg::cholesky_in_place`), negative definite likewise for −H.\n",
        s.draws, s.seed
    );
    let _ = writeln!(md, "| n | positive definite | fraction | 2⁻ⁿ | fraction / 2⁻ⁿ | negative definite | saddle (indefinite) |\n|---|---|---|---|---|---|---|");
    let mut json_rows = Vec::new();
    for &(n, p, q) in &rows {
        let independent = 0.5_f64.powi(i32::try_from(n).unwrap_or(i32::MAX));
        let _ = writeln!(
            md,
            "| {n} | {p} | {:.2e} | {independent:.2e} | {:.3} | {q} | {:.4} |",
            frac(p),
            frac(p) / independent,
            1.0 - frac(p) - frac(q)
        );
        json_rows.push(
            json!({ "n": n, "positive_definite": p, "negative_definite": q,
            "fraction": frac(p), "two_to_minus_n": independent }),
        );
    }
    let mut figure = Figure::new(
        "Random symmetric matrices: P(positive definite)",
        "n",
        "log₁₀ fraction",
    );
    #[expect(clippy::cast_precision_loss, reason = "n ≤ 64")]
    let nf = |n: usize| n as f64;
    figure.push(
        Series::line(
            "2⁻ⁿ",
            rows.iter().map(|r| (nf(r.0), -nf(r.0) * 2f64.log10())),
        )
        .color(7),
    );
    figure.push(
        Series::line(
            "measured",
            rows.iter()
                .filter(|r| r.1 > 0)
                .map(|r| (nf(r.0), frac(r.1).log10())),
        )
        .color(0),
    );
    figure.push(
        Series::points(
            "",
            rows.iter()
                .filter(|r| r.1 > 0)
                .map(|r| (nf(r.0), frac(r.1).log10())),
        )
        .color(0)
        .radius(4),
    );
    section.figure(
        "random_hessians_pd_fraction",
        "Fraction of positive-definite draws (log scale) against 2⁻ⁿ; dimensions with no positive-definite draw are omitted.",
        &figure,
    )?;
    section.results = json!({ "draws": s.draws, "rows": json_rows });
    let below: Vec<usize> = rows
        .iter()
        .filter(|r| r.0 >= 3 && frac(r.1) < 0.5_f64.powi(i32::try_from(r.0).unwrap_or(i32::MAX)))
        .map(|r| r.0)
        .collect();
    let decreasing = rows.windows(2).all(|w| w[1].1 <= w[0].1);
    let last = rows.last().map_or(0.0, |r| frac(r.1));
    let reason = format!(
        "the PD fraction falls from {:.3} at n = 1 to {last:.1e} at n = {}, below 2⁻ⁿ for {} of the {} dimensions n ≥ 3",
        frac(rows[0].1),
        s.max_dimension,
        below.len(),
        s.max_dimension.saturating_sub(2)
    );
    let verdict = if decreasing && below.len() == s.max_dimension.saturating_sub(2) {
        Verdict::Reproduced
    } else if last < frac(rows[0].1) {
        Verdict::Partly
    } else {
        Verdict::NotReproduced
    };
    section.verdict(verdict, reason);
    section.rule("reproduced when the positive-definite fraction never rises with n and lies below 2⁻ⁿ at every n ≥ 3; partly when it is at least lower at the largest n than at n = 1; otherwise not reproduced");
    Ok(section)
}
