//! The longer-limit check of a study's "not converged" runs. A run that stops at the step limit
//! near an indefinite point may be closing in on a saddle too slowly for the limit (nearly
//! zero eigenvalues make Newton's contraction slow) or not settling at all; the sweep table
//! cannot tell which. This check continues a few such runs with the same method to a longer
//! limit (relaxed Newton has no memory, so this is the run a longer limit would have made),
//! then locates the nearest stationary point by pure Newton from the last iterate and measures
//! whether the run got closer to it.

use std::fmt::Write as _;

use newton::nalgebra::DVector;
use newton::network::{Jet, Residual};
use rayon::prelude::*;
use serde::Serialize;

use super::networks::{Method, Outcome, Problem, Run};
use super::study::Study;
use super::{Context, Settings};
use crate::Error;

/// Pure Newton's step limit when it looks for a stationary point near an iterate.
const PROBE_ITERATIONS: usize = 50;

/// How much closer the longer run must end to the stationary point Newton finds, as a share of
/// its distance at the original limit, to count as approaching it.
const APPROACH: f64 = 0.5;

/// What the longer run says of a run the step limit cut short.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Reading {
    /// It converged before the longer limit.
    ConvergedLater,
    /// It diverged before the longer limit.
    DivergedLater,
    /// Still unconverged, but at most half as far from a saddle as at the original limit.
    SlowApproachToSaddle,
    /// Still unconverged, at most half as far from a point of index 0 (minimum or degenerate).
    SlowApproachToIndexZero,
    /// Not closing in by either test, but with `‖∇L‖∞` within 100 times the tolerance: stalled
    /// next to a (degenerate) stationary point that neither it nor Newton reaches.
    Stalled,
    /// None of these: Newton found no stationary point nearby, or the run did not close in on
    /// it, and the gradient is not small.
    Wandering,
}

impl Reading {
    /// The words of the table.
    fn words(self) -> &'static str {
        match self {
            Self::ConvergedLater => "converged by the longer limit",
            Self::DivergedLater => "diverged by the longer limit",
            Self::Stalled => "stalled near a stationary point",
            Self::SlowApproachToSaddle => "slow approach to a saddle",
            Self::SlowApproachToIndexZero => "slow approach to an index-0 point",
            Self::Wandering => "wandering (no convergence)",
        }
    }
}

/// The stationary point pure Newton reaches from the longer run's last iterate.
#[derive(Clone, Debug, Serialize)]
pub(super) struct Nearest {
    /// Its classification by §6.
    pub outcome: Outcome,
    /// Its Hessian index.
    pub index: Option<usize>,
    /// `L / L_trivial` there.
    pub loss_ratio: f64,
    /// `‖θ − θ*‖` from the iterate at the original limit.
    pub distance_at_limit: f64,
    /// `‖θ − θ*‖` from the iterate at the longer limit.
    pub distance_at_long: f64,
}

/// One checked run.
#[derive(Clone, Debug, Serialize)]
pub(super) struct Check {
    /// The sweep cell `(α, λ)`.
    pub alpha: f64,
    /// See `alpha`.
    pub lambda: f64,
    /// The start's index.
    pub start: usize,
    /// The run at the original limit.
    pub at_limit: Run,
    /// The same run continued to the longer limit (steps counted from the start).
    pub at_long: Run,
    /// Pure Newton's stationary point from the longer run's end, when it converged.
    pub nearest: Option<Nearest>,
    /// The reading, by [`RULE`].
    pub reading: Reading,
}

/// How far `‖∇L‖∞` must fall between the two limits to count as closing in on a stationary
/// point that pure Newton failed to locate (near a degenerate point its step can leave).
const GRADIENT_FALL: f64 = 1e-2;

/// The reading rule, as the report prints it.
pub(super) const RULE: &str = "a run still unconverged at the longer limit is a slow approach \
    when it closes in on a stationary point: pure Newton from its last iterate converges \
    (‖∇L‖∞ below the tolerance within 50 steps) to a point θ* and the run's distance to θ* at \
    the longer limit is at most half its distance at the original limit, or, where Newton \
    finds no such point, ‖∇L‖∞ fell at least 100-fold between the two limits; the approach is \
    to a saddle when θ* (without θ*, the last iterate) has a negative Hessian eigenvalue, to an \
    index-0 point otherwise; an unconverged run that is not closing in but ends with \
    ‖∇L‖∞ within 100 times the tolerance is stalled near a stationary point; every other \
    unconverged run is wandering";

