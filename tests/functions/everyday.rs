//! What a numerical Rust programmer types without thinking of `#[hessian]`: `max`, `min`,
//! `clamp`, `ln_1p`, `exp_m1`, the inverse hyperbolic functions, `log`, `sin_cos`, `copysign`,
//! angle conversions, iterator sums and folds over data and over constant ranges, and tables,
//! structs and `const fn`s from the surrounding module.

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_lossless,
    reason = "indices and data lengths below 2⁵³, written as users write them"
)]

use newton::hessian;
use num_dual::DualNum;

use crate::functions::data::data;
use crate::oracle::{generated, Case};

/// `ln_1p`, `exp_m1`, `asinh`, `acosh`, `atanh`, `log`, `sin_cos`, `to_radians`, `to_degrees`;
/// `x ∈ [0.1, 0.8]`, `y ∈ [1.5, 3]`.
#[hessian]
pub fn careful_forms(x: f64, y: f64) -> f64 {
    let (s, c) = (x * y).sin_cos();
    x.ln_1p() * y + (0.5 * x).exp_m1() + (x * y).asinh() + y.acosh() * x.atanh() + y.log(3.0)
        - s * c
        + x.to_radians() * y.to_degrees()
}

fn careful_forms_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    let (s, c) = (x * y).sin_cos();
    x.ln_1p() * y
        + (x * 0.5).exp_m1()
        + (x * y).asinh()
        + y.acosh() * x.atanh()
        + y.ln() / 3f64.ln()
        - s * c
        + x * (core::f64::consts::PI / 180.0) * (y * (180.0 / core::f64::consts::PI))
}

#[test]
fn careful_forms_matches_oracle() {
    Case::new([(0.1, 0.8), (1.5, 3.0)]).check(
        generated!(careful_forms, |[x, y]| (x, y)),
        careful_forms_ref,
    );
}

/// A hinge, a clipped quadratic and a `copysign`: piecewise smooth, differentiated along the
/// active branch; sampled away from the kinks by the seeded points.
#[hessian]
pub fn piecewise(x: f64, y: f64) -> f64 {
    let hinge = (1.0 - x * y).max(0.0);
    let clipped = (x + y).clamp(-1.0, 1.0);
    hinge * hinge + clipped * x + x.min(y) * y + (x * x).copysign(y - 0.2) + 2.0_f64.max(0.5) * y
}

fn piecewise_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    let h = -(x * y) + 1.0;
    let hinge = if h.re() > 0.0 { h } else { D::from(0.0) };
    let s = x + y;
    let clipped = if s.re() < -1.0 {
        D::from(-1.0)
    } else if s.re() > 1.0 {
        D::from(1.0)
    } else {
        s
    };
    let smaller = if x.re() <= y.re() { x } else { y };
    let sign = if (y.re() - 0.2) < 0.0 { -1.0 } else { 1.0 };
    hinge * hinge + clipped * x + smaller * y + x * x * sign + y * 2.0
}

#[test]
fn piecewise_matches_oracle() {
    Case::cube(-1.5, 1.5)
        .loose_sparsity()
        .check(generated!(piecewise, |[x, y]| (x, y)), piecewise_ref);
    // NaN stays NaN through `clamp`, as in the original
    assert!(piecewise::value(f64::NAN, 0.3).is_nan());
}

/// Gauss–Legendre nodes and weights on [−1, 1], a module-level table as in quadrature code.
pub const GAUSS_X: [f64; 3] = [-0.774_596_669_241_483_4, 0.0, 0.774_596_669_241_483_4];
/// The weights of [`GAUSS_X`].
pub const GAUSS_W: [f64; 3] = [5.0 / 9.0, 8.0 / 9.0, 5.0 / 9.0];

/// Coefficients in a struct constant.
pub struct Coefficients {
    /// Scale of the quadratic term.
    pub quadratic: f64,
    /// Per-node shifts.
    pub shifts: [f64; 3],
}

/// The coefficients [`quadrature`] reads.
pub const COEFFICIENTS: Coefficients = Coefficients {
    quadratic: 0.75,
    shifts: [0.1, -0.2, 0.3],
};

/// A `const fn` of a loop index.
pub const fn node_weight(i: usize) -> f64 {
    1.0 + 0.5 * i as f64
}

/// `∫₋₁¹ exp(a t) (b + t)² dt` by 3-point Gauss quadrature, with tables, a struct constant and
/// a `const fn` from this module.
#[hessian]
pub fn quadrature(a: f64, b: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        let t = GAUSS_X[i] + COEFFICIENTS.shifts[i];
        s += GAUSS_W[i] * node_weight(i) * (a * t).exp() * (b + t).powi(2);
    }
    COEFFICIENTS.quadratic * s
}

fn quadrature_ref<D: DualNum<f64> + Copy>([a, b]: [D; 2]) -> D {
    let mut s = D::from(0.0);
    for i in 0..3 {
        let t = GAUSS_X[i] + COEFFICIENTS.shifts[i];
        s += (a * t).exp() * (b + t).powi(2) * (GAUSS_W[i] * node_weight(i));
    }
    s * COEFFICIENTS.quadratic
}

