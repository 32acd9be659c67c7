//! Experiment 2 (§2): which stationary point of the circle pure Newton reaches from each of 360
//! starts, against the predicted split at `|θ₀ − θ_y| = π/2`.

use core::f64::consts::{FRAC_PI_2, PI, TAU};
use std::fmt::Write as _;

use nalgebra::Vector1;
use newton::{classify, Minimizer as _, Newton, Stationary, Tolerance};
use serde_json::json;

use super::{of, Context, Section, Verdict};
use crate::circle::{circle, TARGET_ANGLE};
use crate::plot::{Figure, Series};
use crate::Error;

/// The sweep's size (`PROBLEMS.md` §2).
const POINTS: u32 = 360;

/// Wraps an angle difference to `(−π, π]`.
fn wrap(d: f64) -> f64 {
    let w = (d + PI).rem_euclid(TAU) - PI;
    if w <= -PI {
        w + TAU
    } else {
        w
    }
}

/// One start of the sweep.
struct Start {
    /// `θ₀ − θ_y`, wrapped.
    offset: f64,
    /// The limit's offset from `θ_y`, wrapped.
    limit: f64,
    /// Its type, or `None` when the run did not converge.
    kind: Option<Stationary>,
    /// Whether the first Newton step goes uphill (`L′ · step > 0`).
    uphill: bool,
}