/// How close to the tolerance `‖∇L‖∞` must end for a run that is not closing in to count as
/// stalled rather than wandering.
const STALLED: f64 = 100.0;

/// Reads one continued run by [`RULE`], `tolerance` being the sweep's on `‖∇L‖∞`.
fn read(at_limit: &Run, at_long: &Run, nearest: Option<&Nearest>, tolerance: f64) -> Reading {
    match at_long.outcome {
        Outcome::NotConverged => {}
        Outcome::Diverged => return Reading::DivergedLater,
        _ => return Reading::ConvergedLater,
    }
    let (closer, index) = match nearest {
        Some(n) => (
            n.distance_at_long <= APPROACH * n.distance_at_limit,
            n.index,
        ),
        None => (
            at_long.gradient_norm <= GRADIENT_FALL * at_limit.gradient_norm,
            at_long.index,
        ),
    };
    match (closer, index) {
        (false, _) if at_long.gradient_norm <= STALLED * tolerance => Reading::Stalled,
        (false, _) => Reading::Wandering,
        (true, Some(i)) if i > 0 => Reading::SlowApproachToSaddle,
        (true, _) => Reading::SlowApproachToIndexZero,
    }
}

/// The runs to check: the first `long_runs` "not converged" runs, the figure cell's first, then
/// the other cells' in sweep order.
fn chosen(study: &Study, count: usize) -> Vec<((f64, f64), &Run)> {
    let figure = study.cells.iter().filter(|(c, _)| *c == study.figure_cell);
    let rest = study.cells.iter().filter(|(c, _)| *c != study.figure_cell);
    figure
        .chain(rest)
        .flat_map(|(c, runs)| runs.iter().map(move |r| (*c, r)))
        .filter(|(_, r)| r.outcome == Outcome::NotConverged)
        .take(count)
        .collect()
}

/// Continues the chosen runs of `study` to the longer limit and reads each; none when the
/// longer limit is not longer than the sweep's (a user's `--long-iterations` at or below
/// `--max-iterations`), since there is then nothing to continue.
pub(super) fn check<J: Jet, R: Residual<J> + Copy>(
    problem: &Problem<R>,
    study: &Study,
    context: &Context,
) -> Result<Vec<Check>, Error> {
    let s = &context.settings;
    if s.long_iterations <= s.max_iterations {
        return Ok(Vec::new());
    }
    let extra = s.long_iterations - s.max_iterations;
    let longer = Settings {
        max_iterations: extra,
        ..s.clone()
    };
    let probe = Settings {
        max_iterations: PROBE_ITERATIONS,
        ..s.clone()
    };
    let chosen = chosen(study, s.long_runs);
    let bar = context.bar(chosen.len(), "longer-limit check");
    // Each check is one long sequential run: in parallel, as the sweeps run their starts.
    let checks = chosen
        .par_iter()
        .map(|&((alpha, lambda), run)| {
            let method = Method::Relaxed { alpha, lambda };
            let mut at_long = problem.solve_one::<J>(method, &run.x, &longer, run.start)?;
            at_long.iterations += run.iterations;
            let end = problem.solve_one::<J>(Method::Newton, &at_long.x, &probe, run.start)?;
            let found = !matches!(end.outcome, Outcome::NotConverged | Outcome::Diverged);
            let nearest = found.then(|| Nearest {
                outcome: end.outcome,
                index: end.index,
                loss_ratio: end.loss_ratio,
                distance_at_limit: distance(&run.x, &end.x),
                distance_at_long: distance(&at_long.x, &end.x),
            });
            let reading = read(run, &at_long, nearest.as_ref(), s.tolerance);
            bar.inc(1);
            Ok(Check {
                alpha,
                lambda,
                start: run.start,
                at_limit: run.clone(),
                at_long,
                nearest,
                reading,
            })
        })
        .collect::<Result<Vec<_>, Error>>();
    bar.finish_and_clear();
    checks
}

/// `‖a − b‖`.
fn distance(a: &DVector<f64>, b: &DVector<f64>) -> f64 {
    (a - b).norm()
}

