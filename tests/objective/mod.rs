//! The generated `Objective` through the `newton::Objective` trait: its dimension, and values,
//! gradients and Hessians bitwise equal to the module's functions, written over caller storage
//! that starts out as garbage (so structural zeros must be written, not skipped).

use newton::nalgebra::{Const, SMatrix, SVector};
use newton::Objective;

use crate::functions::{classic, data, nd, scalars, sparse, stats, syntax};

/// Checks `objective` at `x` against the module's fused result and the original function.
fn agrees<O, const N: usize>(
    name: &str,
    objective: &O,
    x: [f64; N],
    expected: crate::oracle::Vgh<N>,
) where
    O: Objective<Scalar = f64, Dim = Const<N>>,
{
    let (value, gradient, hessian) = expected;
    let x = SVector::from(x);
    assert_eq!(objective.dim(), Const::<N>, "{name}: dim()");

    let f = objective.value(&x);
    let tolerance = 1e-13 * value.abs().max(1.0);
    assert!(
        (f - value).abs() <= tolerance,
        "{name}: Objective::value at {x:?} = {f:e}, value_gradient_hessian's value = {value:e}"
    );

    let mut g = SVector::repeat(f64::NAN);
    let f = objective.value_gradient(&x, &mut g);
    assert!(
        (f - value).abs() <= tolerance,
        "{name}: Objective::value_gradient's value at {x:?} = {f:e}, expected {value:e}"
    );
    for j in 0..N {
        let tolerance = 1e-13 * gradient.amax().max(1.0);
        assert!(
            (g[j] - gradient[j]).abs() <= tolerance,
            "{name}: Objective::value_gradient gradient[{j}] at {x:?} = {:e}, expected {:e}",
            g[j],
            gradient[j]
        );
    }

    let mut g = SVector::repeat(f64::NAN);
    let mut h = SMatrix::repeat(7.0);
    let f = objective.value_gradient_hessian(&x, &mut g, &mut h);
    assert_eq!(
        f.to_bits(),
        value.to_bits(),
        "{name}: Objective::value_gradient_hessian's value at {x:?}"
    );
    for j in 0..N {
        assert_eq!(
            g[j].to_bits(),
            gradient[j].to_bits(),
            "{name}: Objective::value_gradient_hessian gradient[{j}] at {x:?}: {} vs {}",
            g[j],
            gradient[j]
        );
        for i in 0..N {
            assert_eq!(
                h[(i, j)].to_bits(),
                hessian[(i, j)].to_bits(),
                "{name}: Objective::value_gradient_hessian hessian[({i}, {j})] at {x:?}: {} vs {} \
                 (the Hessian buffer started filled with 7.0)",
                h[(i, j)],
                hessian[(i, j)]
            );
        }
    }
}

#[test]
fn unit_objectives_agree_with_their_modules() {
    assert_eq!(classic::himmelblau::DIM, 2);
    for (x, y) in [(3.0, 2.0), (-0.27, -0.92), (1.5, 4.0)] {
        let expected = classic::himmelblau::value_gradient_hessian(x, y);
        agrees(
            "himmelblau",
            &classic::himmelblau::Objective,
            [x, y],
            expected,
        );
        let expected = classic::goldstein_price::value_gradient_hessian(x, y);
        agrees(
            "goldstein_price",
            &classic::goldstein_price::Objective,
            [x, y],
            expected,
        );
    }
    let x = [0.5, -1.0, 2.0, 0.25];
    agrees(
        "wood",
        &nd::wood::Objective,
        x,
        nd::wood::value_gradient_hessian(x),
    );
    agrees(
        "softplus",
        &stats::softplus::Objective,
        [1.0, 2.0, -3.0],
        stats::softplus::value_gradient_hessian([1.0, 2.0, -3.0]),
    );
}

#[test]
fn sparse_objective_writes_structural_zeros() {
    let x = [0.3, -1.0, 2.0, 4.5, 0.0];
    agrees(
        "trid",
        &sparse::trid::Objective,
        x,
        sparse::trid::value_gradient_hessian(x),
    );
    let x = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    let expected = sparse::extended_rosenbrock::value_gradient_hessian(x);
    agrees(
        "extended_rosenbrock",
        &sparse::extended_rosenbrock::Objective,
        x,
        expected,
    );
}

