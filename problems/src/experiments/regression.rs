//! Experiments 5–7 (§4a): regression of `sin 2πx` on `N = 100` grid points by tanh, SIREN
//! (`ω = 6`) and Fourier-feature (`m = 8`, `B ~ N(0, 4)`) networks: the relaxed-Newton sweep,
//! then BFGS, Levenberg–Marquardt and Adam from the same Xavier starts.

use core::f64::consts::TAU;
use std::fmt::Write as _;

use newton::network::Residual;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::networks::{normal, Method, Problem};
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

/// Runs one regression study and renders its section.
fn regression<R: Residual<f64> + Copy>(
    context: &Context,
    name: &'static str,
    title: &str,
    problem: &Problem<R>,
    stream: u64,
    note: &str,
) -> Result<Section, Error> {
    let mut section = Section::new(name, title, CLAIM);
    let s = &context.settings;
    let study = Study::run::<f64, R>(problem, context, stream, &s.lambdas, &METHODS)?;
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
    let (verdict, reason) = study::verdict(&study);
    section.verdict(verdict, reason);
    section.rule(study::RULE);
    Ok(section)
}

/// Experiment 5: tanh regression at the chosen width.
pub(super) fn run_tanh(context: &Context) -> Result<Section, Error> {
    let w = context.settings.width;
    let title = format!("5. tanh regression (W = {w}): relaxed Newton vs BFGS, LM, Adam");
    let note = "tanh network, two hidden layers, no output bias.";
    let network = tanh_regression::Network::new().with_widths(&[w, w])?;
    regression(
        context,
        "tanh",
        &title,
        &problem(network.architecture(), tanh_regression::Residual),
        1,
        note,
    )
}

/// Experiment 6: SIREN regression, `ω = 6`.
pub(super) fn run_siren(context: &Context) -> Result<Section, Error> {
    let network = siren_regression::Network::new();
    regression(
        context,
        "siren",
        "6. SIREN regression (ω = 6, W = 10): relaxed Newton vs BFGS, LM, Adam",
        &problem(network.architecture(), siren_regression::Residual),
        2,
        "SIREN (sin(6·) activations), two hidden layers, no output bias.",
    )
}

/// Experiment 7: Fourier-feature regression, `B ~ N(0, σ² = 4)` from the seed.
pub(super) fn run_fourier(context: &Context) -> Result<Section, Error> {
    let mut rng = ChaCha8Rng::seed_from_u64(context.settings.seed);
    rng.set_stream(100);
    let b = newton::nalgebra::DMatrix::from_fn(fourier_regression::FREQUENCIES, 1, |_, _| {
        2.0 * normal(&mut rng)
    });
    let network = fourier_regression::Network::new(b.clone())?;
    let frequencies: Vec<String> = b.iter().map(|v| format!("{v:.3}")).collect();
    regression(
        context,
        "fourier",
        "7. Fourier-feature regression (m = 8, W = 10): relaxed Newton vs BFGS, LM, Adam",
        &problem(network.architecture(), fourier_regression::Residual),
        3,
        &format!("tanh network on ξ(x) = [cos 2πBx, sin 2πBx], B = [{}] drawn from N(0, 2²) with the seed.", frequencies.join(", ")),
    )
}
