//! Random bad input to every public entry point of newton-core: NaN and infinities at random
//! positions, random lengths and shapes, random settings from the whole `f64` range, workspaces
//! of other losses. Whatever comes in, a call returns: never a panic, and never a non-finite
//! result without an error or a [`Termination::NonFinite`] (or, for a network loss, a
//! non-finite parameter that made it: NaN in, NaN out).
//!
//! `classify`'s own property tests (spectra at every scale) are in `classify.rs`.

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "small sizes and indices become test values, and a random setting an iteration limit"
)]

use std::panic::{catch_unwind, AssertUnwindSafe};

use nalgebra::{DMatrix, DVector, Dyn};

use super::Bumpy;
use newton_core::network::{
    init_xavier, Activation, Architecture, Embedding, Loss, Regression, Workspace,
};
use newton_core::{
    classify, within, Adam, Bfgs, Census, Control, Error, GaussNewton, GradientDescent,
    LevenbergMarquardt, Minimizer, Newton, Progress, RelaxedNewton, Report, SaddleFreeNewton,
    Termination, Tolerance, Tolerances, TrustRegionNewton,
};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Any `f64`: ordinary values, the edges of the range, zero, negatives, NaN and infinities.
fn any_value() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => -10.0..10.0_f64,
        1 => Just(0.0),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(f64::MAX),
        1 => Just(f64::MIN_POSITIVE / 4.0),
        1 => (-300_i32..300).prop_map(|e| 10f64.powi(e)),
        1 => (-300_i32..300).prop_map(|e| -(10f64.powi(e))),
    ]
}

/// A vector of `len` ordinary values with `bad` positions replaced by anything.
fn poisoned(len: usize, seed: u64, bad: &[(prop::sample::Index, f64)]) -> DVector<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut v = DVector::from_fn(len, |_, _| rand::Rng::random_range(&mut rng, -2.0..2.0));
    if len > 0 {
        for (index, value) in bad {
            v[index.index(len)] = *value;
        }
    }
    v
}

/// A run's outcome is acceptable: an error, or a report whose loss is finite unless the run
/// says it stopped at a non-finite one.
fn acceptable(name: &str, outcome: &Result<Report<f64, Dyn>, Error>) -> Result<(), String> {
    match outcome {
        Err(_) => Ok(()),
        Ok(report) if report.termination == Termination::NonFinite => Ok(()),
        Ok(report) => {
            let finite = report.value.is_finite()
                && report.gradient_norm.is_finite()
                && report.x.iter().all(|v| v.is_finite());
            if finite {
                Ok(())
            } else {
                Err(format!(
                    "{name}: non-finite result without NonFinite: {report:?}"
                ))
            }
        }
    }
}

/// Every solver, configured with `settings` wherever a setter takes them, from `start`.
/// Runs a configured solver (a `Result` of the setters) on `problem` from `start` and checks
/// that it returned and that its outcome is acceptable.
macro_rules! run_on {
    ($problem:expr, $start:expr, $name:literal, $configured:expr) => {{
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let solver: Result<_, Error> = $configured;
            solver.map(|m| m.minimize($problem, $start))
        }))
        .map_err(|_| format!("{} panicked", $name))?;
        if let Ok(run) = outcome {
            acceptable($name, &run)?;
        }
    }};
}

/// An iteration limit from a random setting: its magnitude, at most `max`.
fn limit(s: &[f64; 4], max: usize) -> usize {
    if s[3].abs() < 1e6 {
        (s[3].abs() as usize).min(max)
    } else {
        max
    }
}

