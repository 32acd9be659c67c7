//! Experiment 1 (§1): the slides' Newton iterates, from newton's `Newton` solver, and the
//! Hessians, eigenvalues and types of the textbook problems, the circle's two stationary points
//! and the torus's eight, each checked against `PROBLEMS.md`.
//!
//! A row that disagrees is marked ✗ and listed in the section's failures, so `reproduce`
//! exits with an error when one does.

use std::fmt::{self, Write as _};

use nalgebra::{SMatrix, SVector, Vector1};
use newton::{classify, Minimizer as _, Newton, Stationary, Tolerance};
use serde_json::json;

use super::{Context, Section, Verdict};
use crate::rosenbrock::rosenbrock;
use crate::slides::{slides_bowl, slides_cap, slides_exp_log, slides_quartic, slides_saddle};
use crate::torus::torus;
use crate::{circle::circle, Error, StationaryPoint};

/// Runs the checks and renders them.
pub(super) fn run(_: &Context) -> Result<Section, Error> {
    let mut section = Section::new(
        "slides",
        "1. Textbook problems: Newton iterates and classification",
        "Newton's method converges quadratically to a nearby stationary point, and the signs of \
         the Hessian's eigenvalues there tell a minimum from a maximum or a saddle; the slides' \
         iterates and eigenvalues, and the closed-form stationary points of the circle and the \
         torus, are what exact derivatives must give.",
    );
    let mut failures = Vec::new();
    let mut md = String::new();
    let mut checks = 0;
    // Writing into a `String` cannot fail.
    render(&mut md, &mut failures, &mut checks).unwrap_or_default();
    section.body = md;
    section.results = json!({ "checks": checks, "failed": failures.len(), "failures": failures });
    if failures.is_empty() {
        section.verdict(
            Verdict::Reproduced,
            format!("all {checks} iterates, Hessians and types match PROBLEMS.md and the slides"),
        );
    } else {
        section.verdict(
            Verdict::NotReproduced,
            format!("{} of {checks} checks failed", failures.len()),
        );
    }
    section.failures = failures;
    section.rule("reproduced when every iterate, Hessian and classification matches its known value; otherwise not reproduced");
    convergence_figure(&mut section)?;
    Ok(section)
}

/// The error of each Newton iterate on the two slides' iterations, on a log scale: the
/// quadratic convergence the slides illustrate.
fn convergence_figure(section: &mut Section) -> Result<(), Error> {
    use crate::plot::{Figure, Series};
    use crate::slides::{SLIDES_EXP_LOG_START, SLIDES_EXP_LOG_STATIONARY, SLIDES_QUARTIC_START};
    let exp_log = Newton::default().with_trajectory(true).minimize(
        &slides_exp_log::Objective,
        &Vector1::new(SLIDES_EXP_LOG_START),
    )?;
    let quartic = Newton::default()
        .with_tolerance(f64::MIN_POSITIVE)?
        .with_max_iterations(8)
        .with_trajectory(true)
        .minimize(
            &slides_quartic::Objective,
            &SVector::from(SLIDES_QUARTIC_START),
        )?;
    #[expect(clippy::cast_precision_loss, reason = "a handful of iterations")]
    let k = |i: usize| i as f64;
    let mut figure = Figure::new(
        "Slides: Newton's error per iteration",
        "iteration k",
        "log₁₀ error",
    );
    let x_star = SLIDES_EXP_LOG_STATIONARY.point[0];
    figure.push(Series::line(
        "slides_exp_log: |xₖ − x*|",
        exp_log
            .trajectory
            .iter()
            .flatten()
            .enumerate()
            .filter(|(_, r)| (r.x[0] - x_star).abs() > 0.0)
            .map(|(i, r)| (k(i), (r.x[0] - x_star).abs().log10())),
    ));
    figure.push(Series::line(
        "slides_quartic: ‖xₖ‖",
        quartic
            .trajectory
            .iter()
            .flatten()
            .enumerate()
            .filter(|(_, r)| r.x.norm() > 0.0)
            .map(|(i, r)| (k(i), r.x.norm().log10())),
    ));
    section.figure(
        "slides_convergence",
        "Error of Newton's iterates on the slides' two examples (log scale): the number of correct digits doubles per step near the limit.",
        &figure,
    )
}