#[test]
fn quadrature_matches_oracle() {
    Case::cube(-1.0, 1.0).check(generated!(quadrature, |[a, b]| (a, b)), quadrature_ref);
}

/// A logistic negative log-likelihood written with iterator sums over data, a `(0..K)` sum and a
/// `fold`: each kept rolled over the data, as a `for` loop would be.
#[hessian]
pub fn logistic(w: f64, c: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let nll = xs
        .iter()
        .zip(ys)
        .map(|(x, y)| (1.0 + (w * x + c).exp()).ln() - y * (w * x + c))
        .sum::<f64>();
    let ridge: f64 = (0..3).map(|k| 0.01 * (k as f64 + 1.0) * w * w).sum();
    let mean_x = xs.iter().sum::<f64>() / xs.len() as f64;
    let centred = xs.iter().fold(0.0, |acc, &x| acc + (x - mean_x) * c * c);
    nll + ridge + centred
}

fn logistic_ref<D: DualNum<f64> + Copy>([w, c]: [D; 2], xs: &[f64], ys: &[f64]) -> D {
    let mut nll = D::from(0.0);
    for (&x, &y) in xs.iter().zip(ys) {
        nll += ((w * x + c).exp() + 1.0).ln() - (w * x + c) * y;
    }
    let ridge = w * w * (0.01 + 0.02 + 0.03);
    let mean_x = xs.iter().sum::<f64>() / xs.len() as f64;
    let mut centred = D::from(0.0);
    for &x in xs {
        centred += c * c * (x - mean_x);
    }
    nll + ridge + centred
}

#[test]
fn logistic_matches_oracle() {
    let (xs, ys) = data(200, 7, |x| if x > 0.4 { 1.0 } else { 0.0 });
    Case::cube(-2.0, 2.0).check(generated!(logistic, |[w, c]| (w, c, &xs, &ys)), |p| {
        logistic_ref(p, &xs, &ys)
    });
}

/// One `tanh`, for the precision of its derivative.
#[hessian]
pub fn activation(x: f64) -> f64 {
    x.tanh()
}

/// tanh′ is emitted as (1 − t)(1 + t): no worse in the tail than the rounding of t = tanh x
/// itself allows, |δ| ≲ ε/(1 − |t|) (1 − t·t adds a rounding of t·t on top). The reference
/// sech²x = 4/(eˣ + e⁻ˣ)² has no cancellation.
#[test]
fn tanh_derivative_is_as_precise_as_tanh_allows() {
    for x in [0.3_f64, 2.0, 5.0, 8.0, 12.0, -9.5] {
        let sech2 = 4.0 / (x.exp() + (-x).exp()).powi(2);
        let g = activation::gradient(x)[0];
        assert!((activation::value(x) - activation(x)).abs() <= f64::EPSILON);
        let relative = (g - sech2).abs() / sech2;
        let allowed = 4.0 * f64::EPSILON / (1.0 - x.tanh().abs());
        assert!(
            relative < allowed,
            "tanh′({x}) = {g:e}, sech² = {sech2:e}: {relative:e}"
        );
    }
}

/// A local array filled element by element in a constant loop, then read back.
#[hessian]
pub fn local_array(x: [f64; 3]) -> f64 {
    let mut z = [0.0; 3];
    for j in 0..3 {
        z[j] = x[j] * x[(j + 1) % 3];
    }
    z.iter().sum::<f64>() + z[0] * z[2]
}

fn local_array_ref<D: DualNum<f64> + Copy>(x: [D; 3]) -> D {
    let z = [x[0] * x[1], x[1] * x[2], x[2] * x[0]];
    z[0] + z[1] + z[2] + z[0] * z[2]
}

#[test]
fn local_array_matches_oracle() {
    Case::cube(-2.0, 2.0).check(generated!(local_array, |x| (x)), local_array_ref);
}

/// Remainders: `%` and `rem_euclid` are `a − b·q` with the quotient `q` piecewise constant,
/// `div_euclid` is piecewise constant; `x ∈ [0.3, 2]`, `y ∈ [0.4, 1.5]`.
#[hessian]
pub fn remainders(x: f64, y: f64) -> f64 {
    let mut r = (x * x) % 0.7 * y + (x * y).rem_euclid(-0.3) + y.div_euclid(0.25) * x;
    r %= 5.0;
    r + (x + 2.0 * y) % y + (-x).rem_euclid(y)
}

fn remainders_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    // a − b·q with q from the values, as Rust computes it
    let rem = |a: D, b: D| a - b * (a.re() / b.re()).trunc();
    let rem_euclid = |a: D, b: D| a - b * a.re().div_euclid(b.re());
    let r = rem(x * x, D::from(0.7)) * y
        + rem_euclid(x * y, D::from(-0.3))
        + x * y.re().div_euclid(0.25);
    let r = rem(r, D::from(5.0));
    r + rem(x + y * 2.0, y) + rem_euclid(-x, y)
}

#[test]
fn remainders_match_oracle() {
    Case::new([(0.3, 2.0), (0.4, 1.5)])
        .check(generated!(remainders, |[x, y]| (x, y)), remainders_ref);
}
