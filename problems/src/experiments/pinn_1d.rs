//! Experiment 8 (§4b): the 1-D Poisson PINN `−u″ = 4π² sin 2πx`, `u = x(1 − x) Σⱼ cⱼ z²ⱼ`: the
//! relaxed-Newton sweep (λ up to 1) with BFGS, Levenberg–Marquardt and Adam from the same
//! starts, and the sweep over the SIREN frequency `ω`.

use core::f64::consts::TAU;
use std::fmt::Write as _;

use serde_json::json;

use super::networks::{Method, Outcome, Problem, Run};
use super::study::{self, Study};
use super::summary::{count_cells, counts, median, outcome_header, Medians};
use super::{Context, Section};
use crate::networks::{pinn_poisson_1d, poisson_points};
use crate::plot::{Figure, Series};
use crate::Error;

/// The comparison methods.
const METHODS: [Method; 3] = [Method::Bfgs, Method::LevenbergMarquardt, Method::Adam];

/// The stream of the starts (the same for every `ω`: the starts do not depend on `ω`).
const STREAM: u64 = 4;

fn problem(omega: f64) -> Result<Problem<pinn_poisson_1d::Residual>, Error> {
    let network = pinn_poisson_1d::Network::new().with_omega(omega)?;
    Ok(Problem {
        arch: network.architecture().clone(),
        points: poisson_points(),
        targets: Vec::new(),
        residual: pinn_poisson_1d::Residual,
    })
}

/// The jet of the 1-D PINN.
type J = pinn_poisson_1d::Jet;

/// Runs the study at `ω = 1` and the `ω` sweep.
#[expect(
    clippy::too_many_lines,
    reason = "one experiment read top to bottom: run, tabulate, plot, judge"
)]
pub(super) fn run(context: &Context) -> Result<Section, Error> {
    let s = &context.settings;
    let mut section = Section::new(
        "pinn-1d",
        "8. 1-D Poisson PINN: relaxed Newton, BFGS, LM, Adam, and the ω sweep",
        "For a PINN the trivial stationary point is c = 0 with every basis function's image under \
         the differential operator orthogonal to the source, Σᵢ (D z²ⱼ)″(xᵢ) f(xᵢ) = 0; exact \
         (relaxed) Newton should be drawn to it and to other saddles as in regression, while the \
         other methods are not. The second input derivative grows like ω⁴ through two sine \
         layers, so the outcome may change with the SIREN frequency ω.",
    );
    let lambdas = s.pinn_lambdas();
    let main = problem(1.0)?;
    let study = Study::run::<J, _>(&main, context, STREAM, &lambdas, &METHODS)?;
    let md = &mut section.body;
    let _ = writeln!(
        md,
        "SIREN body sin(ω·), ω = 1, W = 10 (P = {}), N = {} collocation points, D = x(1 − x); {} Xavier \
         starts (seed {}, stream {STREAM}); limits as in experiments 5–7. \"max cos\" is \
         max_j |cos∠((D z²ⱼ)″, f)| on the collocation points.\n",
        main.arch.parameters(),
        main.len(),
        s.network_starts,
        s.seed
    );
    study::tables(md, &study, "");
    study::figures::<J, _>(
        &mut section,
        &main,
        &study,
        "pinn_1d",
        |x| (TAU * x).sin(),
        "1-D PINN",
    )?;

    // The ω sweep: the figure cell's α with every λ of the sweep, and BFGS, at each ω.
    let alpha = study.figure_cell.0;
    let mut rows: Vec<(f64, String, Vec<Run>)> = Vec::new();
    for &omega in &s.omegas {
        let p = problem(omega)?;
        let starts = p.starts(s.seed, STREAM, s.network_starts);
        for &lambda in &lambdas {
            let runs = if (omega - 1.0).abs() < f64::EPSILON {
                study
                    .cells
                    .iter()
                    .find(|(c, _)| *c == (alpha, lambda))
                    .map(|(_, r)| r.clone())
                    .unwrap_or_default()
            } else {
                p.solve_all::<J>(
                    Method::Relaxed { alpha, lambda },
                    &starts,
                    s,
                    context,
                    false,
                )?
            };
            rows.push((
                omega,
                format!("relaxed Newton α = {alpha}, λ = {lambda:e}"),
                runs,
            ));
        }
        let bfgs = if (omega - 1.0).abs() < f64::EPSILON {
            study.method_runs(Method::Bfgs).to_vec()
        } else {
            p.solve_all::<J>(Method::Bfgs, &starts, s, context, false)?
        };
        rows.push((omega, "BFGS".to_owned(), bfgs));
    }
    let md = &mut section.body;
    let heads = outcome_header();
    let _ = writeln!(md, "The ω sweep, the same starts at every ω:\n");
    let _ = writeln!(
        md,
        "| ω | method | {heads} | median L/L_trivial |\n{}|",
        "|---".repeat(Outcome::ALL.len() + 3)
    );
    for (omega, method, runs) in &rows {
        let _ = writeln!(
            md,
            "| {omega} | {method} | {} | {} |",
            count_cells(runs),
            super::ratio(median(runs.iter().map(|r| r.loss_ratio)))
        );
    }
    let _ = writeln!(md);

    let mut figure = Figure::new(
        "1-D PINN: relaxed Newton's outcomes vs ω",
        "ω",
        "share of runs",
    );
    let relaxed: Vec<&(f64, String, Vec<Run>)> =
        rows.iter().filter(|r| r.1.starts_with("relaxed")).collect();
    for (k, outcome) in [
        Outcome::TrivialSaddle,
        Outcome::OtherSaddle,
        Outcome::Minimum,
        Outcome::NotConverged,
        Outcome::Diverged,
    ]
    .iter()
    .enumerate()
    {
        let points = s.omegas.iter().map(|&omega| {
            let runs: Vec<&Run> = relaxed
                .iter()
                .filter(|r| r.0.to_bits() == omega.to_bits())
                .flat_map(|r| &r.2)
                .collect();
            #[expect(clippy::cast_precision_loss, reason = "run counts are small")]
            let share = runs.iter().filter(|r| r.outcome == *outcome).count() as f64
                / runs.len().max(1) as f64;
            (omega, share)
        });
        figure.push(Series::line(outcome.name(), points).color(k));
    }
    section.figure(
        "pinn_1d_omega",
        format!("1-D PINN: share of relaxed-Newton runs (α = {alpha}, every λ) in each outcome, against the SIREN frequency ω."),
        &figure,
    )?;
    let mut results = study::results(&study);
    results["omega_sweep"] = json!(rows
        .iter()
        .map(|(omega, method, runs)| json!({
            "omega": omega, "method": method, "counts": counts(runs),
            "medians": Medians::of(runs),
        }))
        .collect::<Vec<_>>());
    section.results = results;
    let (verdict, reason) = study::verdict(&study);
    section.verdict(verdict, format!("at ω = 1, {reason}"));
    section.rule(format!("at ω = 1, {}", study::RULE));
    Ok(section)
}