/// Trust-region Newton and the line-search options, with `settings` wherever a setter takes
/// them, and an observer that stops a run at a random iterate.
fn safeguarded_solvers(problem: &Bumpy, start: &DVector<f64>, s: &[f64; 4]) -> Result<(), String> {
    run_on!(
        problem,
        start,
        "relaxed Newton with a line search",
        RelaxedNewton::default()
            .with_line_search(true)
            .with_c1(s[2])
            .and_then(|m| m.with_alpha(s[0]))
            .and_then(|m| m.with_lambda(s[1]))
            .map(|m| m.with_max_iterations(limit(s, 30)))
    );
    run_on!(
        problem,
        start,
        "saddle-free Newton with a line search",
        SaddleFreeNewton::default()
            .with_line_search(true)
            .with_c1(s[0].abs().fract())
            .and_then(|m| m.with_alpha(s[1]))
            .map(|m| m.with_max_iterations(limit(s, 30)))
    );
    run_on!(
        problem,
        start,
        "trust-region Newton",
        TrustRegionNewton::default()
            .with_max_radius(s[0])
            .and_then(|m| m.with_initial_radius(s[1]))
            .and_then(|m| m.with_eta(s[2]))
            .and_then(|m| m.with_tolerance(s[3]))
            .map(|m| m.with_max_iterations(limit(s, 30)))
    );
    // An observer that stops the run at a random iterate.
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let stop_at = limit(s, 40);
        TrustRegionNewton::default().minimize_observed(problem, start, &mut |p: &Progress<f64>| {
            if p.iteration >= stop_at {
                Control::Stop
            } else {
                Control::Continue
            }
        })
    }))
    .map_err(|_| "trust-region Newton with an observer panicked".to_owned())?;
    acceptable("trust-region Newton with an observer", &outcome)?;
    Ok(())
}

fn every_solver(problem: &Bumpy, start: &DVector<f64>, s: &[f64; 4]) -> Result<(), String> {
    let limit = |max: usize| limit(s, max);
    macro_rules! run {
        ($name:literal, $configured:expr) => {
            run_on!(problem, start, $name, $configured)
        };
    }
    run!(
        "Newton",
        Newton::default()
            .with_tolerance(s[0])
            .map(|m| m.with_max_iterations(limit(30)))
    );
    run!(
        "relaxed Newton",
        RelaxedNewton::default()
            .with_alpha(s[0])
            .and_then(|m| m.with_lambda(s[1]))
            .map(|m| m.with_max_iterations(limit(30)))
    );
    run!(
        "saddle-free Newton",
        SaddleFreeNewton::default()
            .with_alpha(s[1])
            .and_then(|m| m.with_lambda(s[2]))
            .map(|m| m.with_max_iterations(limit(30)))
    );
    safeguarded_solvers(problem, start, s)?;
    run!(
        "BFGS",
        Bfgs::default()
            .with_c2(s[2].abs().fract())
            .and_then(|m| m.with_tolerance(s[0]))
            .map(|m| m.with_max_iterations(limit(50)))
    );
    run!(
        "gradient descent",
        GradientDescent::default()
            .with_learning_rate(s[1])
            .map(|m| m.with_max_iterations(limit(200)))
    );
    run!(
        "Adam",
        Adam::default()
            .with_betas(s[0].abs().fract(), s[1].abs().fract())
            .and_then(|m| m.with_epsilon(s[2]))
            .map(|m| m.with_max_iterations(limit(200)))
    );
    for (name, outcome) in [
        (
            "Gauss–Newton",
            catch_unwind(AssertUnwindSafe(|| {
                GaussNewton::default()
                    .with_tolerance(s[0])
                    .map(|m| m.with_max_iterations(limit(30)).minimize(problem, start))
            })),
        ),
        (
            "Levenberg–Marquardt",
            catch_unwind(AssertUnwindSafe(|| {
                LevenbergMarquardt::default()
                    .with_initial_damping(s[1])
                    .map(|m| m.with_max_iterations(limit(30)).minimize(problem, start))
            })),
        ),
    ] {
        let outcome = outcome.map_err(|_| format!("{name} panicked"))?;
        if let Ok(run) = outcome {
            acceptable(name, &run)?;
        }
    }
    Ok(())
}