/// Runs the sweep.
#[expect(
    clippy::too_many_lines,
    reason = "one experiment read top to bottom: run, tabulate, plot, judge"
)]
pub(super) fn run(context: &Context) -> Result<Section, Error> {
    let mut section = Section::new(
        "circle",
        "2. Unit circle: basins of pure Newton",
        "On the circle fitted to a target off it, Newton's step −L′/L″ points uphill wherever \
         the curvature is negative, i.e. farther than a quarter turn from the target, so from \
         those starts pure Newton should converge to the maximum instead of the minimum.",
    );
    let bar = context.bar(POINTS as usize, "circle sweep");
    let solver = Newton::default();
    let mut sweep = Vec::new();
    for k in 0..POINTS {
        let theta0 = TAU * f64::from(k) / f64::from(POINTS);
        let report = solver.minimize(&circle::Objective, &Vector1::new(theta0))?;
        let (_, g, h) = circle::value_gradient_hessian(theta0);
        let (_, g_end, h_end) = circle::value_gradient_hessian(report.x[0]);
        let kind = if report.converged() {
            Some(classify(&g_end, &h_end, Tolerance::Scaled)?.stationary)
        } else {
            None
        };
        sweep.push(Start {
            offset: wrap(theta0 - TARGET_ANGLE),
            limit: wrap(report.x[0] - TARGET_ANGLE),
            kind,
            uphill: g[0] * (-g[0] / h[(0, 0)]) > 0.0,
        });
        bar.inc(1);
    }
    bar.finish_and_clear();

    let far = |s: &Start| s.offset.abs() > FRAC_PI_2;
    let count = |f: &dyn Fn(&Start) -> bool| sweep.iter().filter(|s| f(s)).count();
    let minima = count(&|s| s.kind == Some(Stationary::Minimum));
    let maxima = count(&|s| s.kind == Some(Stationary::Maximum));
    let unconverged = count(&|s| s.kind.is_none());
    let near_to_max = count(&|s| !far(s) && s.kind == Some(Stationary::Maximum));
    let far_to_min = count(&|s| far(s) && s.kind == Some(Stationary::Minimum));
    let direction_exact = count(&|s| s.uphill != far(s)) == 0;
    let band = sweep
        .iter()
        .filter(|s| {
            (far(s) && s.kind != Some(Stationary::Maximum))
                || (!far(s) && s.kind != Some(Stationary::Minimum))
        })
        .map(|s| s.offset.abs())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), d| {
            (lo.min(d), hi.max(d))
        });
    let wrong = near_to_max + far_to_min;
    let n = POINTS as usize;

    let md = &mut section.body;
    let _ = writeln!(
        md,
        "Pure Newton (`newton::Newton`, `‖∇L‖∞ < 1e-10`) from `θ₀ = 2πk/360`, k = 0…359; the \
         limit classified from `L″`.\n"
    );
    let _ = writeln!(md, "| measured | value |\n|---|---|");
    let _ = writeln!(md, "| converged to the minimum θ_y | {} |", of(minima, n));
    let _ = writeln!(
        md,
        "| converged to the maximum θ_y + π | {} |",
        of(maxima, n)
    );
    let _ = writeln!(md, "| not converged | {unconverged} |");
    let _ = writeln!(
        md,
        "| first step uphill exactly when \\|θ₀ − θ_y\\| > π/2 | {} |",
        if direction_exact {
            "yes, all 360"
        } else {
            "no"
        }
    );
    let _ = writeln!(
        md,
        "| \\|θ₀ − θ_y\\| < π/2 but limit is the maximum | {near_to_max} |"
    );
    let _ = writeln!(
        md,
        "| \\|θ₀ − θ_y\\| > π/2 but limit is the minimum | {far_to_min} |"
    );
    if wrong > 0 {
        let _ = writeln!(
            md,
            "| band of \\|θ₀ − θ_y\\| where the limit departs from the split | [{:.2}, {:.2}] |",
            band.0, band.1
        );
    }
    let _ = writeln!(
        md,
        "\nThe step *direction* splits exactly at a quarter turn. The *limit* does not: near \
         |θ₀ − θ_y| = π/2 the curvature L″ is small, the full step overshoots by more than half \
         a turn, and the iteration lands in the other basin, in both directions alike.\n"
    );

    let mut figure = Figure::new(
        "Circle: Newton's limit vs start (offsets from θ_y)",
        "θ₀ − θ_y (rad)",
        "limit − θ_y (rad)",
    )
    .ranges(Some((-PI, PI)), Some((-3.6, 3.6)));
    for (label, kind, c) in [
        ("minimum", Stationary::Minimum, 0),
        ("maximum", Stationary::Maximum, 3),
    ] {
        figure.push(
            Series::points(
                label,
                sweep
                    .iter()
                    .filter(|s| s.kind == Some(kind))
                    .map(|s| (s.offset, s.limit)),
            )
            .color(c)
            .radius(3),
        );
    }
    for edge in [-FRAC_PI_2, FRAC_PI_2] {
        figure.push(Series::line("", [(edge, -3.6), (edge, 3.6)]).color(7));
    }
    section.figure(
        "circle_basins",
        "Each start's limit, coloured by type; grey lines mark the predicted split |θ₀ − θ_y| = π/2.",
        &figure,
    )?;

    section.results = json!({
        "starts": n, "minimum": minima, "maximum": maxima, "not_converged": unconverged,
        "direction_split_exact": direction_exact,
        "near_start_to_maximum": near_to_max, "far_start_to_minimum": far_to_min,
        "departure_band": if wrong > 0 { json!([band.0, band.1]) } else { json!(null) },
    });
    if direction_exact && wrong == 0 {
        section.verdict(Verdict::Reproduced, "every start farther than π/2 from θ_y converged to the maximum, every nearer one to the minimum");
    } else if direction_exact {
        section.verdict(
            Verdict::Partly,
            format!(
                "the step direction splits exactly at π/2 and {maxima} of {n} starts end at the maximum, \
                 but {wrong} starts (|θ₀ − θ_y| in [{:.2}, {:.2}]) overshoot into the other basin",
                band.0, band.1
            ),
        );
    } else {
        section.verdict(
            Verdict::NotReproduced,
            "the first step's direction does not split at π/2",
        );
    }
    section.rule("reproduced when the first step's direction splits exactly at |θ₀ − θ_y| = π/2 and no start overshoots into the other basin; partly when the direction splits exactly but some starts overshoot; otherwise not reproduced");
    Ok(section)
}
