//! Classic two-dimensional optimisation test functions (Surjanovic & Bingham, *Virtual Library
//! of Simulation Experiments*): polynomials of high degree, a trigonometric one, an exponential
//! one.

use newton::hessian;
use num_dual::DualNum;

use crate::oracle::{generated, Case};

/// Himmelblau: four minima of value 0, one at `(3, 2)`.
#[hessian]
pub fn himmelblau(x: f64, y: f64) -> f64 {
    (x.powi(2) + y - 11.0).powi(2) + (x + y * y - 7.0).powi(2)
}

fn himmelblau_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    (x.powi(2) + y - 11.0).powi(2) + (x + y * y - 7.0).powi(2)
}

#[test]
fn himmelblau_matches_oracle() {
    Case::cube(-5.0, 5.0)
        .points(256)
        .check(generated!(himmelblau, |[x, y]| (x, y)), himmelblau_ref);
}

/// Beale: a degree-8 polynomial with a narrow valley, minimum at `(3, 0.5)`.
#[hessian]
pub fn beale(x: f64, y: f64) -> f64 {
    (1.5 - x + x * y).powi(2) + (2.25 - x + x * y * y).powi(2) + (2.625 - x + x * y.powi(3)).powi(2)
}

fn beale_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    (-x + x * y + 1.5).powi(2)
        + (-x + x * y * y + 2.25).powi(2)
        + (-x + x * y.powi(3) + 2.625).powi(2)
}

#[test]
fn beale_matches_oracle() {
    Case::cube(-4.5, 4.5).check(generated!(beale, |[x, y]| (x, y)), beale_ref);
}

/// Booth: a quadratic, so its Hessian is the constant `[[10, 8], [8, 10]]`.
#[hessian]
pub fn booth(x: f64, y: f64) -> f64 {
    (x + 2.0 * y - 7.0) * (x + 2.0 * y - 7.0) + (2.0 * x + y - 5.0) * (2.0 * x + y - 5.0)
}

fn booth_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    (x + y * 2.0 - 7.0) * (x + y * 2.0 - 7.0) + (x * 2.0 + y - 5.0) * (x * 2.0 + y - 5.0)
}

#[test]
fn booth_matches_oracle() {
    Case::cube(-10.0, 10.0).check(generated!(booth, |[x, y]| (x, y)), booth_ref);
}

#[test]
fn booth_hessian_is_the_constant_quadratic_form() {
    for (x, y) in [(0.0, 0.0), (1.0, 3.0), (-7.5, 2.25)] {
        let h = booth::hessian(x, y);
        let expected = newton::nalgebra::Matrix2::new(10.0, 8.0, 8.0, 10.0);
        assert_eq!(h, expected, "booth at ({x}, {y})");
    }
    let (f, g, _) = booth::value_gradient_hessian(1.0, 3.0);
    assert_eq!((f, g.norm()), (0.0, 0.0), "booth's minimum is (1, 3)");
}

/// Matyas: `0.26 (x² + y²) − 0.48 x y`.
#[hessian]
pub fn matyas(x: f64, y: f64) -> f64 {
    0.26 * (x * x + y * y) - 0.48 * x * y
}

fn matyas_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    (x * x + y * y) * 0.26 - x * 0.48 * y
}

#[test]
fn matyas_matches_oracle() {
    Case::cube(-10.0, 10.0).check(generated!(matyas, |[x, y]| (x, y)), matyas_ref);
}

/// Three-hump camel: `2x² − 1.05x⁴ + x⁶/6 + xy + y²`.
#[hessian]
pub fn three_hump_camel(x: f64, y: f64) -> f64 {
    2.0 * x * x - 1.05 * x.powi(4) + x.powi(6) / 6.0 + x * y + y * y
}

fn three_hump_camel_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    x * x * 2.0 - x.powi(4) * 1.05 + x.powi(6) / 6.0 + x * y + y * y
}

#[test]
fn three_hump_camel_matches_oracle() {
    Case::cube(-5.0, 5.0).check(
        generated!(three_hump_camel, |[x, y]| (x, y)),
        three_hump_camel_ref,
    );
}

/// Goldstein–Price: a product of two degree-4 polynomials; values up to ~10⁶ on `[-2, 2]²`.
#[hessian]
pub fn goldstein_price(x: f64, y: f64) -> f64 {
    let a = 1.0
        + (x + y + 1.0).powi(2)
            * (19.0 - 14.0 * x + 3.0 * x * x - 14.0 * y + 6.0 * x * y + 3.0 * y * y);
    let b = 30.0
        + (2.0 * x - 3.0 * y).powi(2)
            * (18.0 - 32.0 * x + 12.0 * x * x + 48.0 * y - 36.0 * x * y + 27.0 * y * y);
    a * b
}

fn goldstein_price_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    let a = (x + y + 1.0).powi(2)
        * (-x * 14.0 + x * x * 3.0 - y * 14.0 + x * y * 6.0 + y * y * 3.0 + 19.0)
        + 1.0;
    let b = (x * 2.0 - y * 3.0).powi(2)
        * (-x * 32.0 + x * x * 12.0 + y * 48.0 - x * y * 36.0 + y * y * 27.0 + 18.0)
        + 30.0;
    a * b
}

#[test]
fn goldstein_price_matches_oracle() {
    Case::cube(-2.0, 2.0).check(
        generated!(goldstein_price, |[x, y]| (x, y)),
        goldstein_price_ref,
    );
}

#[test]
fn goldstein_price_minimum() {
    let (f, g, h) = goldstein_price::value_gradient_hessian(0.0, -1.0);
    assert!((f - 3.0).abs() < 1e-12, "f(0, -1) = {f}, expected 3");
    assert!(g.norm() < 1e-9, "gradient at (0, -1) = {g}");
    assert!(
        h.cholesky().is_some(),
        "Hessian at (0, -1) not positive definite: {h}"
    );
}

/// `McCormick`: `sin(x + y) + (x − y)² − 1.5x + 2.5y + 1`.
#[hessian]
pub fn mccormick(x: f64, y: f64) -> f64 {
    (x + y).sin() + (x - y).powi(2) - 1.5 * x + 2.5 * y + 1.0
}

fn mccormick_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    (x + y).sin() + (x - y).powi(2) - x * 1.5 + y * 2.5 + 1.0
}

#[test]
fn mccormick_matches_oracle() {
    Case::new([(-1.5, 4.0), (-3.0, 4.0)])
        .check(generated!(mccormick, |[x, y]| (x, y)), mccormick_ref);
}

/// Easom: `−cos x cos y exp(−(x − π)² − (y − π)²)`, a single narrow well at `(π, π)`.
#[hessian]
pub fn easom(x: f64, y: f64) -> f64 {
    let dx = x - core::f64::consts::PI;
    let dy = y - core::f64::consts::PI;
    -x.cos() * y.cos() * (-(dx * dx + dy * dy)).exp()
}

fn easom_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    let dx = x - core::f64::consts::PI;
    let dy = y - core::f64::consts::PI;
    -x.cos() * y.cos() * (-(dx * dx + dy * dy)).exp()
}

#[test]
fn easom_matches_oracle() {
    Case::cube(1.0, 5.0).check(generated!(easom, |[x, y]| (x, y)), easom_ref);
}
