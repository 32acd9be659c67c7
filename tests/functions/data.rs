//! Functions over runtime data slices, kept as rolled loops: a 10 000-point linear least-squares
//! fit, a nonlinear one with `.iter().zip(ys.iter())`, a weighted fit over a three-way zip, and
//! an `.enumerate()` fit whose abscissae come from the index.

#![allow(
    clippy::cast_precision_loss,
    reason = "data indices below 2⁵³ are exact in f64"
)]
#![allow(
    clippy::needless_range_loop,
    reason = "`#[hessian]` unrolls `for k in 0..N` over arrays; array iterators are not supported"
)]

use newton::hessian;
use num_dual::DualNum;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::oracle::{generated, Case};

/// Number of points of the large fits.
pub const POINTS: usize = 10_000;

/// `n` seeded points `xᵢ ∈ [0, 1)` and `yᵢ = model(xᵢ) + noise`.
pub fn data(n: usize, seed: u64, model: impl Fn(f64) -> f64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let x: f64 = rng.random_range(0.0..1.0);
            (x, model(x) + rng.random_range(-0.05..0.05))
        })
        .unzip()
}

/// The linear fit's data: `y ≈ 2x + 0.5`.
pub fn linear_data() -> (Vec<f64>, Vec<f64>) {
    data(POINTS, 1, |x| 2.0 * x + 0.5)
}

/// `½ Σ (a xᵢ + b − yᵢ)²`.
#[hessian]
pub fn fit(a: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let mut s = 0.0;
    for (xi, yi) in xs.iter().zip(ys) {
        let r = a * xi + b - yi;
        s += r * r;
    }
    0.5 * s
}

fn fit_ref<D: DualNum<f64> + Copy>([a, b]: [D; 2], xs: &[f64], ys: &[f64]) -> D {
    let mut s = D::from(0.0);
    for (&xi, &yi) in xs.iter().zip(ys) {
        let r = a * xi + b - yi;
        s += r * r;
    }
    s * 0.5
}

#[test]
fn fit_matches_oracle() {
    let (xs, ys) = linear_data();
    Case::cube(-5.0, 5.0).check(generated!(fit, |[a, b]| (a, b, &xs, &ys)), |p| {
        fit_ref(p, &xs, &ys)
    });
}

#[test]
fn fit_hessian_is_the_normal_matrix() {
    let (xs, ys) = linear_data();
    let (sx, sxx) = xs.iter().fold((0.0, 0.0), |(s, q), x| (s + x, q + x * x));
    let h = fit::hessian(0.3, -0.7, &xs, &ys);
    let n = POINTS as f64;
    for (entry, expected) in [((0, 0), sxx), ((0, 1), sx), ((1, 0), sx), ((1, 1), n)] {
        let actual = h[entry];
        assert!(
            (actual - expected).abs() <= 1e-12 * expected,
            "fit hessian[{entry:?}] = {actual}, expected {expected}"
        );
    }
    assert_eq!(fit::SPARSITY, &[(0, 0), (0, 1), (1, 1)]);
}

#[test]
fn fit_handles_empty_and_short_data() {
    let (f, g, h) = fit::value_gradient_hessian(1.0, 2.0, &[], &[]);
    assert_eq!((f, g.amax(), h.amax()), (0.0, 0.0, 0.0), "fit over no data");
    // `zip` stops at the shorter slice, as in the original function.
    let (f, g, _) = fit::value_gradient_hessian(1.0, 2.0, &[1.0, 5.0], &[0.0]);
    assert_eq!((f, g[0], g[1]), (4.5, 3.0, 3.0), "fit over one pair");
}

/// `Σ (a e^{−b xᵢ} − yᵢ)²`, nonlinear in `b`.
#[hessian]
pub fn fit_exp(a: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let mut s = 0.0;
    for (xi, yi) in xs.iter().zip(ys.iter()) {
        let r = a * (-b * xi).exp() - yi;
        s += r * r;
    }
    s
}

fn fit_exp_ref<D: DualNum<f64> + Copy>([a, b]: [D; 2], xs: &[f64], ys: &[f64]) -> D {
    let mut s = D::from(0.0);
    for (&xi, &yi) in xs.iter().zip(ys) {
        let r = a * (-b * xi).exp() - yi;
        s += r * r;
    }
    s
}

#[test]
fn fit_exp_matches_oracle() {
    let (xs, ys) = data(POINTS, 2, |x| 1.5 * (-2.0 * x).exp());
    Case::cube(0.5, 3.0).check(generated!(fit_exp, |[a, b]| (a, b, &xs, &ys)), |p| {
        fit_exp_ref(p, &xs, &ys)
    });
}

/// Weighted fit of `p₀ + p₁ x + sin(p₂ x)` over a three-way zip, with a ridge term outside the
/// loop.
#[hessian]
pub fn weighted(p: [f64; 3], xs: &[f64], ys: &[f64], ws: &[f64]) -> f64 {
    let mut s = 0.0;
    for ((xi, yi), wi) in xs.iter().zip(ys).zip(ws.iter()) {
        let r = p[0] + p[1] * xi + (p[2] * xi).sin() - yi;
        s += wi * r * r;
    }
    s + 0.01 * (p[0] * p[0] + p[1] * p[1] + p[2] * p[2])
}

fn weighted_ref<D: DualNum<f64> + Copy>(p: [D; 3], xs: &[f64], ys: &[f64], ws: &[f64]) -> D {
    let mut s = D::from(0.0);
    for ((&xi, &yi), &wi) in xs.iter().zip(ys).zip(ws) {
        let r = p[0] + p[1] * xi + (p[2] * xi).sin() - yi;
        s += r * wi * r;
    }
    s + (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) * 0.01
}

