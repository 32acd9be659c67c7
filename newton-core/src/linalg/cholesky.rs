//! Cholesky factorisation `A = LLᵀ`: the positive-definiteness test and the solver of every
//! positive-definite step system (Levenberg–Marquardt, saddle-free Newton).

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::assert_square;

/// Overwrites the lower triangle of the symmetric matrix `a` with its Cholesky factor `L`
/// (`A = LLᵀ`) and returns `true`, or returns `false` when `a` is not positive definite.
///
/// Reads only the lower triangle; the strict upper triangle is left as it was. On `false` the
/// lower triangle is partly overwritten. Left-looking, column by column, so the inner loops run
/// down contiguous columns of nalgebra's column-major storage.
///
/// # Panics
///
/// If `a` is not square (only possible with dynamic dimensions).
///
/// # Examples
///
/// ```
/// use nalgebra::Matrix2;
/// use newton_core::linalg::cholesky_in_place;
///
/// let mut a = Matrix2::new(4.0, -1.0, -1.0, 6.0);
/// assert!(cholesky_in_place(&mut a));
/// assert!(!cholesky_in_place(&mut Matrix2::new(4.0, 0.0, 0.0, -4.0)));
/// ```
#[must_use = "a `false` return means `a` is not positive definite"]
pub fn cholesky_in_place<T, D>(a: &mut OMatrix<T, D, D>) -> bool
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D>,
{
    let n = assert_square("cholesky_in_place", "a", a);
    for j in 0..n {
        for k in 0..j {
            let l_jk = a[(j, k)];
            for i in j..n {
                let l_ik = a[(i, k)];
                a[(i, j)] -= l_ik * l_jk;
            }
        }
        let pivot = a[(j, j)];
        // `is_finite` also rejects NaN.
        if !pivot.is_finite() || pivot <= T::zero() {
            return false;
        }
        let l_jj = pivot.sqrt();
        a[(j, j)] = l_jj;
        for i in j + 1..n {
            a[(i, j)] /= l_jj;
        }
    }
    true
}

/// Solves `LLᵀ x = b` in place, with `L` the lower triangle written by [`cholesky_in_place`].
///
/// # Panics
///
/// If `l` is not square or `b` does not have one entry per row of `l` (only possible with
/// dynamic dimensions).
pub fn cholesky_solve_in_place<T, D>(l: &OMatrix<T, D, D>, b: &mut OVector<T, D>)
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    let n = assert_square("cholesky_solve_in_place", "l", l);
    assert_eq!(
        b.len(),
        n,
        "cholesky_solve_in_place: `b` must have {n} entries"
    );
    for j in 0..n {
        let y_j = b[j] / l[(j, j)];
        b[j] = y_j;
        for i in j + 1..n {
            b[i] -= l[(i, j)] * y_j;
        }
    }
    for j in (0..n).rev() {
        let mut s = b[j];
        for i in j + 1..n {
            s -= l[(i, j)] * b[i];
        }
        b[j] = s / l[(j, j)];
    }
}
