//! Functions whose Hessians are sparse, with `SPARSITY` checked against the exact expected
//! pattern: tridiagonal (Trid), block diagonal (extended Rosenbrock, `x[2 * i + 1]` indexing),
//! arrowhead, and a function whose only coupling cancels symbolically.

#![allow(
    clippy::needless_range_loop,
    reason = "`#[hessian]` unrolls `for i in 0..N` over arrays; array iterators are not supported"
)]

use newton::hessian;
use num_dual::DualNum;

use crate::oracle::{generated, Case};

/// Upper-triangle pattern of a band matrix of half-bandwidth `w`.
fn band(n: usize, w: usize) -> Vec<(usize, usize)> {
    (0..n)
        .flat_map(|i| (i..n.min(i + w + 1)).map(move |j| (i, j)))
        .collect()
}

/// Trid: `Σ (xᵢ − 1)² − Σᵢ₌₁ xᵢ xᵢ₋₁`, a tridiagonal quadratic.
#[hessian]
pub fn trid(x: [f64; 5]) -> f64 {
    let mut s = 0.0;
    for i in 0..5 {
        s += (x[i] - 1.0).powi(2);
    }
    for i in 1..5 {
        s -= x[i] * x[i - 1];
    }
    s
}

fn trid_ref<D: DualNum<f64> + Copy>(x: [D; 5]) -> D {
    let mut s = D::from(0.0);
    for xi in x {
        s += (xi - 1.0).powi(2);
    }
    for i in 1..5 {
        s -= x[i] * x[i - 1];
    }
    s
}

#[test]
fn trid_matches_oracle() {
    Case::cube(-25.0, 25.0).check(generated!(trid, |x| (x)), trid_ref);
}

#[test]
fn trid_sparsity_is_tridiagonal() {
    assert_eq!(trid::SPARSITY, band(5, 1).as_slice());
    let h = trid::hessian([0.3, -1.0, 2.0, 4.5, 0.0]);
    for i in 0..5_usize {
        for j in 0..5 {
            let expected = match i.abs_diff(j) {
                0 => 2.0,
                1 => -1.0,
                _ => 0.0,
            };
            assert_eq!(
                h[(i, j)].to_bits(),
                f64::to_bits(expected),
                "trid hessian[({i}, {j})]"
            );
        }
    }
}

/// Extended Rosenbrock: three independent Rosenbrock pairs `(x[2i], x[2i + 1])`.
#[hessian]
pub fn extended_rosenbrock(x: [f64; 6]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        let (a, b) = (x[2 * i], x[2 * i + 1]);
        s += 100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2);
    }
    s
}

fn extended_rosenbrock_ref<D: DualNum<f64> + Copy>(x: [D; 6]) -> D {
    let mut s = D::from(0.0);
    for i in 0..3 {
        let (a, b) = (x[2 * i], x[2 * i + 1]);
        s += (b - a * a).powi(2) * 100.0 + (-a + 1.0).powi(2);
    }
    s
}

#[test]
fn extended_rosenbrock_matches_oracle() {
    Case::cube(-2.0, 2.0).check(
        generated!(extended_rosenbrock, |x| (x)),
        extended_rosenbrock_ref,
    );
}

#[test]
fn extended_rosenbrock_sparsity_is_block_diagonal() {
    let expected = [
        (0, 0),
        (0, 1),
        (1, 1),
        (2, 2),
        (2, 3),
        (3, 3),
        (4, 4),
        (4, 5),
        (5, 5),
    ];
    assert_eq!(extended_rosenbrock::SPARSITY, &expected);
    assert_eq!(extended_rosenbrock::DIM, 6);
}

/// Arrowhead: every coordinate couples with `x₀` and with nothing else.
#[hessian]
pub fn arrowhead(x: [f64; 5]) -> f64 {
    let mut s = x[0].powi(4);
    for i in 1..5 {
        s += (x[i] - x[0]).powi(2) + x[i].exp();
    }
    s
}

fn arrowhead_ref<D: DualNum<f64> + Copy>(x: [D; 5]) -> D {
    let mut s = x[0].powi(4);
    for xi in &x[1..] {
        s += (*xi - x[0]).powi(2) + xi.exp();
    }
    s
}

#[test]
fn arrowhead_matches_oracle() {
    Case::cube(-2.0, 2.0).check(generated!(arrowhead, |x| (x)), arrowhead_ref);
    let expected: Vec<_> = (0..5)
        .map(|j| (0, j))
        .chain((1..5).map(|i| (i, i)))
        .collect();
    assert_eq!(arrowhead::SPARSITY, expected.as_slice());
}

/// `x y − y x` cancels: simplification must see that the mixed entry is a structural zero.
#[hessian]
pub fn cancelling(x: f64, y: f64) -> f64 {
    x.sin() + y.cos() + x * y - y * x
}

fn cancelling_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    x.sin() + y.cos()
}

#[test]
fn cancelling_matches_oracle() {
    // Soundness only: an un-cancelled `(0, 1)` would be exactly 0, which the oracle accepts.
    Case::cube(-3.0, 3.0)
        .loose_sparsity()
        .check(generated!(cancelling, |[x, y]| (x, y)), cancelling_ref);
}

#[test]
fn cancelling_sparsity_sees_commutativity() {
    assert_eq!(
        cancelling::SPARSITY,
        &[(0, 0), (1, 1)],
        "`x * y - y * x` is structurally 0, so (0, 1) is a structural zero"
    );
}

/// A linear function: the Hessian is identically zero, so `SPARSITY` is empty.
#[hessian]
pub fn linear(x: [f64; 3]) -> f64 {
    2.0 * x[0] - x[1] + 0.5 * x[2] - 4.0
}

fn linear_ref<D: DualNum<f64> + Copy>(x: [D; 3]) -> D {
    x[0] * 2.0 - x[1] + x[2] * 0.5 - 4.0
}

#[test]
fn linear_has_an_empty_sparsity() {
    Case::cube(-5.0, 5.0).check(generated!(linear, |x| (x)), linear_ref);
    assert_eq!(linear::SPARSITY, &[] as &[(usize, usize)]);
    let (_, g, h) = linear::value_gradient_hessian([1.0, 2.0, 3.0]);
    assert_eq!(g, newton::nalgebra::SVector::from([2.0, -1.0, 0.5]));
    assert_eq!(h, newton::nalgebra::Matrix3::zeros());
}

/// A differentiated argument the body never reads: its gradient entry and Hessian row are 0.
#[hessian]
pub fn ignores_second(x: f64, _y: f64, z: f64) -> f64 {
    (x * z).sin()
}

fn ignores_second_ref<D: DualNum<f64> + Copy>([x, _, z]: [D; 3]) -> D {
    (x * z).sin()
}

#[test]
fn ignores_second_matches_oracle() {
    Case::cube(-2.0, 2.0).check(
        generated!(ignores_second, |[x, y, z]| (x, y, z)),
        ignores_second_ref,
    );
    assert_eq!(ignores_second::DIM, 3);
    assert_eq!(ignores_second::SPARSITY, &[(0, 0), (0, 2), (2, 2)]);
}