/// The weighted fit's data: 1000 points and weights in `[0.5, 1.5)`.
pub fn weighted_data() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let (xs, ys) = data(1000, 3, |x| 0.2 + x + (1.7 * x).sin());
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let ws = xs.iter().map(|_| rng.random_range(0.5..1.5)).collect();
    (xs, ys, ws)
}

#[test]
fn weighted_matches_oracle() {
    let (xs, ys, ws) = weighted_data();
    Case::cube(-2.0, 2.0).check(generated!(weighted, |p| (p, &xs, &ys, &ws)), |p| {
        weighted_ref(p, &xs, &ys, &ws)
    });
}

/// Exponential decay sampled at `tᵢ = i / 1000`: `Σ (a e^{−b tᵢ} − yᵢ)²` via `.enumerate()`.
#[hessian]
pub fn decay(a: f64, b: f64, ys: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, yi) in ys.iter().enumerate() {
        let t = 0.001 * i as f64;
        let r = a * (-b * t).exp() - yi;
        s += r * r;
    }
    s
}

fn decay_ref<D: DualNum<f64> + Copy>([a, b]: [D; 2], ys: &[f64]) -> D {
    let mut s = D::from(0.0);
    for (i, &yi) in ys.iter().enumerate() {
        let t = 0.001 * i as f64;
        let r = a * (-b * t).exp() - yi;
        s += r * r;
    }
    s
}

#[test]
fn decay_matches_oracle() {
    let ys: Vec<f64> = (0..2000)
        .map(|i| 2.0 * (-0.8 * 0.001 * f64::from(i)).exp())
        .collect();
    Case::cube(0.5, 3.0).check(generated!(decay, |[a, b]| (a, b, &ys)), |p| {
        decay_ref(p, &ys)
    });
}

/// `enumerate` over a zip, the index weighting each residual.
#[hessian]
pub fn indexed(a: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, (xi, yi)) in xs.iter().zip(ys).enumerate() {
        let r = (a * xi).tanh() + b - yi;
        s += (1.0 + 0.01 * i as f64) * r * r;
    }
    s
}

fn indexed_ref<D: DualNum<f64> + Copy>([a, b]: [D; 2], xs: &[f64], ys: &[f64]) -> D {
    let mut s = D::from(0.0);
    for (i, (&xi, &yi)) in xs.iter().zip(ys).enumerate() {
        let r = (a * xi).tanh() + b - yi;
        s += r * (1.0 + 0.01 * i as f64) * r;
    }
    s
}

#[test]
fn indexed_matches_oracle() {
    let (xs, ys) = data(500, 5, |x| (1.2 * x).tanh() - 0.3);
    Case::cube(-2.0, 2.0).check(generated!(indexed, |[a, b]| (a, b, &xs, &ys)), |p| {
        indexed_ref(p, &xs, &ys)
    });
}

/// Two accumulators of one rolled loop, combined nonlinearly after it: the Hessian needs the
/// sums' gradients' outer products as well as their Hessians.
#[hessian]
pub fn accumulators(a: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let mut s1 = 0.0;
    let mut s2 = 0.0;
    for (xi, yi) in xs.iter().zip(ys) {
        let r = a * xi + b * b - yi;
        s1 += r * r;
        s2 += (a * xi).sin();
    }
    (s1 + 1.0).ln() + 0.01 * s2 * s1 + (0.01 * s2 * b).exp()
}

fn accumulators_ref<D: DualNum<f64> + Copy>([a, b]: [D; 2], xs: &[f64], ys: &[f64]) -> D {
    let mut s1 = D::from(0.0);
    let mut s2 = D::from(0.0);
    for (&xi, &yi) in xs.iter().zip(ys) {
        let r = a * xi + b * b - yi;
        s1 += r * r;
        s2 += (a * xi).sin();
    }
    (s1 + 1.0).ln() + s2 * 0.01 * s1 + (s2 * 0.01 * b).exp()
}

#[test]
fn accumulators_match_oracle() {
    let (xs, ys) = data(1000, 6, |x| 0.5 * x + 0.2);
    Case::cube(-1.5, 1.5).check(generated!(accumulators, |[a, b]| (a, b, &xs, &ys)), |p| {
        accumulators_ref(p, &xs, &ys)
    });
}

/// A cubic model evaluated by an unrolled loop with `let mut` locals inside the rolled data
/// loop.
#[hessian]
pub fn polynomial(p: [f64; 4], xs: &[f64], ys: &[f64]) -> f64 {
    let mut s = 0.0;
    for (xi, yi) in xs.iter().zip(ys) {
        let mut model = 0.0;
        let mut power = 1.0;
        for k in 0..4 {
            model += p[k] * power;
            power *= xi;
        }
        s += (model - yi) * (model - yi);
    }
    s
}

fn polynomial_ref<D: DualNum<f64> + Copy>(p: [D; 4], xs: &[f64], ys: &[f64]) -> D {
    let mut s = D::from(0.0);
    for (&xi, &yi) in xs.iter().zip(ys) {
        let model = p[0] + p[1] * xi + p[2] * (xi * xi) + p[3] * (xi * xi * xi);
        s += (model - yi) * (model - yi);
    }
    s
}

#[test]
fn polynomial_matches_oracle() {
    let (xs, ys) = data(2000, 7, |x| 1.0 - x + 0.5 * x * x * x);
    Case::cube(-2.0, 2.0).check(generated!(polynomial, |p| (p, &xs, &ys)), |p| {
        polynomial_ref(p, &xs, &ys)
    });
}
