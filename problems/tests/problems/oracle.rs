//! The generated derivatives of every problem against three independent oracles at seeded random
//! points: the hand-written closed form, num-dual's runtime autodiff, and central differences of
//! the generated gradient. Also checks that `gradient`, `hessian`, `value_gradient`, the original
//! function and the `Objective` impl agree with the fused `value_gradient_hessian`.

use nalgebra::SVector;
use newton::Objective as _;
use problems::circle::{circle, closed_form as circle_hand};
use problems::finite_differences::central_hessian;
use problems::generic;
use problems::rosenbrock::{
    closed_form as rosenbrock_hand, rosenbrock, rosenbrock_16, rosenbrock_2, rosenbrock_32,
    rosenbrock_4, rosenbrock_8,
};
use problems::slides::{
    closed_form as slides_hand, slides_bowl, slides_cap, slides_exp_log, slides_quartic,
    slides_saddle,
};
use problems::torus::{closed_form as torus_hand, torus};
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

use crate::common::{assert_vgh_close, num_dual_vgh, on_big_stack, POINTS, SEED};

/// Exact formulas evaluated in different orders agree to a few ulps of the largest term.
const TOL: f64 = 1e-10;
/// Central differences carry an `O(h²)` truncation and an `O(ε/h)` rounding error.
const FD_TOL: f64 = 1e-5;

/// One oracle test: `$m` is the `#[hessian]` function and its module, `$hand` the closed form,
/// `$generic` the generic version; `|$v| $args` spreads a `[f64; D]` into the arguments.
macro_rules! oracle_test {
    ($test:ident: $m:ident, $hand:expr, $generic:expr, D = $d:literal,
     range = $lo:literal..$hi:literal, |$v:ident| $args:tt) => {
        #[test]
        fn $test() {
            on_big_stack(|| {
                let mut rng = ChaCha8Rng::seed_from_u64(SEED);
                assert_eq!($m::DIM, $d);
                // num-dual's cost grows like D³: fewer points for the large sizes.
                let points = if $d >= 16 { POINTS / 10 } else { POINTS };
                for _ in 0..points {
                    let $v: [f64; $d] = core::array::from_fn(|_| rng.random_range($lo..$hi));
                    let generated = $m::value_gradient_hessian $args;
                    let what = concat!(stringify!($m), ": generated and hand-written");
                    assert_vgh_close(what, &$v, &generated, &($hand) $args, TOL);
                    let dual = num_dual_vgh::<$d>($generic, $v);
                    let what = concat!(stringify!($m), ": generated and num-dual");
                    assert_vgh_close(what, &$v, &generated, &dual, TOL);

                    // The separate entry points and the original function agree with the fused body.
                    let separate = ($m $args, $m::gradient $args, $m::hessian $args);
                    let what = concat!(stringify!($m), ": fused and separate");
                    assert_vgh_close(what, &$v, &generated, &separate, TOL);
                    let (f, g) = $m::value_gradient $args;
                    assert_vgh_close(what, &$v, &generated, &(f, g, generated.2), TOL);

                    // The `Objective` impl over the flattened vector.
                    let x = SVector::<f64, $d>::from($v);
                    let mut g = SVector::zeros();
                    let mut h = nalgebra::SMatrix::zeros();
                    let f = $m::Objective.value_gradient_hessian(&x, &mut g, &mut h);
                    let what = concat!(stringify!($m), ": fused and Objective");
                    assert_vgh_close(what, &$v, &generated, &(f, g, h), TOL);
                    assert_vgh_close(what, &$v, &generated, &($m::Objective.value(&x), g, h), TOL);

                    // Central differences of the generated gradient.
                    let fd = central_hessian(
                        |p: &SVector<f64, $d>| {
                            let $v: [f64; $d] = (*p).into();
                            $m::gradient $args
                        },
                        &x,
                    );
                    let what = concat!(stringify!($m), ": generated and central differences");
                    assert_vgh_close(what, &$v, &generated, &(generated.0, generated.1, fd), FD_TOL);
                }
            });
        }
    };
}

oracle_test!(slides_exp_log_oracles: slides_exp_log, slides_hand::slides_exp_log,
    generic::slides_exp_log, D = 1, range = 0.05..3.0, |v| (v[0]));
oracle_test!(slides_bowl_oracles: slides_bowl, slides_hand::slides_bowl,
    generic::slides_bowl, D = 2, range = -3.0..3.0, |v| (v[0], v[1]));
oracle_test!(slides_cap_oracles: slides_cap, slides_hand::slides_cap,
    generic::slides_cap, D = 2, range = -3.0..3.0, |v| (v[0], v[1]));
oracle_test!(slides_saddle_oracles: slides_saddle, slides_hand::slides_saddle,
    generic::slides_saddle, D = 2, range = -3.0..3.0, |v| (v[0], v[1]));
oracle_test!(slides_quartic_oracles: slides_quartic, slides_hand::slides_quartic,
    generic::slides_quartic, D = 2, range = -4.0..4.0, |v| (v[0], v[1]));
oracle_test!(rosenbrock_oracles: rosenbrock, rosenbrock_hand::rosenbrock,
    generic::rosenbrock, D = 2, range = -2.0..2.0, |v| (v[0], v[1]));
oracle_test!(rosenbrock_2_oracles: rosenbrock_2, rosenbrock_hand::rosenbrock_n,
    generic::rosenbrock_n, D = 2, range = -2.0..2.0, |v| (v));
oracle_test!(rosenbrock_4_oracles: rosenbrock_4, rosenbrock_hand::rosenbrock_n,
    generic::rosenbrock_n, D = 4, range = -2.0..2.0, |v| (v));
oracle_test!(rosenbrock_8_oracles: rosenbrock_8, rosenbrock_hand::rosenbrock_n,
    generic::rosenbrock_n, D = 8, range = -2.0..2.0, |v| (v));
oracle_test!(rosenbrock_16_oracles: rosenbrock_16, rosenbrock_hand::rosenbrock_n,
    generic::rosenbrock_n, D = 16, range = -2.0..2.0, |v| (v));
oracle_test!(rosenbrock_32_oracles: rosenbrock_32, rosenbrock_hand::rosenbrock_n,
    generic::rosenbrock_n, D = 32, range = -2.0..2.0, |v| (v));
oracle_test!(circle_oracles: circle, circle_hand::circle,
    generic::circle, D = 1, range = -7.0..7.0, |v| (v[0]));
oracle_test!(torus_oracles: torus, torus_hand::torus,
    generic::torus, D = 2, range = -7.0..7.0, |v| (v));

/// The benchmark point: every contender of the benchmarks computes the same `(f, ∇f, ∇²f)`
/// there, so the timings compare equal work.
#[test]
fn contenders_agree_at_the_benchmark_point() {
    on_big_stack(contenders_agree);
}

fn contenders_agree() {
    let [x, y] = problems::benchmark_point_array::<2>();
    let quartic = slides_quartic::value_gradient_hessian(x, y);
    assert_vgh_close(
        "quartic",
        &[x, y],
        &quartic,
        &slides_hand::slides_quartic(x, y),
        TOL,
    );
    let p = problems::benchmark_point_array::<32>();
    let chained = rosenbrock_32::value_gradient_hessian(p);
    assert_vgh_close(
        "chained",
        &p,
        &chained,
        &rosenbrock_hand::rosenbrock_n(p),
        TOL,
    );
    assert_vgh_close(
        "chained",
        &p,
        &chained,
        &num_dual_vgh::<32>(generic::rosenbrock_n, p),
        TOL,
    );
}
