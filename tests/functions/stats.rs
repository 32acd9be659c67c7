//! Functions from statistics and machine learning: Ackley, log-sum-exp, softplus, a logistic
//! regression whose labels come from `if`/`else` on the loop index, and the negative
//! log-likelihood of a two-component Gaussian mixture over a weighted data set.

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_lossless,
    reason = "loop indices below 10 are exact in f64"
)]
#![allow(
    clippy::needless_range_loop,
    reason = "`#[hessian]` unrolls `for i in 0..N` over arrays; array iterators are not supported"
)]

use core::f64::consts::{E, PI};

use newton::hessian;
use num_dual::DualNum;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::oracle::{generated, Case};

/// Ackley in two dimensions, away from its non-smooth point at the origin.
#[hessian]
pub fn ackley(x: f64, y: f64) -> f64 {
    let r = (0.5 * (x * x + y * y)).sqrt();
    let c =
        0.5 * ((2.0 * core::f64::consts::PI * x).cos() + (2.0 * core::f64::consts::PI * y).cos());
    -20.0 * (-0.2 * r).exp() - c.exp() + core::f64::consts::E + 20.0
}

fn ackley_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    let r = ((x * x + y * y) * 0.5).sqrt();
    let c = ((x * (2.0 * PI)).cos() + (y * (2.0 * PI)).cos()) * 0.5;
    (r * -0.2).exp() * -20.0 - c.exp() + E + 20.0
}

#[test]
fn ackley_matches_oracle() {
    Case::cube(0.2, 2.5).check(generated!(ackley, |[x, y]| (x, y)), ackley_ref);
}

/// `ln Σ exp xᵢ`, the smooth maximum.
#[hessian]
pub fn log_sum_exp(x: [f64; 4]) -> f64 {
    let mut s = 0.0;
    for i in 0..4 {
        s += x[i].exp();
    }
    s.ln()
}

fn log_sum_exp_ref<D: DualNum<f64> + Copy>(x: [D; 4]) -> D {
    x.iter().fold(D::from(0.0), |s, xi| s + xi.exp()).ln()
}

#[test]
fn log_sum_exp_matches_oracle() {
    Case::cube(-3.0, 3.0).check(generated!(log_sum_exp, |x| (x)), log_sum_exp_ref);
}

#[test]
fn log_sum_exp_hessian_is_the_softmax_covariance() {
    // ∇² lse = diag(p) − p pᵀ with p = softmax(x): singular along (1, 1, 1, 1).
    let (_, p, h) = log_sum_exp::value_gradient_hessian([0.1, -0.4, 1.3, 0.0]);
    let ones = newton::nalgebra::SVector::<f64, 4>::repeat(1.0);
    assert!(
        (p.sum() - 1.0).abs() < 1e-15,
        "gradient {p} is not a probability vector"
    );
    assert!(
        (h * ones).amax() < 1e-15,
        "(1, 1, 1, 1) is not in the kernel of {h}"
    );
}

/// A sum of softplus terms `ln(1 + eᶻ)`.
#[hessian]
pub fn softplus(x: [f64; 3]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        s += (1.0 + x[i].exp()).ln();
    }
    s + (1.0 + (x[0] - x[1] + 0.5 * x[2]).exp()).ln()
}

fn softplus_ref<D: DualNum<f64> + Copy>(x: [D; 3]) -> D {
    let mut s = D::from(0.0);
    for xi in x {
        s += (xi.exp() + 1.0).ln();
    }
    s + ((x[0] - x[1] + x[2] * 0.5).exp() + 1.0).ln()
}

#[test]
fn softplus_matches_oracle() {
    Case::cube(-4.0, 4.0).check(generated!(softplus, |x| (x)), softplus_ref);
}

/// Logistic regression on six points `tᵢ = i/2 − 1.25`, labelled by the loop index, with a
/// small ridge penalty.
#[hessian]
pub fn logistic(w: f64, b: f64) -> f64 {
    let mut nll = 0.0;
    for i in 0..6 {
        let t = 0.5 * i as f64 - 1.25;
        let z = w * t + b;
        let softplus = (1.0 + z.exp()).ln();
        if i == 1 || i > 3 {
            nll += softplus - z;
        } else {
            nll += softplus;
        }
    }
    nll + 0.05 * (w * w + b * b)
}

fn logistic_ref<D: DualNum<f64> + Copy>([w, b]: [D; 2]) -> D {
    let mut nll = D::from(0.0);
    for i in 0..6 {
        let t = 0.5 * i as f64 - 1.25;
        let z = w * t + b;
        let softplus = (z.exp() + 1.0).ln();
        if i == 1 || i > 3 {
            nll += softplus - z;
        } else {
            nll += softplus;
        }
    }
    nll + (w * w + b * b) * 0.05
}

#[test]
fn logistic_matches_oracle() {
    Case::cube(-3.0, 3.0).check(generated!(logistic, |[w, b]| (w, b)), logistic_ref);
}

/// Weighted negative log-likelihood of the mixture `π N(m₁, σ₁²) + (1 − π) N(m₂, σ₂²)`,
/// parametrised by `p = [logit π, m₁, m₂, ln σ₁, ln σ₂]`.
#[hessian]
pub fn mixture_nll(p: [f64; 5], xs: &[f64], ws: &[f64]) -> f64 {
    let pi = 1.0 / (1.0 + (-p[0]).exp());
    let (s1, s2) = (p[3].exp(), p[4].exp());
    let norm = (2.0 * core::f64::consts::PI).sqrt();
    let mut nll = 0.0;
    for (xi, wi) in xs.iter().zip(ws) {
        let z1 = (xi - p[1]) / s1;
        let z2 = (xi - p[2]) / s2;
        let density = pi * (-0.5 * z1 * z1).exp() / (s1 * norm)
            + (1.0 - pi) * (-0.5 * z2 * z2).exp() / (s2 * norm);
        nll -= wi * density.ln();
    }
    nll
}

fn mixture_nll_ref<D: DualNum<f64> + Copy>(p: [D; 5], xs: &[f64], ws: &[f64]) -> D {
    let pi = ((-p[0]).exp() + 1.0).recip();
    let (s1, s2) = (p[3].exp(), p[4].exp());
    let norm = (2.0 * PI).sqrt();
    let mut nll = D::from(0.0);
    for (&xi, &wi) in xs.iter().zip(ws) {
        let z1 = (-p[1] + xi) / s1;
        let z2 = (-p[2] + xi) / s2;
        let density = pi * (z1 * z1 * -0.5).exp() / (s1 * norm)
            + (-pi + 1.0) * (z2 * z2 * -0.5).exp() / (s2 * norm);
        nll -= density.ln() * wi;
    }
    nll
}

/// 300 weighted samples from two clusters at −0.5 and 1.
pub fn mixture_data() -> (Vec<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    (0..300)
        .map(|i| {
            let centre = if i % 3 == 0 { 1.0 } else { -0.5 };
            let x: f64 = centre + rng.random_range(-0.8..0.8);
            (x, rng.random_range(0.5..1.5))
        })
        .unzip()
}

#[test]
fn mixture_nll_matches_oracle() {
    let (xs, ws) = mixture_data();
    Case::new([
        (-1.0, 1.0),
        (-1.0, 0.0),
        (0.5, 1.5),
        (-0.5, 0.5),
        (-0.5, 0.5),
    ])
    .check(generated!(mixture_nll, |p| (p, &xs, &ws)), |p| {
        mixture_nll_ref(p, &xs, &ws)
    });
}
