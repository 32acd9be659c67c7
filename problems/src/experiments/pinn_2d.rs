//! Experiment 9 (§4c): the 2-D diffusion–reaction PINN `−Δu + u = f` on `(0, 1)²`: the
//! relaxed-Newton and saddle-free Newton `α × λ` sweeps of the other networks, pure Newton,
//! BFGS and Adam from the same starts, with each solution's error against
//! `u* = sin 2πx sin πy`.

use std::fmt::Write as _;

use newton::network::{engine, Jet as _};
use serde_json::json;

use super::networks::{Method, Outcome, Problem, Run};
use super::study::{self, Study};
use super::summary::{loss_curves, median};
use super::{Context, Section, Verdict};
use crate::heatmap::Heatmap;
use crate::networks::{
    diffusion_reaction_exact, diffusion_reaction_points, pinn_diffusion_reaction_2d as pinn,
};
use crate::plot::{Figure, Series};
use crate::Error;

/// The methods compared beside the sweeps.
const METHODS: [Method; 3] = [Method::Newton, Method::Bfgs, Method::Adam];

/// The stream of the starts.
const STREAM: u64 = 5;

/// The verdict rule, as the report prints it.
const RULE_2D: &str = "reproduced when at least half of the relaxed-Newton sweep's runs end at a \
    saddle and each of saddle-free Newton (its sweep as one method over all cells), BFGS and \
    Adam descends past the trivial point (L/L_trivial < 1 − 1e-3, converged or not) in at least \
    9 of 10 runs with a median error ‖u − u*‖/‖u*‖ below the relaxed-Newton sweep's (diverged \
    runs count as an infinite error); partly when some but not all of these four conditions \
    hold; otherwise not reproduced";

/// Points per side of the error grid on `[0, 1]²`.
const GRID: u32 = 41;

/// Cells per side of the solution heat maps.
const HEATMAP_CELLS: usize = 40;

/// Point `(i, j)` of the error grid.
fn grid_point(i: u32, j: u32) -> (f64, f64) {
    (
        f64::from(i) / f64::from(GRID - 1),
        f64::from(j) / f64::from(GRID - 1),
    )
}

/// A name as a file-name stem, runs of other characters as one `_`:
/// `saddle-free Newton α = 0.5, λ = 1e-4` → `saddle_free_newton_0_5_1e_4`.
fn slug(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}

/// `‖u − u*‖ / ‖u*‖` and `max |u − u*|` on the `41 × 41` grid.
fn errors(problem: &Problem<pinn::Residual>, theta: &[f64]) -> (f64, f64) {
    let mut ws = engine::Workspace::<pinn::Jet>::new(&problem.arch);
    let (mut diff, mut norm, mut worst) = (0.0, 0.0, 0.0_f64);
    for i in 0..GRID {
        for j in 0..GRID {
            let (x, y) = grid_point(i, j);
            let u = problem.jet(theta, &[x, y], &mut ws).value();
            let exact = diffusion_reaction_exact(x, y);
            diff += (u - exact) * (u - exact);
            norm += exact * exact;
            worst = worst.max((u - exact).abs());
        }
    }
    ((diff / norm).sqrt(), worst)
}

/// A group of runs the error table and the figures show, by name.
struct Group {
    name: String,
    runs: Vec<Run>,
    /// `(relative L², max)` error of each run.
    errors: Vec<(f64, f64)>,
}

impl Group {
    fn new(problem: &Problem<pinn::Residual>, name: String, runs: Vec<Run>) -> Self {
        let errors = runs
            .iter()
            .map(|r| errors(problem, r.x.as_slice()))
            .collect();
        Self { name, runs, errors }
    }

    /// The median relative error, a non-finite one counted as `+∞`.
    fn median_error(&self) -> f64 {
        median(self.errors.iter().map(|e| e.0))
    }
}

