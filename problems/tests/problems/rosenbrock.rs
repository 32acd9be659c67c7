//! §1: Rosenbrock's function and the chained version's tridiagonal Hessian.

use nalgebra::{Matrix2, SVector};
use newton::{Minimizer as _, Newton, Stationary};
use problems::rosenbrock::{
    chained_hessian_at_ones, rosenbrock, rosenbrock_16, rosenbrock_2, rosenbrock_32, rosenbrock_4,
    rosenbrock_8, tridiagonal_upper, ROSENBROCK_STATIONARY,
};

use crate::common::kind;

#[test]
fn rosenbrock_minimum_and_hessian() {
    let (f, g, h) = rosenbrock::value_gradient_hessian(1.0, 1.0);
    assert_eq!(f, 0.0);
    assert_eq!(g, SVector::<f64, 2>::zeros());
    assert_eq!(h, Matrix2::new(802.0, -400.0, -400.0, 200.0));
    assert_eq!(h, ROSENBROCK_STATIONARY.hessian_matrix());
    assert_eq!(kind(&h), Stationary::Minimum);
    assert_eq!(rosenbrock::DIM, 2);
}

macro_rules! chained_test {
    ($test:ident: $m:ident, $n:literal) => {
        #[test]
        fn $test() {
            assert_eq!($m::DIM, $n);
            // The Hessian is tridiagonal, and the macro knows it at compile time.
            assert_eq!($m::SPARSITY, tridiagonal_upper($n).as_slice());
            let (f, g, h) = $m::value_gradient_hessian([1.0; $n]);
            assert_eq!(f, 0.0);
            assert_eq!(g, SVector::<f64, $n>::zeros(), "all-ones is stationary");
            assert_eq!(h, chained_hessian_at_ones::<$n>());
            assert_eq!(kind(&h), Stationary::Minimum);
            // Off the band the Hessian is zero at any point, too.
            let (_, _, h) = $m::value_gradient_hessian(problems::benchmark_point_array::<$n>());
            for i in 0_usize..$n {
                for j in 0..$n {
                    if i.abs_diff(j) > 1 {
                        assert_eq!(h[(i, j)], 0.0, "H[({i}, {j})]");
                    }
                }
            }
        }
    };
}

chained_test!(chained_2: rosenbrock_2, 2);
chained_test!(chained_4: rosenbrock_4, 4);
chained_test!(chained_8: rosenbrock_8, 8);
chained_test!(chained_16: rosenbrock_16, 16);
chained_test!(chained_32: rosenbrock_32, 32);

#[test]
fn chained_2_is_rosenbrock() {
    for p in [[0.3, -1.2], [1.5, 2.0]] {
        assert!((rosenbrock_2(p) - rosenbrock(p[0], p[1])).abs() < 1e-12);
    }
}

#[test]
fn tridiagonal_band() {
    assert_eq!(
        tridiagonal_upper(3),
        [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2)]
    );
}

/// Near the minimum Newton converges quadratically: `eₖ₊₁ ≤ C eₖ²` with `C` the local constant
/// `‖∇³f‖ / (2 λ_min(H*)) ≈ 2000 / (2 · 0.4) = 2500`, while the ratio `eₖ₊₁/eₖ` goes to zero (a
/// linearly convergent method would keep it near a constant). Errors at the rounding floor
/// (`cond(H*) · ε ≈ 1e-13`) are left out of the ratios.
#[test]
fn newton_converges_quadratically_near_the_minimum() {
    let report = Newton::default()
        .with_tolerance(1e-14)
        .unwrap()
        .with_trajectory(true)
        .minimize(&rosenbrock::Objective, &SVector::from([1.05, 1.08]))
        .unwrap();
    assert!(report.converged(), "{}", report.termination);
    assert!((report.x - SVector::from([1.0, 1.0])).norm() < 1e-14);
    let errors: Vec<f64> = report
        .trajectory
        .unwrap()
        .iter()
        .map(|r| (r.x - SVector::from([1.0, 1.0])).norm())
        .take_while(|&e| e > 1e-12)
        .collect();
    assert!(errors.len() >= 3, "{errors:?}");
    for pair in errors.windows(2).filter(|pair| pair[1] > 1e-10) {
        let (e, next) = (pair[0], pair[1]);
        assert!(next <= 2500.0 * e * e, "eₖ = {e:e}, eₖ₊₁ = {next:e}");
    }
    let last = errors.len() - 1;
    assert!(errors[last] / errors[last - 1] < 1e-3, "{errors:?}");
}
