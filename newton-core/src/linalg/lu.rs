//! LU factorisation with partial pivoting: the solver of Newton's indefinite step systems.

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, OVector, RealField};

/// Overwrites `a` with its LU factors (`PA = LU`, unit lower `L` below the diagonal, `U` on and
/// above it) and `pivots` with the row exchanges; returns `false` when `a` is singular.
///
/// Singular means a pivot at most `n · ε · max|aᵢⱼ|`: below that, rounding alone could have made
/// the pivot, and a step computed from it would be noise. A matrix with a non-finite entry is
/// singular too.
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
/// ```
pub fn lu_in_place<T, D>(a: &mut OMatrix<T, D, D>, pivots: &mut OVector<usize, D>) -> bool
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    let n = a.nrows();
    let mut scale = T::zero();
    for &x in a.iter() {
        if !x.is_finite() {
            return false;
        }
        scale = scale.max(x.abs());
    }
    let threshold = T::default_epsilon() * nalgebra::convert::<f64, T>(usize_to_f64(n)) * scale;
    for k in 0..n {
        let (mut p, mut largest) = (k, a[(k, k)].abs());
        for i in k + 1..n {
            if a[(i, k)].abs() > largest {
                (p, largest) = (i, a[(i, k)].abs());
            }
        }
        if largest <= threshold {
            return false;
        }
        pivots[k] = p;
        if p != k {
            a.swap_rows(k, p);
        }
        let inverse = a[(k, k)].recip();
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
pub fn lu_solve_in_place<T, D>(
    lu: &OMatrix<T, D, D>,
    pivots: &OVector<usize, D>,
    b: &mut OVector<T, D>,
) where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    let n = lu.nrows();
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

/// Converts a dimension to `f64` for tolerances; dimensions are far below 2⁵².
#[expect(clippy::cast_precision_loss, reason = "dimensions are far below 2⁵²")]
pub(crate) fn usize_to_f64(n: usize) -> f64 {
    n as f64
}