/// The groups: each sweep whole and at its figure cell, then each comparison method.
fn groups(problem: &Problem<pinn::Residual>, study: &Study) -> Vec<Group> {
    let (a, l) = study.figure_cell;
    let cell = |cells: &[study::Cell]| {
        cells
            .iter()
            .find(|(c, _)| *c == study.figure_cell)
            .map(|(_, r)| r.clone())
            .unwrap_or_default()
    };
    let mut groups = vec![
        Group::new(
            problem,
            "relaxed Newton (all cells)".to_owned(),
            study.sweep_runs().cloned().collect(),
        ),
        Group::new(
            problem,
            format!("relaxed Newton α = {a}, λ = {l:e}"),
            cell(&study.cells),
        ),
        Group::new(
            problem,
            format!("saddle-free Newton (all {} cells)", study.saddle_free.len()),
            study.saddle_free_runs().cloned().collect(),
        ),
        Group::new(
            problem,
            format!("saddle-free Newton α = {a}, λ = {l:e}"),
            cell(&study.saddle_free),
        ),
    ];
    for (m, runs) in &study.methods {
        groups.push(Group::new(problem, m.name(), runs.clone()));
    }
    groups
}

/// Writes the error table.
fn error_table(md: &mut String, groups: &[Group]) {
    let _ = writeln!(
        md,
        "Each solution's error against u* on the {GRID} × {GRID} grid:\n\n\
         | runs | n | median L/L_trivial | median ‖u − u*‖/‖u*‖ | best ‖u − u*‖/‖u*‖ | median max \\|u − u*\\| |\n|---|---|---|---|---|---|"
    );
    for g in groups {
        let best = g
            .errors
            .iter()
            .map(|e| e.0)
            .filter(|v| v.is_finite())
            .fold(f64::INFINITY, f64::min);
        let _ = writeln!(
            md,
            "| {} | {} | {} | {:.3e} | {best:.3e} | {:.3e} |",
            g.name,
            g.runs.len(),
            super::ratio(median(g.runs.iter().map(|r| r.loss_ratio))),
            g.median_error(),
            median(g.errors.iter().map(|e| e.1))
        );
    }
    let _ = writeln!(
        md,
        "\nMedians are over every run, a diverged or non-finite value counted as ∞.\n"
    );
}

/// The groups shown in the figures (start 0 of each): the figure cells and the methods.
fn shown(groups: &[Group]) -> impl Iterator<Item = (&str, &Run)> + Clone {
    groups
        .iter()
        .filter(|g| !g.name.contains("all"))
        .filter_map(|g| g.runs.first().map(|r| (g.name.as_str(), r)))
}

/// The two slices of each shown solution against `u*`.
fn slices(
    section: &mut Section,
    problem: &Problem<pinn::Residual>,
    groups: &[Group],
) -> Result<(), Error> {
    let mut ws = engine::Workspace::<pinn::Jet>::new(&problem.arch);
    let line: Vec<f64> = (0..=100).map(|i| f64::from(i) / 100.0).collect();
    let cuts = [
        (
            "pinn_2d_slice_y",
            "2-D PINN: u(x, 1/2), start 0",
            (None, Some(0.5)),
        ),
        (
            "pinn_2d_slice_x",
            "2-D PINN: u(1/4, y), start 0",
            (Some(0.25), None),
        ),
    ];
    for (stem, title, at) in cuts {
        let point = |t: f64| [at.0.unwrap_or(t), at.1.unwrap_or(t)];
        let exact: Vec<(f64, f64)> = line
            .iter()
            .map(|&t| (t, diffusion_reaction_exact(point(t)[0], point(t)[1])))
            .collect();
        // The axis follows u*, not the runs: a diverged run (|u| ~ 1e6) would otherwise set
        // it and flatten every other curve to a line at 0.
        let peak = exact
            .iter()
            .fold(0.0_f64, |m, p| m.max(p.1.abs()))
            .max(1e-12);
        let limit = 1.5 * peak;
        let mut figure = Figure::new(title, if at.0.is_none() { "x" } else { "y" }, "u")
            .ranges(Some((0.0, 1.0)), Some((-limit, limit)));
        figure.push(Series::line("u*", exact).color(7));
        let mut clipped = Vec::new();
        for (k, (name, run)) in shown(groups).enumerate() {
            let values: Vec<(f64, f64)> = line
                .iter()
                .map(|&t| (t, problem.jet(run.x.as_slice(), &point(t), &mut ws).value()))
                .collect();
            let label = format!("{name} ({})", run.outcome.name());
            if values.iter().any(|p| !p.1.is_finite() || p.1.abs() > limit) {
                clipped.push(label.clone());
            }
            figure.push(Series::line(label, values).color(k));
        }
        let note = if clipped.is_empty() {
            String::new()
        } else {
            format!(
                " Clipped (the curve leaves the axis, which is fixed to ±1.5·max|u*| = ±{limit:.2}): {}.",
                clipped.join(", ")
            )
        };
        section.figure(
            stem,
            format!("{title}: each method's solution from start 0 against the exact u*.{note}"),
            &figure,
        )?;
    }
    Ok(())
}

