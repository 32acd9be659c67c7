//! §1 of `PROBLEMS.md`: Rosenbrock's function and its chained version.
//!
//! `#[hessian]` has no const generics, so the chained function is stamped out once per size
//! used in the benchmarks: [`rosenbrock_2()`], [`rosenbrock_4()`], [`rosenbrock_8()`],
//! [`rosenbrock_16()`] and [`rosenbrock_32()`]. Their Hessians are tridiagonal, and each module's
//! `SPARSITY` says so at compile time.

use newton::Stationary;

use crate::StationaryPoint;

/// Evaluates Rosenbrock's function `f(x, y) = (1 − x)² + 100 (y − x²)²`.
///
/// Stationary point: the minimum at `(1, 1)`, `f = 0`, `H(1, 1) = [[802, −400], [−400, 200]]`;
/// see [`ROSENBROCK_STATIONARY`].
#[newton::hessian]
#[must_use]
pub fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

/// The minimum of [`rosenbrock()`].
pub const ROSENBROCK_STATIONARY: StationaryPoint<2> = StationaryPoint {
    point: [1.0, 1.0],
    value: 0.0,
    hessian: [[802.0, -400.0], [-400.0, 200.0]],
    kind: Stationary::Minimum,
};

/// Stamps out the chained Rosenbrock function for one size each.
macro_rules! chained_rosenbrock {
    ($($name:ident = $n:tt),* $(,)?) => {$(
        #[doc = concat!(
            "Evaluates the chained Rosenbrock function of ", stringify!($n), " variables, ",
            "`f(x) = Σᵢ₌₀ⁿ⁻² 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²` with `n = ", stringify!($n), "`.\n\n",
            "Its Hessian is tridiagonal. Stationary point: the minimum at all-ones, `f = 0`, ",
            "where the Hessian's diagonal is `(802, 1002, …, 1002, 200)` and its off-diagonal ",
            "`−400`; see [`chained_hessian_at_ones`]."
        )]
        #[newton::hessian]
        #[must_use]
        pub fn $name(x: [f64; $n]) -> f64 {
            const N: usize = $n;
            let mut f = 0.0;
            for i in 0..N - 1 {
                f += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
            }
            f
        }
    )*};
}

chained_rosenbrock!(
    rosenbrock_2 = 2,
    rosenbrock_4 = 4,
    rosenbrock_8 = 8,
    rosenbrock_16 = 16,
    rosenbrock_32 = 32,
);

/// The sizes of the chained Rosenbrock functions this module defines.
pub const CHAINED_SIZES: [usize; 5] = [2, 4, 8, 16, 32];

/// Returns the Hessian of the chained Rosenbrock function of `N` variables at its minimum
/// (all-ones): diagonal `(802, 1002, …, 1002, 200)`, off-diagonal `−400`.
///
/// # Panics
///
/// Panics if `N < 2`.
#[must_use]
pub fn chained_hessian_at_ones<const N: usize>() -> nalgebra::SMatrix<f64, N, N> {
    assert!(
        N >= 2,
        "the chained Rosenbrock function needs at least 2 variables"
    );
    nalgebra::SMatrix::from_fn(|i, j| match (i, j) {
        (0, 0) => 802.0,
        _ if i == j && i == N - 1 => 200.0,
        _ if i == j => 1002.0,
        _ if i.abs_diff(j) == 1 => -400.0,
        _ => 0.0,
    })
}

/// Returns the upper-triangle band `(i, i), (i, i + 1)` of an `n × n` tridiagonal matrix in
/// row-major order: the exact sparsity of the chained Rosenbrock Hessian.
#[must_use]
pub fn tridiagonal_upper(n: usize) -> Vec<(usize, usize)> {
    (0..n)
        .flat_map(|i| core::iter::once((i, i)).chain((i + 1 < n).then_some((i, i + 1))))
        .collect()
}

/// Hand-written closed forms `(f, ∇f, ∇²f)` of Rosenbrock's functions.
pub mod closed_form {
    use nalgebra::{Matrix2, SMatrix, SVector, Vector2};

    /// Returns `(f, ∇f, ∇²f)` of `f = (1 − x)² + 100 (y − x²)²`, with `a = 1 − x` and
    /// `b = y − x²`: `∇f = (−2a − 400xb, 200b)`, `H = [[2 − 400b + 800x², −400x], [−400x, 200]]`.
    #[must_use]
    pub fn rosenbrock(x: f64, y: f64) -> (f64, SVector<f64, 2>, SMatrix<f64, 2, 2>) {
        let a = 1.0 - x;
        let b = y - x * x;
        let f = a * a + 100.0 * b * b;
        let g = Vector2::new(-2.0 * a - 400.0 * x * b, 200.0 * b);
        let hxy = -400.0 * x;
        let h = Matrix2::new(2.0 - 400.0 * b + 800.0 * x * x, hxy, hxy, 200.0);
        (f, g, h)
    }

    /// Returns `(f, ∇f, ∇²f)` of the chained Rosenbrock function of `N` variables, one term
    /// `100 bᵢ² + aᵢ²` (`aᵢ = 1 − xᵢ`, `bᵢ = xᵢ₊₁ − xᵢ²`) at a time, filling the tridiagonal
    /// band only.
    #[must_use]
    pub fn rosenbrock_n<const N: usize>(x: [f64; N]) -> (f64, SVector<f64, N>, SMatrix<f64, N, N>) {
        let mut f = 0.0;
        let mut g = SVector::<f64, N>::zeros();
        let mut h = SMatrix::<f64, N, N>::zeros();
        for i in 0..N.saturating_sub(1) {
            let (xi, xj) = (x[i], x[i + 1]);
            let a = 1.0 - xi;
            let b = xj - xi * xi;
            f += 100.0 * b * b + a * a;
            g[i] += -2.0 * a - 400.0 * xi * b;
            g[i + 1] += 200.0 * b;
            h[(i, i)] += 2.0 - 400.0 * b + 800.0 * xi * xi;
            h[(i, i + 1)] = -400.0 * xi;
            h[(i + 1, i)] = -400.0 * xi;
            h[(i + 1, i + 1)] += 200.0;
        }
        (f, g, h)
    }
}