fn render(md: &mut String, failures: &mut Vec<String>, checks: &mut usize) -> fmt::Result {
    exp_log_iterates(md, failures, checks)?;
    quartic_iterates(md, failures, checks)?;
    slides_hessians(md, failures)?;
    circle_points(md, failures)?;
    torus_points(md, failures)?;
    // One check per row of the three point tables: 6 textbook problems, 2 circle, 8 torus.
    *checks += 6 + 2 + 8;
    Ok(())
}

fn exp_log_iterates(
    md: &mut String,
    failures: &mut Vec<String>,
    checks: &mut usize,
) -> fmt::Result {
    use crate::slides::{SLIDES_EXP_LOG_ITERATES, SLIDES_EXP_LOG_START};
    writeln!(md, "### `slides_exp_log`: Newton on g′ from x₀ = 0.05\n")?;
    writeln!(
        md,
        "`newton::Newton` on `g(x) = eˣ − ln x` (its step is `x ← x − g′(x)/g″(x)`).\n"
    )?;
    let report = Newton::default().with_trajectory(true).minimize(
        &slides_exp_log::Objective,
        &Vector1::new(SLIDES_EXP_LOG_START),
    );
    let trajectory = report.ok().and_then(|r| r.trajectory).unwrap_or_default();
    writeln!(md, "| k | xₖ | slides | |")?;
    writeln!(md, "|---|---|---|---|")?;
    for (k, &expected) in SLIDES_EXP_LOG_ITERATES.iter().enumerate() {
        *checks += 1;
        let x = trajectory.get(k + 1).map_or(f64::NAN, |r| r.x[0]);
        let ok = (round4(x) - expected).abs() < 1e-9;
        if !ok {
            failures.push(format!(
                "slides_exp_log iterate {}: {x:.6}, slides {expected}",
                k + 1
            ));
        }
        writeln!(md, "| {} | {x:.6} | {expected:.4} | {} |", k + 1, mark(ok))?;
    }
    writeln!(
        md,
        "\nNewton stopped after {} steps.\n",
        trajectory.len().saturating_sub(1)
    )
}

fn quartic_iterates(
    md: &mut String,
    failures: &mut Vec<String>,
    checks: &mut usize,
) -> fmt::Result {
    use crate::slides::{SLIDES_QUARTIC_ITERATES, SLIDES_QUARTIC_START};
    writeln!(md, "### `slides_quartic`: Newton from (4, 4)\n")?;
    writeln!(md, "`newton::Newton`, eight steps (`x ← x − H⁻¹∇f`).\n")?;
    let report = Newton::default()
        .with_tolerance(f64::MIN_POSITIVE)
        .map(|n| n.with_max_iterations(8).with_trajectory(true))
        .and_then(|n| {
            n.minimize(
                &slides_quartic::Objective,
                &SVector::from(SLIDES_QUARTIC_START),
            )
        });
    let trajectory = report.ok().and_then(|r| r.trajectory).unwrap_or_default();
    writeln!(md, "| k | x | y | ‖xₖ‖ | slides | |")?;
    writeln!(md, "|---|---|---|---|---|---|")?;
    for k in 1..=8 {
        let p = trajectory
            .get(k)
            .map_or(SVector::from([f64::NAN; 2]), |r| r.x);
        let (expected, ok) = match SLIDES_QUARTIC_ITERATES.get(k - 1) {
            Some(e) => (
                format!("({:.4}, {:.4})", e[0], e[1]),
                (round4(p[0]) - e[0]).abs() < 1e-9 && (round4(p[1]) - e[1]).abs() < 1e-9,
            ),
            None if k == 8 => ("‖x‖ < 1e-15".to_owned(), p.norm() < 1e-15),
            None => (String::new(), true),
        };
        if !expected.is_empty() {
            *checks += 1;
        }
        if !ok {
            failures.push(format!(
                "slides_quartic step {k}: ({:.6}, {:.6}), slides {expected}",
                p[0], p[1]
            ));
        }
        writeln!(
            md,
            "| {k} | {} | {} | {:.3e} | {expected} | {} |",
            format_coordinate(p[0]),
            format_coordinate(p[1]),
            p.norm(),
            if expected.is_empty() { "" } else { mark(ok) }
        )?;
    }
    writeln!(md)
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "✓"
    } else {
        "✗"
    }
}

