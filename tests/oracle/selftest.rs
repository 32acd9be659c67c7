//! The harness against itself: derivatives taken from num-dual must pass, and wrong ones must
//! be reported with the function, the entry and the point.

use newton::nalgebra::{SMatrix, SVector};
use num_dual::DualNum;

use super::{Case, Derivatives, Generated};

fn saddle(x: f64, y: f64) -> f64 {
    x * x * y - y.sin() + (0.5 * x).exp()
}

fn saddle_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    x * x * y - y.sin() + (x * 0.5).exp()
}

fn gradient(x: f64, y: f64) -> SVector<f64, 2> {
    SVector::from([2.0 * x * y + 0.5 * (0.5 * x).exp(), x * x - y.cos()])
}

fn hessian(x: f64, y: f64, off: f64) -> SMatrix<f64, 2, 2> {
    SMatrix::from([
        [2.0 * y + 0.25 * (0.5 * x).exp(), 2.0 * x + off],
        [2.0 * x + off, y.sin()],
    ])
}

/// A hand-written "generated" module whose mixed second derivative is off by `off`.
fn by_hand(off: f64, sparsity: &[(usize, usize)]) -> Generated<'_, 2> {
    Generated {
        name: "saddle",
        dim: 2,
        sparsity: Some(sparsity),
        value: Box::new(|[x, y]| saddle(x, y)),
        derivatives: Some(Derivatives {
            value: Box::new(|[x, y]| saddle(x, y)),
            gradient: Box::new(|[x, y]| gradient(x, y)),
            value_gradient: Box::new(|[x, y]| (saddle(x, y), gradient(x, y))),
            hessian: Box::new(move |[x, y]| hessian(x, y, off)),
            value_gradient_hessian: Box::new(move |[x, y]| {
                (saddle(x, y), gradient(x, y), hessian(x, y, off))
            }),
        }),
    }
}

const DENSE: &[(usize, usize)] = &[(0, 0), (0, 1), (1, 1)];

#[test]
fn accepts_num_dual_itself() {
    let generated = Generated {
        name: "saddle",
        dim: 2,
        sparsity: None,
        value: Box::new(|[x, y]| saddle(x, y)),
        derivatives: None,
    };
    Case::cube(-2.0, 2.0).check(generated, saddle_ref);
}

#[test]
fn accepts_correct_derivatives() {
    Case::cube(-2.0, 2.0).check(by_hand(0.0, DENSE), saddle_ref);
}

#[test]
#[should_panic(expected = "saddle: hessian[(0, 1)] at x = [")]
fn rejects_wrong_hessian() {
    Case::cube(-2.0, 2.0).check(by_hand(1e-7, DENSE), saddle_ref);
}

#[test]
#[should_panic(expected = "saddle: hessian[(0, 1)] = ")]
fn rejects_entry_outside_sparsity() {
    Case::cube(-2.0, 2.0).check(by_hand(0.0, &[(0, 0), (1, 1)]), saddle_ref);
}

#[test]
#[should_panic(expected = "SPARSITY is not sorted")]
fn rejects_unsorted_sparsity() {
    Case::cube(-2.0, 2.0).check(by_hand(0.0, &[(0, 0), (1, 1), (0, 1)]), saddle_ref);
}

/// A module whose generated value agrees with num-dual's reference but not with the original
/// function it was generated from (as when the reference repeats the generator's mistake).
#[test]
#[should_panic(expected = "the original function")]
fn rejects_value_that_differs_from_the_original() {
    let mut generated = by_hand(0.0, DENSE);
    generated.value = Box::new(|[x, y]| saddle(x, y) + 0.5);
    Case::cube(-2.0, 2.0).check(generated, saddle_ref);
}