/// The solutions on the square: `u*` and each shown end from start 0, on one colour range.
fn heatmaps(
    section: &mut Section,
    problem: &Problem<pinn::Residual>,
    groups: &[Group],
) -> Result<(), Error> {
    let mut ws = engine::Workspace::<pinn::Jet>::new(&problem.arch);
    let peak = (0..GRID * GRID)
        .map(|c| {
            let (x, y) = grid_point(c % GRID, c / GRID);
            diffusion_reaction_exact(x, y).abs()
        })
        .fold(0.0_f64, f64::max);
    let exact = Heatmap::sample("2-D PINN: exact u*", HEATMAP_CELLS, peak, |x, y| {
        diffusion_reaction_exact(x, y)
    });
    section.rendered(
        "pinn_2d_exact",
        format!("2-D PINN: the exact solution u* = sin 2πx sin πy on [0, 1]² (colour range ±{peak:.2})."),
        exact.render()?,
    );
    for (name, run) in shown(groups) {
        let map = Heatmap::sample(
            format!("2-D PINN: {name} (start 0, {})", run.outcome.name()),
            HEATMAP_CELLS,
            peak,
            |x, y| problem.jet(run.x.as_slice(), &[x, y], &mut ws).value(),
        );
        section.rendered(
            &format!("pinn_2d_{}", slug(name)),
            format!(
                "2-D PINN: {name}'s solution from start 0 on the colour range of u* (values beyond \
                 it saturate, non-finite ones are grey)."
            ),
            map.render()?,
        );
    }
    Ok(())
}

/// The verdict by [`RULE_2D`]: the claim names the methods and says one thing of each, so each
/// is checked on its own (no "best of the others"). Diverged and unconverged runs stay in
/// every count and median (a non-finite error counts as `+∞`).
fn judge(problem: &Problem<pinn::Residual>, study: &Study, groups: &[Group]) -> (Verdict, String) {
    let sweep: Vec<&Run> = study.sweep_runs().collect();
    let saddles = sweep.iter().filter(|r| r.outcome.is_saddle()).count();
    let newton_error = groups[0].median_error();
    let count = |runs: &[Run], o: Outcome| runs.iter().filter(|r| r.outcome == o).count();
    let mut holds = vec![study::share(saddles, sweep.len()) >= 0.5];
    let mut reason = format!(
        "relaxed Newton sweep: {saddles} of {} runs at a saddle, {} not converged, median error {newton_error:.2e}",
        sweep.len(),
        sweep.iter().filter(|r| r.outcome == Outcome::NotConverged).count()
    );
    for (name, runs) in study::comparisons(study) {
        let below = study::descended(&runs);
        let med = Group::new(problem, name.clone(), runs.clone()).median_error();
        let _ = write!(
            reason,
            "; {name}: {below} of {} below L_trivial, {} diverged, {} not converged, median error {med:.2e}",
            runs.len(),
            count(&runs, Outcome::Diverged),
            count(&runs, Outcome::NotConverged),
        );
        holds.push(study::share(below, runs.len()) >= 0.9 && med < newton_error);
    }
    let verdict = if holds.iter().all(|&h| h) {
        Verdict::Reproduced
    } else if holds.iter().any(|&h| h) {
        Verdict::Partly
    } else {
        Verdict::NotReproduced
    };
    (verdict, reason)
}