#[test]
fn data_holding_objectives_agree_with_their_modules() {
    let (xs, ys) = data::linear_data();
    let fit = data::fit::Objective { xs: &xs, ys: &ys };
    assert_eq!(data::fit::DIM, 2);
    for (a, b) in [(2.0, 0.5), (-1.0, 3.0)] {
        agrees(
            "fit",
            &fit,
            [a, b],
            data::fit::value_gradient_hessian(a, b, &xs, &ys),
        );
    }

    let (xs, ys, ws) = data::weighted_data();
    let weighted = data::weighted::Objective {
        xs: &xs,
        ys: &ys,
        ws: &ws,
    };
    let p = [0.1, 0.9, 1.5];
    agrees(
        "weighted",
        &weighted,
        p,
        data::weighted::value_gradient_hessian(p, &xs, &ys, &ws),
    );

    let decay = data::decay::Objective { ys: &ys };
    agrees(
        "decay",
        &decay,
        [1.0, 0.5],
        data::decay::value_gradient_hessian(1.0, 0.5, &ys),
    );
}

#[test]
fn objectives_hold_constant_arguments() {
    let (y, w, scale) = (0.7, [1.5, -0.5], 2.0);
    let partial = syntax::partial::Objective { y, w, scale };
    assert_eq!(syntax::partial::DIM, 3);
    let x = [0.2, -0.3, 1.1];
    let expected = syntax::partial::value_gradient_hessian(x[0], y, [x[1], x[2]], w, scale);
    agrees("partial", &partial, x, expected);

    let integer = syntax::integer_arguments::Objective { n: -2, k: 5 };
    let expected = syntax::integer_arguments::value_gradient_hessian(0.4, 1.1, -2, 5);
    agrees("integer_arguments", &integer, [0.4, 1.1], expected);
}

#[test]
fn f32_objective_has_f32_scalars() {
    let camel = scalars::camel32::Objective;
    let x = SVector::from([0.5_f32, -0.25]);
    let (mut g, mut h) = (SVector::zeros(), SMatrix::repeat(7.0_f32));
    let f: f32 = camel.value_gradient_hessian(&x, &mut g, &mut h);
    let (value, gradient, hessian) = scalars::camel32::value_gradient_hessian(0.5, -0.25);
    assert_eq!(
        (f.to_bits(), g, h),
        (value.to_bits(), gradient, hessian),
        "camel32::Objective"
    );
    assert_eq!(camel.dim(), Const::<2>);

    let waves = scalars::waves32::Objective { phase: 0.25 };
    let x = SVector::from([0.1_f32, 0.2, 0.3]);
    let (mut g, mut h) = (SVector::zeros(), SMatrix::repeat(7.0_f32));
    let f = waves.value_gradient_hessian(&x, &mut g, &mut h);
    let expected = scalars::waves32::value_gradient_hessian([0.1, 0.2, 0.3], 0.25);
    assert_eq!(
        (f.to_bits(), g, h),
        (expected.0.to_bits(), expected.1, expected.2),
        "waves32"
    );
}

/// Newton's method in the plane, written against the trait alone as a solver would be.
fn newton<O>(objective: &O, start: [f64; 2], steps: usize) -> SVector<f64, 2>
where
    O: Objective<Scalar = f64, Dim = Const<2>>,
{
    let mut x = SVector::from(start);
    let (mut g, mut h) = (SVector::zeros(), SMatrix::zeros());
    for _ in 0..steps {
        objective.value_gradient_hessian(&x, &mut g, &mut h);
        let step = h
            .lu()
            .solve(&g)
            .expect("non-singular Hessian along the path");
        x -= step;
    }
    x
}

#[test]
fn a_generic_solver_finds_the_minima() {
    let x = newton(&classic::himmelblau::Objective, [3.5, 2.5], 20);
    assert!(
        (x - SVector::from([3.0, 2.0])).norm() < 1e-12,
        "himmelblau: Newton from (3.5, 2.5) reached {x}"
    );

    let (xs, ys) = data::linear_data();
    let fit = data::fit::Objective { xs: &xs, ys: &ys };
    let x = newton(&fit, [0.0, 0.0], 1);
    let mut g = SVector::zeros();
    fit.value_gradient(&x, &mut g);
    assert!(
        g.norm() < 1e-8,
        "fit: one Newton step from 0 leaves gradient {g}"
    );
    assert!(
        (x[0] - 2.0).abs() < 0.01 && (x[1] - 0.5).abs() < 0.01,
        "fit: slope and intercept {x}"
    );
}
