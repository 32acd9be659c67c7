//! Generated code is lint-clean in user crates: `#[hessian]` applied under the strictest lint
//! levels a user might choose, so `cargo clippy --workspace --all-targets` fails when the
//! expansion warns (model: thiserror's `test_lints.rs`).
//!
//! The functions cover the expansion's branches: scalars and arrays, `wrt`, integer and data
//! arguments, unrolled and rolled loops, `f32`, structural zeros, and a function of which a
//! caller uses one generated item only (the rest must not be dead code).

#![deny(warnings, clippy::all, clippy::pedantic, missing_docs)]

use newton::hessian;
use newton::Objective as _;

newton::network! {
    /// A regression network.
    pub lint_regression {
        inputs: (x),
        hidden: [3, 3],
        activation: tanh,
        residual: u - y,
    }
}

newton::network! {
    /// A Fourier-feature network with an output bias.
    pub lint_fourier {
        inputs: (x),
        hidden: [2, 2, 2],
        activation: sin(3.0),
        embedding: fourier(2),
        output_bias: true,
        residual: u - target,
    }
}

newton::network! {
    /// A 2-D PINN with a distance function that ignores one input.
    pub lint_pinn {
        inputs: (x, y),
        hidden: [2, 2],
        activation: sin(1.0),
        distance: x * (1.0 - x),
        residual: u.xx + u.yy + u.xy + PI,
    }
}

/// Uses one item of a network, so the rest must not be dead code.
#[must_use]
pub fn network_parameters() -> usize {
    lint_regression::P + lint_pinn::Network::new().architecture().parameters()
}

#[test]
fn network_items_under_deny() {
    assert_eq!(lint_regression::P, 3 * 2 + 3 * 4 + 3);
    assert_eq!(network_parameters(), lint_regression::P + lint_pinn::P);
    assert_eq!(lint_fourier::FREQUENCIES, 2);
}

/// Himmelblau's function.
#[hessian]
pub fn himmelblau(x: f64, y: f64) -> f64 {
    (x * x + y - 11.0).powi(2) + (x + y * y - 7.0).powi(2)
}

/// A chained quartic over an array, unrolled.
#[hessian]
pub fn chain(x: [f64; 4]) -> f64 {
    const WEIGHT: f64 = 0.5;
    let mut s = 0.0;
    for i in 1..4 {
        let d = x[i] - x[i - 1] * x[i - 1];
        s += WEIGHT * d * d;
    }
    s + (x[0] - 1.0).powi(4)
}

/// A weighted least-squares fit over data slices.
#[hessian]
pub fn fit(a: f64, b: f64, xs: &[f64], ys: &[f64], ws: &[f64]) -> f64 {
    let mut s = 0.0;
    for ((xi, yi), wi) in xs.iter().zip(ys).zip(ws) {
        let r = a * (b * xi).exp() - yi;
        s += wi * r * r;
    }
    s
}

/// A function of `x` and `z` only, with a constant weight and an integer mode.
#[hessian(wrt(x, z))]
pub fn partial(x: f64, y: f64, z: [f64; 2], mode: u8) -> f64 {
    let base = x * z[0] + (z[1] * y).sin();
    if mode > 1 {
        base * base
    } else {
        base.exp()
    }
}

/// An `f32` function with every compound assignment.
#[hessian]
pub fn single(x: f32, y: f32) -> f32 {
    let mut s = x * y;
    s += x.sin();
    s -= y.cosh();
    s *= 1.5;
    s /= 2.0 + x * x;
    s
}

/// A separable function: its Hessian is diagonal.
#[hessian]
pub fn separable(x: [f64; 3]) -> f64 {
    x[0].exp() + x[1].ln() + x[2].sqrt()
}

/// A function of which a caller uses only the fused derivatives.
#[hessian]
pub fn only_fused(x: f64, y: f64) -> f64 {
    (x - y).tanh() * x.atan2(y)
}

use newton::nalgebra::{SMatrix, SVector};

/// Whether `a` and `b` agree to `tolerance`, relative to `max(1, |b|)`.
fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1.0)
}

#[test]
fn scalar_function_items_under_deny() {
    assert!(close(
        himmelblau(3.0, 2.0),
        himmelblau::value_gradient(3.0, 2.0).0,
        1e-15
    ));
    assert!(himmelblau::gradient(3.0, 2.0).norm() < 1e-15);
    assert!(himmelblau::hessian(3.0, 2.0).cholesky().is_some());
    assert!(himmelblau::OPS.value_gradient_hessian.total() > 0);
    assert_eq!(himmelblau::SPARSITY.len(), 3);
    let (value, _, _) = only_fused::value_gradient_hessian(0.3, 0.4);
    assert!(close(value, only_fused(0.3, 0.4), 1e-15));
}

#[test]
fn array_function_items_under_deny() {
    let ones = [1.0; 4];
    assert!(chain(ones).abs() < 1e-15);
    assert!(chain::value_gradient_hessian(ones).1.norm() < 1e-15);
    assert_eq!(chain::DIM, 4);
    assert_eq!(separable::SPARSITY, &[(0, 0), (1, 1), (2, 2)]);
    assert!(close(separable([0.0, 1.0, 4.0]), 3.0, 1e-15));
    assert_eq!(separable::hessian([0.0, 1.0, 4.0])[(0, 1)].to_bits(), 0);
}

#[test]
fn data_and_constant_objectives_under_deny() {
    let (xs, ys, ws) = ([0.0, 0.5, 1.0], [1.0, 1.5, 2.5], [1.0, 1.0, 2.0]);
    let objective = fit::Objective {
        xs: &xs,
        ys: &ys,
        ws: &ws,
    };
    let point = SVector::from([1.0, 0.9]);
    let mut gradient = SVector::zeros();
    let mut hessian = SMatrix::zeros();
    let value = objective.value_gradient_hessian(&point, &mut gradient, &mut hessian);
    assert!(close(value, fit(1.0, 0.9, &xs, &ys, &ws), 1e-14));
    assert_eq!(gradient, fit::gradient(1.0, 0.9, &xs, &ys, &ws));

    let objective = partial::Objective { y: 0.3, mode: 2 };
    assert_eq!(partial::DIM, 3);
    let point = SVector::from([0.1, 0.2, 0.3]);
    let expected = partial(0.1, 0.3, [0.2, 0.3], 2);
    assert!(close(objective.value(&point), expected, 1e-15));
}

#[test]
fn f32_function_items_under_deny() {
    let (value, gradient, hessian) = single::value_gradient_hessian(0.5, -0.5);
    assert!(value.is_finite() && gradient.norm().is_finite() && hessian.norm().is_finite());
    let through_trait = single::Objective.value(&SVector::from([0.5, -0.5]));
    assert!((through_trait - value).abs() < 1e-6);
    assert!((single(0.5, -0.5) - value).abs() < 1e-6);
}
