//! Four-dimensional test functions over `[f64; 4]`, written with unrolled `for i in 0..N` loops,
//! `i as f64`, `x[i - 1]` indexing, and `const` loop bounds.

#![allow(
    clippy::cast_precision_loss,
    reason = "loop indices below 10 are exact in f64"
)]
#![allow(
    clippy::needless_range_loop,
    reason = "`#[hessian]` unrolls `for i in 0..N` over arrays; array iterators are not supported"
)]

use newton::hessian;
use num_dual::DualNum;

use crate::oracle::{generated, Case};

/// Styblinski–Tang: `½ Σ (xᵢ⁴ − 16xᵢ² + 5xᵢ)`, separable, so its Hessian is diagonal.
#[hessian]
pub fn styblinski_tang(x: [f64; 4]) -> f64 {
    let mut s = 0.0;
    for i in 0..4 {
        let xi = x[i];
        s += xi.powi(4) - 16.0 * xi * xi + 5.0 * xi;
    }
    0.5 * s
}

fn styblinski_tang_ref<D: DualNum<f64> + Copy>(x: [D; 4]) -> D {
    let mut s = D::from(0.0);
    for xi in x {
        s += xi.powi(4) - xi * 16.0 * xi + xi * 5.0;
    }
    s * 0.5
}

#[test]
fn styblinski_tang_matches_oracle() {
    Case::cube(-5.0, 5.0).check(generated!(styblinski_tang, |x| (x)), styblinski_tang_ref);
    assert_eq!(styblinski_tang::DIM, 4);
    assert_eq!(styblinski_tang::SPARSITY, &[(0, 0), (1, 1), (2, 2), (3, 3)]);
}

/// Powell's singular function; its Hessian is singular at the minimum `0`.
#[hessian]
pub fn powell_singular(x: [f64; 4]) -> f64 {
    (x[0] + 10.0 * x[1]).powi(2)
        + 5.0 * (x[2] - x[3]).powi(2)
        + (x[1] - 2.0 * x[2]).powi(4)
        + 10.0 * (x[0] - x[3]).powi(4)
}

fn powell_singular_ref<D: DualNum<f64> + Copy>(x: [D; 4]) -> D {
    (x[0] + x[1] * 10.0).powi(2)
        + (x[2] - x[3]).powi(2) * 5.0
        + (x[1] - x[2] * 2.0).powi(4)
        + (x[0] - x[3]).powi(4) * 10.0
}

#[test]
fn powell_singular_matches_oracle() {
    Case::cube(-4.0, 5.0).check(generated!(powell_singular, |x| (x)), powell_singular_ref);
    // x₀ and x₂ never meet in one term, nor do x₁ and x₃.
    assert_eq!(
        powell_singular::SPARSITY,
        &[
            (0, 0),
            (0, 1),
            (0, 3),
            (1, 1),
            (1, 2),
            (2, 2),
            (2, 3),
            (3, 3)
        ]
    );
}

/// Wood (Colville) function, minimum 0 at `(1, 1, 1, 1)`.
#[hessian]
pub fn wood(x: [f64; 4]) -> f64 {
    let (a, b, c, d) = (x[0], x[1], x[2], x[3]);
    100.0 * (a * a - b).powi(2)
        + (a - 1.0).powi(2)
        + (c - 1.0).powi(2)
        + 90.0 * (c * c - d).powi(2)
        + 10.1 * ((b - 1.0).powi(2) + (d - 1.0).powi(2))
        + 19.8 * (b - 1.0) * (d - 1.0)
}

fn wood_ref<D: DualNum<f64> + Copy>([a, b, c, d]: [D; 4]) -> D {
    (a * a - b).powi(2) * 100.0
        + (a - 1.0).powi(2)
        + (c - 1.0).powi(2)
        + (c * c - d).powi(2) * 90.0
        + ((b - 1.0).powi(2) + (d - 1.0).powi(2)) * 10.1
        + (b - 1.0) * 19.8 * (d - 1.0)
}

