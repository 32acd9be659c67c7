//! §1: the slides' Hessians, eigenvalues and types, and their Newton iterates.

use nalgebra::{Matrix2, SMatrix, SVector, Vector1, Vector2};
use newton::{Minimizer as _, Newton, Stationary, Termination};
use problems::slides::{
    slides_bowl, slides_cap, slides_exp_log, slides_quartic, slides_saddle,
    SLIDES_EXP_LOG_ITERATES, SLIDES_EXP_LOG_START, SLIDES_EXP_LOG_STATIONARY,
    SLIDES_QUARTIC_ITERATES, SLIDES_QUARTIC_START,
};

use crate::common::{kind, spectrum};

/// Asserts `actual` rounds to `expected` at 4 decimals, as the slides print.
#[track_caller]
fn assert_4_decimals(actual: f64, expected: f64) {
    assert!(
        ((actual * 1e4).round() / 1e4 - expected).abs() < 1e-9,
        "{actual} is not {expected} to 4 decimals"
    );
}

/// The Hessian of a quadratic is the same everywhere, so check it at a few points.
fn assert_constant_hessian(
    hessian: impl Fn(f64, f64) -> SMatrix<f64, 2, 2>,
    expected: Matrix2<f64>,
) {
    for (x, y) in [(0.0, 0.0), (1.0, -2.0), (-3.5, 0.25)] {
        assert_eq!(hessian(x, y), expected, "Hessian at ({x}, {y})");
    }
}

#[test]
fn bowl_hessian_eigenvalues_and_minimum() {
    let h = Matrix2::new(4.0, -1.0, -1.0, 6.0);
    assert_constant_hessian(slides_bowl::hessian, h);
    let l = spectrum(&h);
    assert_4_decimals(l[0], 6.4142);
    assert_4_decimals(l[1], 3.5858);
    assert_eq!(kind(&h), Stationary::Minimum);
    assert_eq!(slides_bowl::gradient(0.0, 0.0), Vector2::zeros());
}

#[test]
fn cap_hessian_eigenvalues_and_maximum() {
    let h = Matrix2::new(-4.0, -1.0, -1.0, -6.0);
    assert_constant_hessian(slides_cap::hessian, h);
    let l = spectrum(&h);
    // The slide prints −3.49: a typo for −5 + √2.
    assert_4_decimals(l[0], -3.5858);
    assert_4_decimals(l[1], -6.4142);
    assert_eq!(kind(&h), Stationary::Maximum);
    assert_eq!(slides_cap(0.0, 0.0), 15.0);
    assert_eq!(slides_cap::gradient(0.0, 0.0), Vector2::zeros());
}

#[test]
fn saddle_hessian_and_type() {
    let h = Matrix2::new(4.0, 0.0, 0.0, -4.0);
    assert_constant_hessian(slides_saddle::hessian, h);
    assert_eq!(kind(&h), Stationary::Saddle { index: 1 });
    // Structural zeros: the macro knows the off-diagonal vanishes.
    assert_eq!(slides_saddle::SPARSITY, &[(0, 0), (1, 1)]);
}

#[test]
fn quartic_minimum_at_origin() {
    let (f, g, h) = slides_quartic::value_gradient_hessian(0.0, 0.0);
    assert_eq!(f, 0.0);
    assert_eq!(g, Vector2::zeros());
    assert_eq!(h, Matrix2::new(8.0, -1.0, -1.0, 4.0));
    assert_eq!(kind(&h), Stationary::Minimum);
}

#[test]
fn exp_log_minimum() {
    let known = SLIDES_EXP_LOG_STATIONARY;
    let x = known.point[0];
    assert!((x.exp() - 1.0 / x).abs() < 1e-15, "eˣ = 1/x at x*");
    let (f, g, h) = slides_exp_log::value_gradient_hessian(x);
    assert!((f - known.value).abs() < 1e-14);
    assert!(g[0].abs() < 1e-15);
    assert!((h[(0, 0)] - known.hessian[0][0]).abs() < 1e-14);
    assert_eq!(slides_exp_log::DIM, 1);
}

/// The slides minimise `g` by Newton on `g′`: `x ← x − g′(x)/g″(x)`.
#[test]
fn exp_log_newton_iterates_match_the_slides() {
    let mut x = SLIDES_EXP_LOG_START;
    for expected in SLIDES_EXP_LOG_ITERATES {
        let (_, g, h) = slides_exp_log::value_gradient_hessian(x);
        x -= g[0] / h[(0, 0)];
        assert_4_decimals(x, expected);
    }
    for _ in 0..3 {
        let (_, g, h) = slides_exp_log::value_gradient_hessian(x);
        x -= g[0] / h[(0, 0)];
    }
    assert!((x - SLIDES_EXP_LOG_STATIONARY.point[0]).abs() < 1e-15);
}