/// Writes the check's table (nothing when no run was checked).
pub(super) fn table(md: &mut String, checks: &[Check], settings: &Settings) {
    if checks.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "Longer-limit check: the first {} relaxed-Newton runs that ended \"not converged\" at {} \
         steps (the figure cell first), continued with the same α and λ to {} steps; then pure \
         Newton (≤ {PROBE_ITERATIONS} steps) from the last iterate to locate the nearest \
         stationary point θ*. Rule: {RULE}.\n",
        checks.len(),
        settings.max_iterations,
        settings.long_iterations
    );
    let _ = writeln!(md, "| α | λ | start | ‖∇L‖∞ at {} | ‖∇L‖∞ at {} | end at {} | θ* (index, L/L_trivial) | ‖θ − θ*‖ at {} | ‖θ − θ*‖ at {} | reading |\n|---|---|---|---|---|---|---|---|---|---|",
        settings.max_iterations, settings.long_iterations, settings.long_iterations, settings.max_iterations, settings.long_iterations);
    for c in checks {
        let (star, d0, d1) = c.nearest.as_ref().map_or(
            ("none found".to_owned(), "–".to_owned(), "–".to_owned()),
            |n| {
                (
                    format!(
                        "{} ({}, {:.4})",
                        n.outcome.name(),
                        n.index.map_or("–".to_owned(), |i| i.to_string()),
                        n.loss_ratio
                    ),
                    format!("{:.2e}", n.distance_at_limit),
                    format!("{:.2e}", n.distance_at_long),
                )
            },
        );
        let _ = writeln!(
            md,
            "| {} | {:e} | {} | {:.1e} | {:.1e} | {} | {star} | {d0} | {d1} | {} |",
            c.alpha,
            c.lambda,
            c.start,
            c.at_limit.gradient_norm,
            c.at_long.gradient_norm,
            c.at_long.outcome.name(),
            c.reading.words()
        );
    }
    let _ = writeln!(md);
}

#[cfg(test)]
mod tests {
    use super::{read, Nearest, Outcome, Reading};

    fn nearest(index: usize, d0: f64, d1: f64) -> Nearest {
        Nearest {
            outcome: Outcome::OtherSaddle,
            index: Some(index),
            loss_ratio: 0.5,
            distance_at_limit: d0,
            distance_at_long: d1,
        }
    }

    /// Each branch of the rule, and its threshold at exactly half the distance.
    #[test]
    fn readings_follow_the_rule() {
        let run = |outcome, gradient_norm| super::Run {
            start: 0,
            outcome,
            termination: String::new(),
            iterations: 300,
            loss: 1.0,
            loss_ratio: 1.0,
            gradient_norm,
            c_norm: 1.0,
            max_cos: 0.5,
            index: Some(1),
            zero: Some(0),
            lambda_min: None,
            lambda_max: None,
            eigenvalues: Vec::new(),
            x: newton::nalgebra::DVector::zeros(1),
            losses: Vec::new(),
        };
        let open = run(Outcome::NotConverged, 1e-3);
        let read = |end: &super::Run, n: Option<&Nearest>| {
            read(&run(Outcome::NotConverged, 1.0), end, n, 1e-9)
        };
        assert_eq!(
            read(&run(Outcome::OtherSaddle, 1e-10), None),
            Reading::ConvergedLater
        );
        assert_eq!(
            read(&run(Outcome::NotConverged, 0.5), None),
            Reading::Wandering
        );
        // Newton found nothing, but the gradient fell 1000-fold at an index-1 iterate.
        assert_eq!(read(&open, None), Reading::SlowApproachToSaddle);
        assert_eq!(
            read(&open, Some(&nearest(3, 1.0, 0.5))),
            Reading::SlowApproachToSaddle
        );
        assert_eq!(
            read(&open, Some(&nearest(0, 1.0, 0.1))),
            Reading::SlowApproachToIndexZero
        );
        assert_eq!(
            read(&run(Outcome::Diverged, 1e9), None),
            Reading::DivergedLater
        );
        // Not closing in (a 10-fold fall), but within 100 × the tolerance: stalled.
        let before = run(Outcome::NotConverged, 1e-6);
        let creep = |g| super::read(&before, &run(Outcome::NotConverged, g), None, 1e-9);
        assert_eq!(creep(1e-7), Reading::Stalled);
        assert_eq!(creep(1.1e-7), Reading::Wandering);
        // A found θ* decides, whatever the gradient did.
        assert_eq!(
            read(&open, Some(&nearest(3, 1.0, 0.51))),
            Reading::Wandering
        );
    }
}