#[test]
fn wood_matches_oracle() {
    Case::cube(-3.0, 3.0).check(generated!(wood, |x| (x)), wood_ref);
    assert_eq!(
        wood::SPARSITY,
        &[(0, 0), (0, 1), (1, 1), (1, 3), (2, 2), (2, 3), (3, 3)]
    );
    let (f, g, _) = wood::value_gradient_hessian([1.0; 4]);
    assert_eq!((f, g.amax()), (0.0, 0.0), "wood's minimum is (1, 1, 1, 1)");
}

/// Zakharov: `Σ xᵢ² + s² + s⁴` with `s = Σ ½ (i + 1) xᵢ`; dense Hessian.
#[hessian]
pub fn zakharov(x: [f64; 4]) -> f64 {
    let mut squares = 0.0;
    let mut s = 0.0;
    for i in 0..4 {
        squares += x[i] * x[i];
        s += 0.5 * (i as f64 + 1.0) * x[i];
    }
    squares + s.powi(2) + s.powi(4)
}

fn zakharov_ref<D: DualNum<f64> + Copy>(x: [D; 4]) -> D {
    let mut squares = D::from(0.0);
    let mut s = D::from(0.0);
    for (i, xi) in x.into_iter().enumerate() {
        squares += xi * xi;
        s += xi * (0.5 * (i as f64 + 1.0));
    }
    squares + s.powi(2) + s.powi(4)
}

#[test]
fn zakharov_matches_oracle() {
    Case::cube(-2.0, 2.0).check(generated!(zakharov, |x| (x)), zakharov_ref);
    assert_eq!(zakharov::SPARSITY.len(), 10, "dense 4×4 upper triangle");
}

/// Dixon–Price: `(x₀ − 1)² + Σᵢ₌₁ (i + 1)(2xᵢ² − xᵢ₋₁)²`, a chain, so tridiagonal.
#[hessian]
pub fn dixon_price(x: [f64; 4]) -> f64 {
    const N: usize = 4;
    let mut s = (x[0] - 1.0).powi(2);
    for i in 1..N {
        let t = 2.0 * x[i] * x[i] - x[i - 1];
        s += (i as f64 + 1.0) * t * t;
    }
    s
}

fn dixon_price_ref<D: DualNum<f64> + Copy>(x: [D; 4]) -> D {
    let mut s = (x[0] - 1.0).powi(2);
    for i in 1..4 {
        let t = x[i] * 2.0 * x[i] - x[i - 1];
        s += t * (i as f64 + 1.0) * t;
    }
    s
}

#[test]
fn dixon_price_matches_oracle() {
    Case::cube(-3.0, 3.0).check(generated!(dixon_price, |x| (x)), dixon_price_ref);
    assert_eq!(
        dixon_price::SPARSITY,
        &[(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3)]
    );
}

/// The Hilbert quadratic form `Σᵢⱼ xᵢ xⱼ / (i + j + 1)` over twelve scalars: 144 unrolled terms,
/// index arithmetic on two loop indices, a dense Hessian `2 / (i + j + 1)`.
#[hessian]
pub fn hilbert(x: [f64; 12]) -> f64 {
    let mut s = 0.0;
    for i in 0..12 {
        for j in 0..12 {
            s += x[i] * x[j] / ((i + j) as f64 + 1.0);
        }
    }
    s
}

fn hilbert_ref<D: DualNum<f64> + Copy>(x: [D; 12]) -> D {
    let mut s = D::from(0.0);
    for i in 0..12 {
        for j in 0..12 {
            s += x[i] * x[j] / ((i + j) as f64 + 1.0);
        }
    }
    s
}

#[test]
fn hilbert_matches_oracle() {
    Case::cube(-1.0, 1.0).check(generated!(hilbert, |x| (x)), hilbert_ref);
    let h = hilbert::hessian([0.0; 12]);
    for i in 0..12 {
        for j in 0..12 {
            let expected = 2.0 / ((i + j) as f64 + 1.0);
            let actual = h[(i, j)];
            assert!(
                (actual - expected).abs() <= 1e-15,
                "hilbert hessian[({i}, {j})] = {actual}, expected {expected}"
            );
        }
    }
    assert_eq!(hilbert::SPARSITY.len(), 78, "dense 12×12 upper triangle");
}