/// Rounds to 4 decimals, the precision the slides print.
fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// Fixed-point while it reads well, scientific once an iterate is near zero.
fn format_coordinate(v: f64) -> String {
    if v.abs() >= 1e-3 {
        format!("{v:.6}")
    } else {
        format!("{v:.3e}")
    }
}

fn format_matrix<const D: usize>(h: &SMatrix<f64, D, D>) -> String {
    let rows: Vec<String> = h
        .row_iter()
        .map(|row| {
            let entries: Vec<String> = row.iter().map(|v| format!("{}", clean(*v))).collect();
            format!("[{}]", entries.join(", "))
        })
        .collect();
    format!("[{}]", rows.join(", "))
}

/// Rounds away the last bits of floating-point noise for display.
fn clean(v: f64) -> f64 {
    let r = (v * 1e10).round() / 1e10;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Lists eigenvalues largest first, as the slides print them.
fn format_eigenvalues(eigenvalues: &[f64]) -> String {
    let parts: Vec<String> = eigenvalues
        .iter()
        .rev()
        .map(|l| format!("{l:.4}"))
        .collect();
    parts.join(", ")
}

/// Checks one stationary point: value, gradient ≈ 0, Hessian and type as the table says.
/// Returns the table row.
fn check_point<const D: usize>(
    name: &str,
    known: &StationaryPoint<D>,
    computed: (f64, SVector<f64, D>, SMatrix<f64, D, D>),
    failures: &mut Vec<String>,
) -> String {
    let (f, g, h) = computed;
    let classification = classify(&g, &h, Tolerance::Scaled);
    let kind = classification
        .as_ref()
        .map(|c| c.stationary)
        .map_err(Clone::clone);
    let eigenvalues: Vec<f64> = classification
        .as_ref()
        .map(|c| c.eigenvalues.iter().copied().collect())
        .unwrap_or_default();
    let scale = 1.0 + known.value.abs();
    let value_ok = (f - known.value).abs() <= 1e-10 * scale;
    let gradient_ok = g.amax() <= 1e-10 * scale;
    let hessian_ok = (h - known.hessian_matrix()).amax() <= 1e-9 * (1.0 + h.amax());
    let kind_ok = kind.as_ref() == Ok(&known.kind);
    let ok = value_ok && gradient_ok && hessian_ok && kind_ok;
    let point: Vec<String> = known.point.iter().map(|v| format!("{v:.6}")).collect();
    if !ok {
        failures.push(format!(
            "{name} at ({}): f = {f}, ‖∇f‖∞ = {:.2e}, H = {}, type {} (expected f = {}, H = {}, {})",
            point.join(", "),
            g.amax(),
            format_matrix(&h),
            describe(&kind),
            known.value,
            format_matrix(&known.hessian_matrix()),
            known.kind
        ));
    }
    format!(
        "| `{name}` | ({}) | {} | {:.1e} | {} | {} | {} | {} |",
        point.join(", "),
        clean(f),
        g.amax(),
        format_matrix(&h),
        format_eigenvalues(&eigenvalues),
        describe(&kind),
        mark(ok)
    )
}

/// A classification, or why there is none.
fn describe(kind: &Result<Stationary, newton::Error>) -> String {
    match kind {
        Ok(k) => k.to_string(),
        Err(e) => e.to_string(),
    }
}

const POINT_TABLE_HEADER: &str =
    "| problem | point | f | ‖∇f‖∞ | H | eigenvalues | type | |\n|---|---|---|---|---|---|---|---|";

fn slides_hessians(md: &mut String, failures: &mut Vec<String>) -> fmt::Result {
    use crate::rosenbrock::ROSENBROCK_STATIONARY;
    use crate::slides::{
        SLIDES_BOWL_STATIONARY, SLIDES_CAP_STATIONARY, SLIDES_EXP_LOG_STATIONARY,
        SLIDES_QUARTIC_STATIONARY, SLIDES_SADDLE_STATIONARY,
    };
    writeln!(md, "### Stationary points of the textbook problems\n")?;
    writeln!(
        md,
        "Types from `newton::classify`: the signs of the Hessian's eigenvalues, zero within \
         √ε·max|λ|.\n"
    )?;
    writeln!(md, "{POINT_TABLE_HEADER}")?;
    let p = SLIDES_EXP_LOG_STATIONARY.point;
    let rows = [
        check_point(
            "slides_exp_log",
            &SLIDES_EXP_LOG_STATIONARY,
            slides_exp_log::value_gradient_hessian(p[0]),
            failures,
        ),
        two_d(
            "slides_bowl",
            &SLIDES_BOWL_STATIONARY,
            slides_bowl::value_gradient_hessian,
            failures,
        ),
        two_d(
            "slides_cap",
            &SLIDES_CAP_STATIONARY,
            slides_cap::value_gradient_hessian,
            failures,
        ),
        two_d(
            "slides_saddle",
            &SLIDES_SADDLE_STATIONARY,
            slides_saddle::value_gradient_hessian,
            failures,
        ),
        two_d(
            "slides_quartic",
            &SLIDES_QUARTIC_STATIONARY,
            slides_quartic::value_gradient_hessian,
            failures,
        ),
        two_d(
            "rosenbrock",
            &ROSENBROCK_STATIONARY,
            rosenbrock::value_gradient_hessian,
            failures,
        ),
    ];
    for row in rows {
        writeln!(md, "{row}")?;
    }
    writeln!(md)
}

type Vgh2 = (f64, SVector<f64, 2>, SMatrix<f64, 2, 2>);

fn two_d(
    name: &str,
    known: &StationaryPoint<2>,
    vgh: fn(f64, f64) -> Vgh2,
    failures: &mut Vec<String>,
) -> String {
    let [x, y] = known.point;
    check_point(name, known, vgh(x, y), failures)
}

fn circle_points(md: &mut String, failures: &mut Vec<String>) -> fmt::Result {
    writeln!(md, "### §2 Unit circle, target (1.5, 2.0)\n")?;
    writeln!(md, "{POINT_TABLE_HEADER}")?;
    for known in &crate::circle::STATIONARY_POINTS {
        let row = check_point(
            "circle",
            known,
            circle::value_gradient_hessian(known.point[0]),
            failures,
        );
        writeln!(md, "{row}")?;
    }
    writeln!(md)
}

fn torus_points(md: &mut String, failures: &mut Vec<String>) -> fmt::Result {
    writeln!(md, "### §3 Ellipsoidal torus: the 8 stationary points\n")?;
    writeln!(md, "{POINT_TABLE_HEADER}")?;
    let mut counts = [0_usize; 4];
    for known in &crate::torus::STATIONARY_POINTS {
        let row = check_point(
            "torus",
            known,
            torus::value_gradient_hessian(known.point),
            failures,
        );
        counts[match known.kind {
            Stationary::Minimum => 0,
            Stationary::Saddle { .. } => 1,
            Stationary::Maximum => 2,
            Stationary::Degenerate { .. } | Stationary::NotStationary => 3,
        }] += 1;
        writeln!(md, "{row}")?;
    }
    writeln!(
        md,
        "\n{} minima − {} saddles + {} maxima = {} (the torus's Euler characteristic is 0).\n",
        counts[0],
        counts[1],
        counts[2],
        i64::try_from(counts[0] + counts[2]).unwrap_or(0) - i64::try_from(counts[1]).unwrap_or(0)
    )?;
    Ok(())
}