#[test]
fn quartic_newton_iterates_match_the_slides() {
    let mut p = SVector::from(SLIDES_QUARTIC_START);
    for step in 1..=8 {
        let (_, g, h) = slides_quartic::value_gradient_hessian(p[0], p[1]);
        p -= h
            .lu()
            .solve(&g)
            .expect("the quartic's Hessian is positive definite");
        if let Some(expected) = SLIDES_QUARTIC_ITERATES.get(step - 1) {
            assert_4_decimals(p[0], expected[0]);
            assert_4_decimals(p[1], expected[1]);
        }
    }
    assert!(p.norm() < 1e-15, "‖x₈‖ = {:e}", p.norm());
}

/// The same iterates from newton's `Newton` solver, read off its trajectory.
#[test]
fn newton_solver_reproduces_the_exp_log_iterates_and_classifies_the_limit() {
    let report = Newton::default()
        .with_trajectory(true)
        .minimize(
            &slides_exp_log::Objective,
            &Vector1::new(SLIDES_EXP_LOG_START),
        )
        .unwrap();
    assert_eq!(report.termination, Termination::Converged);
    // The six printed iterates, then two more steps to the tolerance.
    assert_eq!(report.iterations, 8);
    let trajectory = report.trajectory.unwrap();
    assert_eq!(trajectory.len(), 9);
    assert_eq!(SLIDES_EXP_LOG_ITERATES.len(), 6);
    for (record, expected) in trajectory[1..].iter().zip(SLIDES_EXP_LOG_ITERATES) {
        assert_4_decimals(record.x[0], expected);
    }
    assert!((report.x[0] - SLIDES_EXP_LOG_STATIONARY.point[0]).abs() < 1e-15);
    let (_, _, h) = slides_exp_log::value_gradient_hessian(report.x[0]);
    assert_eq!(kind(&h), Stationary::Minimum);
}

#[test]
fn newton_solver_reproduces_the_quartic_steps_and_its_eight_step_limit() {
    let report = Newton::default()
        .with_tolerance(f64::MIN_POSITIVE)
        .unwrap()
        .with_max_iterations(8)
        .with_trajectory(true)
        .minimize(
            &slides_quartic::Objective,
            &SVector::from(SLIDES_QUARTIC_START),
        )
        .unwrap();
    // No iterate's gradient is below `f64::MIN_POSITIVE` (x₈ is within 1e-15 of 0, not at it),
    // so the run takes all eight steps and each printed iterate is checked.
    assert_eq!(
        (report.termination, report.iterations),
        (Termination::MaxIterations, 8)
    );
    let trajectory = report.trajectory.as_ref().unwrap();
    assert_eq!(trajectory.len(), 9);
    for (record, expected) in trajectory[1..].iter().zip(SLIDES_QUARTIC_ITERATES) {
        assert_4_decimals(record.x[0], expected[0]);
        assert_4_decimals(record.x[1], expected[1]);
    }
    assert!(report.x.norm() < 1e-15, "‖x₈‖ = {:e}", report.x.norm());
    let (_, _, h) = slides_quartic::value_gradient_hessian(report.x[0], report.x[1]);
    assert_eq!(kind(&h), Stationary::Minimum);
}

/// Newton lands on the quadratics' stationary points in one step, whatever their type, and
/// `classify` names the type the slides give.
#[test]
fn newton_solver_finds_the_bowl_cap_and_saddle_in_one_step() {
    fn one_step<O: newton::Objective<Scalar = f64, Dim = nalgebra::Const<2>>>(
        objective: &O,
        expected: Stationary,
    ) {
        let report = Newton::default()
            .minimize(objective, &SVector::from([0.7, -1.3]))
            .unwrap();
        assert!(report.converged());
        assert_eq!(report.iterations, 1);
        assert!(report.x.norm() < 1e-15);
        let (mut g, mut h) = (SVector::zeros(), SMatrix::zeros());
        objective.value_gradient_hessian(&report.x, &mut g, &mut h);
        assert_eq!(kind(&h), expected);
    }
    one_step(&slides_bowl::Objective, Stationary::Minimum);
    one_step(&slides_cap::Objective, Stationary::Maximum);
    one_step(&slides_saddle::Objective, Stationary::Saddle { index: 1 });
}
