//! Experiment 3 (§3): the census of pure Newton on the ellipsoidal torus from uniform random
//! starts, and the census machinery the solver comparison (experiment 4) shares.

use core::f64::consts::TAU;
use std::fmt::Write as _;

use nalgebra::SVector;
use newton::{multistart, Census, Minimizer, Newton, Stationary, Tolerance};
use serde_json::json;

use super::{of, Context, Section, Verdict};
use crate::plot::{Figure, Series};
use crate::torus::{
    known_point, same_point, starts, torus, MAX_ITERATIONS, STATIONARY_POINTS, TOLERANCE,
};
use crate::Error;

/// Where one solver's runs from the census starts ended.
pub(super) struct TorusCensus {
    /// Runs per row of [`STATIONARY_POINTS`].
    pub counts: [usize; 8],
    /// For each start, the row it reached (`None`: elsewhere, unconverged or an error).
    pub row_of_start: Vec<Option<usize>>,
    /// Converged runs that reached no known point.
    pub strays: usize,
    /// Runs that did not converge or returned an error.
    pub unconverged: usize,
    /// The runs stopped before converging (errors aside), by the row of the known point
    /// nearest their last iterate: where a step limit cut them short, this says what they were
    /// heading for.
    pub unconverged_nearest: [usize; 8],
    /// The largest distance (angles wrapped) from such a run's last iterate to that point.
    pub unconverged_distance: f64,
    /// Limits whose classification disagrees with the table.
    pub misclassified: usize,
    /// `max |H₀₁|` over the distinct limits (the Hessians are diagonal there).
    pub max_off_diagonal: f64,
    /// `max |z| = max |r sin φ|` over the distinct limits (they lie in the plane `z = 0`).
    pub max_z: f64,
}

impl TorusCensus {
    /// Runs reaching a point of type `kind`.
    pub fn of_kind(&self, pred: fn(Stationary) -> bool) -> usize {
        STATIONARY_POINTS
            .iter()
            .zip(self.counts)
            .filter(|(p, _)| pred(p.kind))
            .map(|(_, c)| c)
            .sum()
    }
}

/// Runs `solver` from `starts` in parallel and groups the limits with [`Census`].
pub(super) fn census<M: Minimizer>(
    solver: &M,
    starts: &[SVector<f64, 2>],
    context: &Context,
) -> Result<TorusCensus, Error> {
    let bar = context.bar(starts.len(), format!("torus: {}", solver.name()));
    let objective = torus::Objective;
    let reports = multistart(starts, |s| {
        let r = solver.minimize(&objective, s);
        bar.inc(1);
        r
    });
    bar.finish_and_clear();
    let census = Census::new(&objective, &reports, same_point, Tolerance::Scaled)?;
    let mut out = TorusCensus {
        counts: [0; 8],
        row_of_start: vec![None; starts.len()],
        strays: 0,
        unconverged: census
            .unconverged
            .iter()
            .map(|(_, s)| s.len())
            .sum::<usize>()
            + census.errors.len(),
        unconverged_nearest: [0; 8],
        unconverged_distance: 0.0,
        misclassified: 0,
        max_off_diagonal: 0.0,
        max_z: 0.0,
    };
    for &start in census.unconverged.iter().flat_map(|(_, s)| s) {
        if let Ok(report) = &reports[start] {
            let (row, d) = nearest_known(&report.x);
            out.unconverged_nearest[row] += 1;
            out.unconverged_distance = out.unconverged_distance.max(d);
        }
    }
    for limit in &census.limits {
        let (_, _, h) = torus::value_gradient_hessian([limit.x[0], limit.x[1]]);
        out.max_off_diagonal = out.max_off_diagonal.max(h[(0, 1)].abs());
        out.max_z = out
            .max_z
            .max(limit.x[1].sin().abs() * crate::torus::MINOR_RADIUS);
        let Some(known) = known_point(&limit.x) else {
            out.strays += limit.count();
            continue;
        };
        let row = STATIONARY_POINTS
            .iter()
            .position(|p| p == known)
            .unwrap_or(0);
        if limit.classification.stationary != known.kind {
            out.misclassified += 1;
        }
        out.counts[row] += limit.count();
        for &s in &limit.starts {
            out.row_of_start[s] = Some(row);
        }
    }
    Ok(out)
}

/// The row of the known stationary point nearest `x` and the distance to it, both angles
/// taken modulo `2π`.
fn nearest_known(x: &SVector<f64, 2>) -> (usize, f64) {
    let wrapped = |d: f64| {
        let d = d.rem_euclid(TAU);
        d.min(TAU - d)
    };
    STATIONARY_POINTS
        .iter()
        .map(|p| wrapped(p.point[0] - x[0]).hypot(wrapped(p.point[1] - x[1])))
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((0, f64::INFINITY))
}

/// The torus starts of this run.
pub(super) fn census_starts(context: &Context) -> Vec<SVector<f64, 2>> {
    starts(context.settings.seed, context.settings.torus_starts)
}

