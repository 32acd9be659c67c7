//! Experiments 5–7 (§4a): regression of `sin 2πx` on `N = 100` grid points by tanh, SIREN
//! (`ω = 6`) and Fourier-feature (`m = 8`, `B ~ N(0, σ²)`) networks: the relaxed-Newton sweep,
//! then BFGS, Levenberg–Marquardt and Adam from the same Xavier starts, a longer-limit check of
//! the runs the step limit cut short, and for the Fourier features a sweep over `σ`.

use core::f64::consts::TAU;
use std::fmt::Write as _;

use newton::nalgebra::DMatrix;
use newton::network::Residual;
use rand::{Rng as _, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use super::longer;
use super::networks::{Method, Problem};
use super::parameter_sweep::{self, Constant};
use super::study::{self, Study};
use super::{Context, Section};
use crate::networks::{
    fourier_regression, regression_grid, regression_target, siren_regression, tanh_regression,
};
use crate::Error;

/// The comparison methods of the regression studies.
const METHODS: [Method; 3] = [Method::Bfgs, Method::LevenbergMarquardt, Method::Adam];

/// The claim every regression section tests.
const CLAIM: &str = "Exact (relaxed) Newton on a network regression is drawn to saddle points, \
    above all the trivial one where the output weights vanish and every basis function of the \
    last hidden layer is orthogonal to the target, so that the network outputs zero; BFGS, \
    Levenberg–Marquardt (a Gauss–Newton model, positive semi-definite) and Adam, started \
    identically, descend past it.";

/// Builds the problem of one regression network.
fn problem<R>(arch: &newton::network::Architecture, residual: R) -> Problem<R> {
    let points = regression_grid();
    let targets = regression_target(&points);
    Problem {
        arch: arch.clone(),
        points,
        targets,
        residual,
    }
}

/// Runs one regression study and renders its section; returns the study too, for a sweep
/// that reuses its runs.
fn regression<R: Residual<f64> + Copy>(
    context: &Context,
    name: &'static str,
    title: &str,
    problem: &Problem<R>,
    stream: u64,
    note: &str,
) -> Result<(Section, Study), Error> {
    let mut section = Section::new(name, title, CLAIM);
    let s = &context.settings;
    let study = Study::run::<f64, R>(problem, context, stream, &s.lambdas, &METHODS, false)?;
    let checks = longer::check::<f64, R>(problem, &study, context)?;
    let md = &mut section.body;
    let _ = write!(
        md,
        "{note} P = {} parameters, N = {} points, {} Xavier starts (seed {}, stream {stream}); second-order methods \
         ≤ {} steps, BFGS ≤ {}, Adam ≤ {} (η = 1e-3), all to ‖∇L‖∞ < {:e}. Each end classified as in PROBLEMS.md §6 \
         from the exact Hessian's eigenvalues.\n\n",
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
    longer::table(md, &checks, s);
    let label = title
        .split(": ")
        .next()
        .unwrap_or(name)
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
    study::figures::<f64, R>(
        &mut section,
        problem,
        &study,
        name,
        |x| (TAU * x).sin(),
        label,
    )?;
    section.results = study::results(&study);
    section.results["longer_limit"] = serde_json::json!({
        "max_iterations": s.max_iterations, "long_iterations": s.long_iterations,
        "rule": longer::RULE, "runs": checks,
    });
    let (verdict, reason) = study::verdict(&study);
    section.verdict(verdict, reason);
    section.rule(study::RULE);
    Ok((section, study))
}

/// Experiment 5: tanh regression at the chosen width.
pub(super) fn run_tanh(context: &Context) -> Result<Section, Error> {
    let w = context.settings.width;
    let title = format!("5. tanh regression (W = {w}): relaxed Newton vs BFGS, LM, Adam");
    let note = "tanh network, two hidden layers, no output bias.";
    let network = tanh_regression::Network::new().with_widths(&[w, w])?;
    let (section, _) = regression(
        context,
        "tanh",
        &title,
        &problem(network.architecture(), tanh_regression::Residual),
        1,
        note,
    )?;
    Ok(section)
}

/// Experiment 6: SIREN regression, `ω = 6`.
pub(super) fn run_siren(context: &Context) -> Result<Section, Error> {
    let network = siren_regression::Network::new();
    let (section, _) = regression(
        context,
        "siren",
        "6. SIREN regression (ω = 6, W = 10): relaxed Newton vs BFGS, LM, Adam",
        &problem(network.architecture(), siren_regression::Residual),
        2,
        "SIREN (sin(6·) activations), two hidden layers, no output bias.",
    )?;
    Ok(section)
}

/// The study's `σ` (`PROBLEMS.md` §4: 2 by default).
const SIGMA: f64 = 2.0;

/// The stream of the Fourier study's starts.
const FOURIER_STREAM: u64 = 3;

/// The frequencies `B = σ·z`, `z` standard normal from the seed (stream 100): the same `z` at
/// every `σ`, so the `σ` sweep changes the scale of the frequencies and nothing else.
fn frequencies(seed: u64, sigma: f64) -> DMatrix<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(100);
    DMatrix::from_fn(fourier_regression::FREQUENCIES, 1, |_, _| {
        sigma * rng.sample::<f64, _>(StandardNormal)
    })
}

/// The Fourier-feature problem at scale `sigma`.
fn fourier_problem(seed: u64, sigma: f64) -> Result<Problem<fourier_regression::Residual>, Error> {
    let network = fourier_regression::Network::new(frequencies(seed, sigma))?;
    Ok(problem(
        network.architecture(),
        fourier_regression::Residual,
    ))
}

/// Experiment 7: Fourier-feature regression, `B ~ N(0, σ² = 4)` from the seed, and the sweep
/// over `σ`.
pub(super) fn run_fourier(context: &Context) -> Result<Section, Error> {
    let s = &context.settings;
    let b = frequencies(s.seed, SIGMA);
    let shown: Vec<String> = b.iter().map(|v| format!("{v:.3}")).collect();
    let (mut section, study) = regression(
        context,
        "fourier",
        "7. Fourier-feature regression (m = 8, W = 10): relaxed Newton vs BFGS, LM, Adam, and the σ sweep",
        &fourier_problem(s.seed, SIGMA)?,
        FOURIER_STREAM,
        &format!("tanh network on ξ(x) = [cos 2πBx, sin 2πBx], B = [{}] drawn from N(0, σ²), σ = {SIGMA}, with the seed (rand_distr's standard normal, scaled by σ; the σ sweep below scales the same draws).", shown.join(", ")),
    )?;
    let sigma = Constant {
        symbol: "σ",
        main: SIGMA,
        values: &s.sigmas,
        starts: s.sweep_starts,
    };
    let make = |v| fourier_problem(s.seed, v);
    let rows =
        parameter_sweep::run::<f64, _>(&study, &sigma, &s.lambdas, make, FOURIER_STREAM, context)?;
    parameter_sweep::table(&mut section.body, &sigma, &rows);
    let alpha = study.figure_cell.0;
    parameter_sweep::figure(
        &mut section,
        "fourier_sigma",
        "Fourier features",
        &sigma,
        &rows,
        alpha,
    )?;
    section.results["sigma_sweep"] = parameter_sweep::results(&rows, "sigma");
    section.verdict_reason = format!("at σ = {SIGMA}, {}", section.verdict_reason);
    section.verdict_rule = format!("at σ = {SIGMA}, {}", section.verdict_rule);
    Ok(section)
}
