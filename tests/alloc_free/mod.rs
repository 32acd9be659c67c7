//! Generated code allocates nothing: the counting global allocator of `newton-test-support`,
//! armed per thread so that the test harness and concurrently running tests are not counted,
//! wraps the calls.
//!
//! This is the test binary's only `#[global_allocator]`.

use std::hint::black_box;

use newton_test_support::Counting;

use newton::nalgebra::{SMatrix, SVector};
use newton::Objective as _;

use crate::functions::{classic, compose, data, nd, scalars, stats, syntax};

mod networks;
mod solvers;

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` `times` times and returns the number of allocations it made on this thread.
fn allocations<R>(times: usize, f: impl FnMut() -> R) -> usize {
    newton_test_support::allocations_repeated(times, f)
}

#[test]
fn the_counter_sees_allocations() {
    let n = allocations(3, || Vec::<f64>::with_capacity(black_box(16)));
    assert_eq!(n, 3, "the counting allocator is not in use");
}

#[test]
fn two_dimensional_functions_allocate_nothing() {
    let (x, y) = (black_box(1.3), black_box(-0.4));
    let n = allocations(100, || classic::himmelblau::value_gradient_hessian(x, y));
    assert_eq!(n, 0, "himmelblau::value_gradient_hessian allocated");
    let n = allocations(100, || {
        classic::goldstein_price::value_gradient_hessian(x, y)
    });
    assert_eq!(n, 0, "goldstein_price::value_gradient_hessian allocated");
    let n = allocations(100, || {
        (
            classic::easom::gradient(x, y),
            classic::easom::value_gradient(x, y),
            classic::easom::hessian(x, y),
        )
    });
    assert_eq!(
        n, 0,
        "easom::{{gradient, value_gradient, hessian}} allocated"
    );
}

#[test]
fn composed_functions_allocate_nothing() {
    let (x, y, z, w) = (
        black_box(0.3),
        black_box(-0.2),
        black_box(0.5),
        black_box(0.1),
    );
    let n = allocations(100, || {
        (
            compose::outer::value_gradient_hessian(x, y, z, w),
            compose::outer::gradient(x, y, z, w),
            compose::nested_helpers::hessian(x, y),
        )
    });
    assert_eq!(n, 0, "a three-level composition allocated");
    let (xs, ys) = data::linear_data();
    let n = allocations(10, || {
        (
            compose::robust_fit::value_gradient_hessian(x, y, &xs, &ys),
            compose::probit::value_gradient_hessian(x, y, &xs, &ys),
        )
    });
    assert_eq!(n, 0, "calls inside a data loop allocated");
}

#[test]
fn unrolled_loops_allocate_nothing() {
    let x = black_box([0.3, -1.2, 0.8, 2.0]);
    let n = allocations(100, || nd::zakharov::value_gradient_hessian(x));
    assert_eq!(n, 0, "zakharov::value_gradient_hessian allocated");
    let n = allocations(100, || stats::log_sum_exp::value_gradient_hessian(x));
    assert_eq!(n, 0, "log_sum_exp::value_gradient_hessian allocated");
}

#[test]
fn least_squares_over_ten_thousand_points_allocates_nothing() {
    let (xs, ys) = data::linear_data();
    assert_eq!(xs.len(), data::POINTS);
    let (a, b) = (black_box(1.7), black_box(0.2));
    let n = allocations(10, || data::fit::value_gradient_hessian(a, b, &xs, &ys));
    assert_eq!(
        n, 0,
        "fit::value_gradient_hessian over 10 000 points allocated"
    );
    let n = allocations(10, || data::fit_exp::value_gradient_hessian(a, b, &xs, &ys));
    assert_eq!(
        n, 0,
        "fit_exp::value_gradient_hessian over 10 000 points allocated"
    );

    let objective = data::fit::Objective { xs: &xs, ys: &ys };
    let x = SVector::from([a, b]);
    let mut g = SVector::zeros();
    let mut h = SMatrix::zeros();
    let n = allocations(10, || objective.value_gradient_hessian(&x, &mut g, &mut h));
    assert_eq!(n, 0, "fit::Objective::value_gradient_hessian allocated");
    let n = allocations(10, || {
        objective.value_gradient(&x, &mut g) + objective.value(&x)
    });
    assert_eq!(n, 0, "fit::Objective::{{value, value_gradient}} allocated");
}

#[test]
fn data_loops_with_zip3_and_enumerate_allocate_nothing() {
    let (xs, ys, ws) = data::weighted_data();
    let p = black_box([0.1, 0.9, 1.5]);
    let n = allocations(10, || {
        data::weighted::value_gradient_hessian(p, &xs, &ys, &ws)
    });
    assert_eq!(n, 0, "weighted::value_gradient_hessian allocated");
    let n = allocations(10, || {
        data::indexed::value_gradient_hessian(p[0], p[1], &xs, &ys)
    });
    assert_eq!(n, 0, "indexed::value_gradient_hessian allocated");
}

#[test]
fn objectives_with_constants_and_f32_allocate_nothing() {
    let objective = syntax::partial::Objective {
        y: 0.7,
        w: [1.5, -0.5],
        scale: 2.0,
    };
    let x = SVector::from([0.2, -0.3, 1.1]);
    let (mut g, mut h) = (SVector::zeros(), SMatrix::zeros());
    let n = allocations(100, || objective.value_gradient_hessian(&x, &mut g, &mut h));
    assert_eq!(n, 0, "partial::Objective::value_gradient_hessian allocated");

    let x = SVector::from([0.5_f32, -0.25]);
    let (mut g, mut h) = (SVector::zeros(), SMatrix::zeros());
    let camel = scalars::camel32::Objective;
    let n = allocations(100, || camel.value_gradient_hessian(&x, &mut g, &mut h));
    assert_eq!(n, 0, "camel32::Objective::value_gradient_hessian allocated");
}
