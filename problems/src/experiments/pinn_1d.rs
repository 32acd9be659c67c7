//! Experiment 8 (§4b): the 1-D Poisson PINN `−u″ = 4π² sin 2πx`, `u = x(1 − x) Σⱼ cⱼ z²ⱼ`: the
//! relaxed-Newton and saddle-free Newton sweeps (λ up to 1) with BFGS, Levenberg–Marquardt and
//! Adam from the same starts, and the sweep over the SIREN frequency `ω`.

use core::f64::consts::TAU;
use std::fmt::Write as _;

use super::networks::{Method, Problem};
use super::parameter_sweep::{self, Constant};
use super::study::{self, Study};
use super::{Context, Section};
use crate::networks::{pinn_poisson_1d, poisson_points};
use crate::Error;

/// The comparison methods.
const METHODS: [Method; 3] = [Method::Bfgs, Method::LevenbergMarquardt, Method::Adam];

/// The stream of the starts (the same for every `ω`: the starts do not depend on `ω`).
const STREAM: u64 = 4;

/// The PINN at frequency `omega`.
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
pub(super) fn run(context: &Context) -> Result<Section, Error> {
    let s = &context.settings;
    let mut section = Section::new(
        "pinn-1d",
        "8. 1-D Poisson PINN: relaxed and saddle-free Newton, BFGS, LM, Adam, and the ω sweep",
        "For a PINN the trivial stationary point is c = 0 with every basis function's image under \
         the differential operator orthogonal to the source, Σᵢ (D z²ⱼ)″(xᵢ) f(xᵢ) = 0; exact \
         (relaxed) Newton should be drawn to it and to other saddles as in regression, while the \
         other methods, saddle-free Newton among them, are not. The second input derivative \
         grows like ω⁴ through two sine layers, so the outcome may change with the SIREN \
         frequency ω.",
    );
    let lambdas = s.pinn_lambdas();
    let main = problem(1.0)?;
    let study = Study::run::<J, _>(&main, context, STREAM, &lambdas, &METHODS, true)?;
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
    let omega = Constant {
        symbol: "ω",
        main: 1.0,
        values: &s.omegas,
        starts: s.network_starts,
    };
    let rows = parameter_sweep::run::<J, _>(&study, &omega, &lambdas, problem, STREAM, context)?;
    parameter_sweep::table(&mut section.body, &omega, &rows);
    let alpha = study.figure_cell.0;
    parameter_sweep::figure(
        &mut section,
        "pinn_1d_omega",
        "1-D PINN",
        &omega,
        &rows,
        alpha,
    )?;
    let mut results = study::results(&study);
    results["omega_sweep"] = parameter_sweep::results(&rows, "omega");
    section.results = results;
    let (verdict, reason) = study::verdict(&study);
    section.verdict(verdict, format!("at ω = 1, {reason}"));
    section.rule(format!("at ω = 1, {}", study::RULE));
    Ok(section)
}
