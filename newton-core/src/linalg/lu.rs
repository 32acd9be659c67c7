//! LU factorisation with partial pivoting: the solver of Newton's indefinite step systems.

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::{assert_square, usize_to_f64};

/// Overwrites `a` with its LU factors (`PA = LU`, unit lower `L` below the diagonal, `U` on and
/// above it) and `pivots` with the row exchanges; returns `false` when `a` is singular.
///
/// Singular means a pivot `|uₖₖ| ≤ n · ε · Σⱼ₍ⱼ₌₀…ₖ₋₁₎ |lₖⱼ| |uⱼₖ|`: at most the rounding error of
/// the elimination that produced it, so that a step computed from it would be noise (an exactly
/// zero pivot is singular too). The test is relative to the entries the pivot was computed from,
/// not to the largest entry of the matrix, so a badly scaled but well-conditioned matrix such as
/// `diag(1e8, 1e-8)`, the Hessian of `½(1e8 x² + 1e-8 y²)`, is not singular, and scaling a column
/// changes nothing. A matrix with a non-finite entry, or whose pivot has no finite reciprocal, is
/// singular.
///
/// # Panics
///
/// If `a` is not square or `pivots` does not have one entry per row (only possible with dynamic
/// dimensions).
///
/// # Examples
///
/// ```
/// use nalgebra::{Matrix2, Vector2};
/// use newton_core::linalg::{lu_in_place, lu_solve_in_place};
///
/// let mut a = Matrix2::new(4.0, 0.0, 0.0, -4.0);
/// let mut pivots = Vector2::zeros();
/// assert!(lu_in_place(&mut a, &mut pivots));
/// let mut b = Vector2::new(8.0, 8.0);
/// lu_solve_in_place(&a, &pivots, &mut b);
/// assert_eq!(b, Vector2::new(2.0, -2.0));
/// assert!(!lu_in_place(&mut Matrix2::new(1.0, 2.0, 2.0, 4.0), &mut pivots));
/// // Badly scaled is not singular.
/// assert!(lu_in_place(&mut Matrix2::new(1e8, 0.0, 0.0, 1e-8), &mut pivots));
/// ```
#[must_use = "a `false` return means `a` is singular and the factors are unusable"]
pub fn lu_in_place<T, D>(a: &mut OMatrix<T, D, D>, pivots: &mut OVector<usize, D>) -> bool
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    let n = assert_square("lu_in_place", "a", a);
    assert_eq!(
        pivots.len(),
        n,
        "lu_in_place: `pivots` must have {n} entries"
    );
    if a.iter().any(|x| !x.is_finite()) {
        return false;
    }
    let tolerance = T::default_epsilon() * nalgebra::convert::<f64, T>(usize_to_f64(n));
    for k in 0..n {
        let (mut p, mut largest) = (k, a[(k, k)].abs());
        for i in k + 1..n {
            if a[(i, k)].abs() > largest {
                (p, largest) = (i, a[(i, k)].abs());
            }
        }
        pivots[k] = p;
        if p != k {
            a.swap_rows(k, p);
        }
        // Σ |lₖⱼ| |uⱼₖ|: the size of what was subtracted from the original entry to leave uₖₖ.
        let mut subtracted = T::zero();
        for j in 0..k {
            subtracted += a[(k, j)].abs() * a[(j, k)].abs();
        }
        let inverse = a[(k, k)].recip();
        if largest <= tolerance * subtracted || !inverse.is_finite() {
            return false;
        }
        for i in k + 1..n {
            a[(i, k)] *= inverse;
        }
        for j in k + 1..n {
            let u_kj = a[(k, j)];
            for i in k + 1..n {
                let l_ik = a[(i, k)];
                a[(i, j)] -= l_ik * u_kj;
            }
        }
    }
    true
}

/// Solves `A x = b` in place from the factors written by [`lu_in_place`].
///
/// # Panics
///
/// If `lu` is not square, or `pivots` or `b` does not have one entry per row of `lu` (only
/// possible with dynamic dimensions).
pub fn lu_solve_in_place<T, D>(
    lu: &OMatrix<T, D, D>,
    pivots: &OVector<usize, D>,
    b: &mut OVector<T, D>,
) where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    let n = assert_square("lu_solve_in_place", "lu", lu);
    assert_eq!(
        pivots.len(),
        n,
        "lu_solve_in_place: `pivots` must have {n} entries"
    );
    assert_eq!(b.len(), n, "lu_solve_in_place: `b` must have {n} entries");
    for k in 0..n {
        b.swap_rows(k, pivots[k]);
    }
    for j in 0..n {
        let y_j = b[j];
        for i in j + 1..n {
            b[i] -= lu[(i, j)] * y_j;
        }
    }
    for j in (0..n).rev() {
        b[j] /= lu[(j, j)];
        let x_j = b[j];
        for i in 0..j {
            b[i] -= lu[(i, j)] * x_j;
        }
    }
}