/// Runs the comparison.
pub(super) fn run(context: &Context) -> Result<Section, Error> {
    let s = &context.settings;
    let mut section = Section::new(
        "pinn-2d",
        "9. 2-D diffusion–reaction PINN: relaxed and saddle-free Newton sweeps, BFGS, Adam",
        "On a 2-D PINN, exact (relaxed) Newton should again stall at saddles (the trivial point \
         among them), while saddle-free Newton, which turns negative curvature into descent, and \
         the descent methods BFGS and Adam reach lower loss and a solution closer to u*.",
    );
    let problem = Problem {
        arch: pinn::Network::new().architecture().clone(),
        points: diffusion_reaction_points(),
        targets: Vec::new(),
        residual: pinn::Residual,
    };
    let lambdas = s.pinn_lambdas();
    let study = Study::run::<pinn::Jet, _>(&problem, context, STREAM, &lambdas, &METHODS, true)?;
    let groups = groups(&problem, &study);
    let md = &mut section.body;
    let _ = writeln!(
        md,
        "SIREN body sin(1·), W = 10 (P = {}), κ = 1, N = {} collocation points (interior 16 × 16 grid), \
         D = x(1 − x)y(1 − y); {} Xavier starts (seed {}, stream {STREAM}). Second-order methods \
         ≤ {} steps, BFGS ≤ {}, Adam ≤ {}, all to ‖∇L‖∞ < {:e}. The error is measured on a \
         {GRID} × {GRID} grid of [0, 1]².\n",
        problem.arch.parameters(),
        problem.len(),
        s.network_starts,
        s.seed,
        s.max_iterations,
        s.bfgs_iterations,
        s.adam_iterations,
        s.tolerance
    );
    study::tables(md, &study, "");
    error_table(md, &groups);
    slices(&mut section, &problem, &groups)?;
    heatmaps(&mut section, &problem, &groups)?;
    let curves = loss_curves(
        "2-D PINN: loss curves (start 0)",
        shown(&groups).map(|(name, run)| (name.to_owned(), run)),
        study.trivial,
    );
    section.figure(
        "pinn_2d_loss",
        "2-D PINN: loss per iteration from start 0 (log–log), with the trivial loss.",
        &curves,
    )?;
    let mut results = study::results(&study);
    results["grid"] = json!(GRID);
    results["errors"] = json!(groups
        .iter()
        .map(|g| json!({
            "runs": g.name, "n": g.runs.len(),
            "median_relative_l2_error": g.median_error(),
            "relative_l2_error": g.errors.iter().map(|e| e.0).collect::<Vec<_>>(),
            "max_error": g.errors.iter().map(|e| e.1).collect::<Vec<_>>(),
        }))
        .collect::<Vec<_>>());
    section.results = results;
    let (verdict, reason) = judge(&problem, &study, &groups);
    section.verdict(
        verdict,
        format!(
            "{reason} (of {} starts each; saddle-free cells {})",
            s.network_starts,
            s.sweep_starts.min(s.network_starts)
        ),
    );
    section.rule(RULE_2D);
    Ok(section)
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_plain_file_names() {
        assert_eq!(
            super::slug("saddle-free Newton α = 0.5, λ = 1e-4"),
            "saddle_free_newton_0_5_1e_4"
        );
        assert_eq!(super::slug("BFGS"), "bfgs");
    }
}