/// A scatter of the starts on the `(θ, φ)` square, coloured by the row they reached.
pub(super) fn basin_figure(
    title: &str,
    starts: &[SVector<f64, 2>],
    census: &TorusCensus,
) -> Figure {
    let mut figure = Figure::new(title, "θ₀", "φ₀").ranges(Some((0.0, TAU)), Some((0.0, TAU)));
    for (row, p) in STATIONARY_POINTS.iter().enumerate() {
        let label = format!("({:.2}, {:.2}) {}", p.point[0], p.point[1], p.kind);
        let points = starts
            .iter()
            .zip(&census.row_of_start)
            .filter(|(_, r)| **r == Some(row))
            .map(|(s, _)| (s[0], s[1]));
        figure.push(Series::points(label, points).color(row));
    }
    let other = starts
        .iter()
        .zip(&census.row_of_start)
        .filter(|(_, r)| r.is_none())
        .map(|(s, _)| (s[0], s[1]));
    figure.push(Series::points("elsewhere / not converged", other).color(9));
    figure
}

/// Runs the Newton census.
pub(super) fn run(context: &Context) -> Result<Section, Error> {
    let mut section = Section::new(
        "torus",
        "3. Ellipsoidal torus: where pure Newton goes",
        "Pure Newton converges to whichever stationary point is near, whatever its type, so from \
         random starts on the torus it should end at saddles and maxima as well as at minima; \
         all eight stationary points lie in the plane z = 0 with diagonal Hessians.",
    );
    let starts = census_starts(context);
    let newton = Newton::default()
        .with_tolerance(TOLERANCE)?
        .with_max_iterations(MAX_ITERATIONS);
    let c = census(&newton, &starts, context)?;
    let n = starts.len();
    let md = &mut section.body;
    let _ = writeln!(
        md,
        "`newton::Newton` (`‖∇L‖∞ < 1e-12`, ≤ 100 steps) from {n} uniform starts in [0, 2π)², \
         seed {}; limits grouped by `newton::Census` and matched to the table of PROBLEMS.md §3.\n",
        context.settings.seed
    );
    let _ = writeln!(
        md,
        "| θ | φ | L | H | type | runs |\n|---|---|---|---|---|---|"
    );
    for (p, count) in STATIONARY_POINTS.iter().zip(c.counts) {
        let _ = writeln!(
            md,
            "| {:.4} | {:.4} | {} | diag({}, {}) | {} | {count} |",
            p.point[0], p.point[1], p.value, p.hessian[0][0], p.hessian[1][1], p.kind
        );
    }
    let (minima, saddles, maxima) = (
        c.of_kind(|k| k == Stationary::Minimum),
        c.of_kind(Stationary::is_saddle),
        c.of_kind(|k| k == Stationary::Maximum),
    );
    let _ = writeln!(
        md,
        "\n| outcome | runs |\n|---|---|\n| minimum | {minima} |\n| saddle | {saddles} |\n\
         | maximum | {maxima} |\n| converged elsewhere | {} |\n| not converged | {} |\n",
        c.strays, c.unconverged
    );
    let _ = writeln!(
        md,
        "At the distinct limits: max |H₀₁| = {:.1e} (diagonal Hessians), max |z| = {:.1e} (all in \
         z = 0); {} limit(s) classified differently from the table.\n",
        c.max_off_diagonal, c.max_z, c.misclassified
    );
    let chart = basin_figure("Torus: Newton's limit by start", &starts, &c);
    section.figure(
        "torus_newton_basins",
        "Starts on the (θ, φ) square coloured by the stationary point Newton reached.",
        &chart,
    )?;
    section.results = json!({
        "starts": n, "counts": c.counts, "minimum": minima, "saddle": saddles, "maximum": maxima,
        "elsewhere": c.strays, "not_converged": c.unconverged, "misclassified": c.misclassified,
        "max_off_diagonal": c.max_off_diagonal, "max_z": c.max_z,
    });
    let all_known = c.strays == 0 && c.unconverged == 0 && c.misclassified == 0;
    let reason = format!(
        "Newton: {} minima, {} saddles, {} maxima",
        of(minima, n),
        of(saddles, n),
        of(maxima, n)
    );
    if all_known && saddles > 0 && maxima > 0 {
        section.verdict(
            Verdict::Reproduced,
            format!("{reason}; every limit one of the 8 points, in z = 0, with a diagonal Hessian"),
        );
    } else if saddles + maxima > 0 {
        section.verdict(
            Verdict::Partly,
            format!(
                "{reason}; {} elsewhere, {} not converged",
                c.strays, c.unconverged
            ),
        );
    } else {
        section.verdict(Verdict::NotReproduced, "Newton reached only minima");
    }
    section.rule("reproduced when Newton reaches at least one saddle and at least one maximum and every start converges to one of the 8 known points with the right type; partly when it reaches a saddle or a maximum but that rule fails; otherwise (minima only) not reproduced");
    Ok(section)
}

#[cfg(test)]
mod tests {
    use core::f64::consts::{PI, TAU};

    use nalgebra::SVector;

    /// The distance wraps both angles: a point just below 2π is next to the one at 0.
    #[test]
    fn nearest_known_point_wraps_angles() {
        let (row, d) = super::nearest_known(&SVector::from([TAU - 1e-3, PI + 2e-3]));
        let p = super::STATIONARY_POINTS[row].point;
        assert_eq!((p[0], p[1]), (0.0, PI));
        assert!((d - 1e-3_f64.hypot(2e-3)).abs() < 1e-12, "{d}");
    }
}