/// An architecture from random choices, valid or not.
fn architecture(choice: &[usize; 4], omega: f64, frequency: f64) -> Architecture {
    // Mostly valid: one to three inputs, the odd zero or four.
    let inputs = [1, 2, 3, 1, 0, 4][choice[0] % 6];
    let widths = match choice[1] % 5 {
        0 => vec![],
        1 => vec![choice[2] % 4],
        2 => vec![2, 3],
        3 => vec![1 + choice[2] % 4, 1 + choice[3] % 3],
        _ => vec![2, 1 + choice[3] % 3, 2],
    };
    let activation = if choice[2].is_multiple_of(2) {
        Activation::Tanh
    } else {
        Activation::Sin { omega }
    };
    let embedding = if choice[3].is_multiple_of(3) {
        Embedding::Fourier {
            frequencies: DMatrix::from_element(
                1 + choice[0] % 2,
                inputs.max(1) - choice[1] % 2,
                frequency,
            ),
        }
    } else {
        Embedding::Identity
    };
    Architecture {
        inputs,
        embedding,
        widths,
        activation,
        output_bias: choice[3] % 2 == 1,
        outputs: 1,
    }
}

/// Every entry point of a network loss built from random data, with a random `θ` and, half the
/// time, the workspace of another random loss.
fn every_loss_entry(
    arch: &Architecture,
    other: &Architecture,
    data: (&[f64], &[f64]),
    theta: &DVector<f64>,
    borrow: bool,
) -> Result<(), String> {
    let Ok(loss) = Loss::new(arch, Regression, data.0, data.1) else {
        return Ok(());
    };
    let foreign = Loss::new(other, Regression, data.0, data.1).ok();
    let mut ws: Workspace<f64> = match (&foreign, borrow) {
        (Some(f), true) => f.workspace(),
        _ => loss.workspace(),
    };
    let p = loss.parameters();
    let n = loss.points();
    // Moderate input must give finite output; extreme but finite input (a point at 1e154,
    // whose square overflows) may overflow, which the solvers report as `NonFinite`.
    let moderate = |v: &[f64]| v.iter().all(|x| x.abs() < 1e3);
    let scales = match (&arch.activation, &arch.embedding) {
        (Activation::Sin { omega }, _) if omega.abs() >= 1e3 => false,
        (_, Embedding::Fourier { frequencies }) => moderate(frequencies.as_slice()),
        _ => true,
    };
    let finite_in = scales && moderate(theta.as_slice()) && moderate(data.0) && moderate(data.1);
    let check = |what: &str, outcome: Result<f64, Error>, outputs: &[&[f64]]| {
        if let Ok(value) = outcome {
            let finite =
                value.is_finite() && outputs.iter().all(|o| o.iter().all(|v| v.is_finite()));
            if finite_in && theta.len() == p && !finite {
                return Err(format!("{what}: finite θ gave a non-finite result"));
            }
        }
        Ok(())
    };
    let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
    let (mut r, mut j) = (DVector::zeros(n), DMatrix::zeros(n, p));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        check("value", loss.value(theta, &mut ws), &[])?;
        check(
            "gradient",
            loss.gradient_into(theta, &mut ws, &mut g),
            &[g.as_slice()],
        )?;
        let vgh = loss.value_gradient_hessian_into(theta, &mut ws, &mut g, &mut h);
        check("Hessian", vgh, &[g.as_slice(), h.as_slice()])?;
        let rj = loss
            .residuals_jacobian_into(theta, &mut ws, &mut r, &mut j)
            .map(|()| 0.0);
        check("Jacobian", rj, &[r.as_slice(), j.as_slice()])?;
        let mut start = vec![0.0; theta.len()];
        let _ = init_xavier(arch, 1, &mut start);
        if theta.len() == p {
            let run = LevenbergMarquardt::default()
                .with_max_iterations(3)
                .minimize(&loss.objective(), theta);
            acceptable("LM on the loss", &run)?;
        }
        Ok::<(), String>(())
    }));
    outcome.map_err(|_| "a loss entry point panicked".to_owned())?
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn solvers_return_on_any_input(
        dim in 1_usize..6,
        len in prop_oneof![3 => Just(None), 1 => (0_usize..7).prop_map(Some)],
        seed in any::<u64>(),
        bad in prop::collection::vec((any::<prop::sample::Index>(), any_value()), 0..3),
        settings in prop::array::uniform4(any_value()),
    ) {
        let start = poisoned(len.unwrap_or(dim), seed, &bad);
        every_solver(&Bumpy { dim, broken: false }, &start, &settings).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn classify_and_census_return_on_any_input(
        rows in 0_usize..5,
        cols in 0_usize..5,
        seed in any::<u64>(),
        bad in prop::collection::vec((any::<prop::sample::Index>(), any_value()), 0..3),
        tolerance in (0_usize..3, any_value()),
        gradient in (0_usize..6, any_value()),
        radius in any_value(),
    ) {
        let entries = poisoned(rows * cols, seed, &bad);
        let matrix = DMatrix::from_column_slice(rows, cols, entries.as_slice());
        let g = poisoned(gradient.0, seed + 7, &bad) * 1e-9;
        let tolerance = match tolerance.0 {
            0 => Tolerance::Scaled,
            1 => Tolerance::Relative(tolerance.1),
            _ => Tolerance::Absolute(tolerance.1),
        };
        let tolerances = Tolerances { gradient: gradient.1, eigenvalues: tolerance };
        let classified = catch_unwind(|| classify(&g, &matrix, tolerances));
        prop_assert!(classified.is_ok(), "classify panicked on {matrix}, {g} with {tolerances:?}");
        if let Ok(Ok(c)) = classified {
            let i = c.inertia;
            prop_assert_eq!(i.negative + i.zero + i.positive, rows);
            prop_assert!(c.threshold >= 0.0);
        }
        let dim = rows.max(1);
        let reports: Vec<_> = (0..3)
            .map(|k| Newton::default().with_max_iterations(5).minimize(&Bumpy { dim, broken: false }, &poisoned(dim + k % 2, seed + k as u64, &bad)))
            .collect();
        let census = catch_unwind(AssertUnwindSafe(|| {
            within::<f64, Dyn>(radius).map(|same| Census::new(&Bumpy { dim, broken: false }, &reports, same, tolerance))
        }));
        prop_assert!(census.is_ok(), "Census panicked");
    }

    #[test]
    fn network_losses_return_on_any_input(
        choice in prop::array::uniform4(0_usize..12),
        other in prop::array::uniform4(0_usize..12),
        omega in prop_oneof![3 => 0.5..10.0_f64, 1 => any_value()],
        frequency in prop_oneof![3 => -3.0..3.0_f64, 1 => any_value()],
        points in prop_oneof![Just(0_usize), 1_usize..12, 12_usize..40],
        seed in any::<u64>(),
        bad_points in prop_oneof![
            3 => Just(vec![]),
            1 => prop::collection::vec((any::<prop::sample::Index>(), any_value()), 1..3),
        ],
        theta_len in prop_oneof![Just(None), (0_usize..60).prop_map(Some)],
        bad_theta in prop::collection::vec((any::<prop::sample::Index>(), any_value()), 0..2),
        borrow in any::<bool>(),
    ) {
        let arch = architecture(&choice, omega, frequency);
        let other = architecture(&other, omega, frequency);
        let xs = poisoned(points, seed, &bad_points);
        let ys = poisoned(points / arch.inputs.max(1), seed + 1, &[]);
        let p = if arch.validate().is_ok() { arch.parameters() } else { 0 };
        let theta = poisoned(theta_len.unwrap_or(p), seed + 2, &bad_theta);
        every_loss_entry(&arch, &other, (xs.as_slice(), ys.as_slice()), &theta, borrow)
            .map_err(TestCaseError::fail)?;
    }
}
