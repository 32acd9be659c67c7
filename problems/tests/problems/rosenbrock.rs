//! §1: Rosenbrock's function and the chained version's tridiagonal Hessian.

use nalgebra::{Matrix2, SVector};
use problems::rosenbrock::{
    chained_hessian_at_ones, rosenbrock, rosenbrock_16, rosenbrock_2, rosenbrock_32, rosenbrock_4,
    rosenbrock_8, tridiagonal_upper, ROSENBROCK_STATIONARY,
};
use problems::Kind;

#[test]
fn rosenbrock_minimum_and_hessian() {
    let (f, g, h) = rosenbrock::value_gradient_hessian(1.0, 1.0);
    assert_eq!(f, 0.0);
    assert_eq!(g, SVector::<f64, 2>::zeros());
    assert_eq!(h, Matrix2::new(802.0, -400.0, -400.0, 200.0));
    assert_eq!(h, ROSENBROCK_STATIONARY.hessian_matrix());
    assert_eq!(Kind::from_hessian(&h, 1e-9), Some(Kind::Minimum));
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
            assert_eq!(Kind::from_hessian(&h, 1e-9), Some(Kind::Minimum));
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
