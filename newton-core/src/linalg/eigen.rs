//! Symmetric eigendecomposition `A = QΛQᵀ`: classification, saddle-free Newton's `|H|`, spectra.

use nalgebra::{allocator::Allocator, DMatrix, DefaultAllocator, Dim, OMatrix, OVector, RealField};

/// Up to this dimension the decomposition is cyclic Jacobi, in place and allocation-free; above
/// it, nalgebra's Householder tridiagonalisation and implicit QR on a dynamic copy, which
/// allocates its work space on every call.
///
/// Jacobi costs about `30 n³` flops against QR's `9 n³`, but it computes small eigenvalues to
/// high relative accuracy and needs no work space; at `n ≤ 64` it takes well under a
/// millisecond.
pub const JACOBI_MAX_DIM: usize = 64;

/// Sweeps after which Jacobi gives up; it converges quadratically, in 6–10 sweeps in practice.
const MAX_SWEEPS: usize = 60;

/// Writes the eigenvalues of the symmetric matrix `a`, in ascending order, into `values` and the
/// matching orthonormal eigenvectors, as columns, into `vectors`; `a` is overwritten.
///
/// Reads the whole of `a`, which must be symmetric (as every Hessian newton produces is).
///
/// # Examples
///
/// ```
/// use nalgebra::{Matrix2, Vector2};
/// use newton_core::linalg::symmetric_eigen_in_place;
///
/// let mut a = Matrix2::new(2.0, 1.0, 1.0, 2.0);
/// let (mut values, mut vectors) = (Vector2::zeros(), Matrix2::zeros());
/// symmetric_eigen_in_place(&mut a, &mut values, &mut vectors);
/// assert!((values - Vector2::new(1.0, 3.0)).norm() < 1e-15);
/// ```
pub fn symmetric_eigen_in_place<T, D>(
    a: &mut OMatrix<T, D, D>,
    values: &mut OVector<T, D>,
    vectors: &mut OMatrix<T, D, D>,
) where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    let n = a.nrows();
    if n > JACOBI_MAX_DIM {
        let dynamic = DMatrix::from_column_slice(n, n, a.as_slice());
        let eigen = dynamic.symmetric_eigen();
        values
            .as_mut_slice()
            .copy_from_slice(eigen.eigenvalues.as_slice());
        vectors
            .as_mut_slice()
            .copy_from_slice(eigen.eigenvectors.as_slice());
    } else {
        jacobi(a, vectors);
        for i in 0..n {
            values[i] = a[(i, i)];
        }
    }
    sort_ascending(values, vectors);
}

/// Cyclic Jacobi (Golub & Van Loan, *Matrix Computations*, 4th ed., Alg. 8.5.3): rotates `a`
/// to diagonal form, accumulating the rotations in `vectors`.
fn jacobi<T, D>(a: &mut OMatrix<T, D, D>, vectors: &mut OMatrix<T, D, D>)
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D>,
{
    let n = a.nrows();
    vectors.fill_with_identity();
    let eps = T::default_epsilon();
    let total = a.norm_squared();
    for _ in 0..MAX_SWEEPS {
        let mut off = T::zero();
        for q in 1..n {
            for p in 0..q {
                off += a[(p, q)] * a[(p, q)];
            }
        }
        // Off-diagonal mass below ε²‖A‖²_F: the diagonal holds the eigenvalues to working
        // precision.
        if !off.is_finite() || off <= eps * eps * total {
            return;
        }
        for q in 1..n {
            for p in 0..q {
                rotate(a, vectors, p, q);
            }
        }
    }
}

/// Applies the Jacobi rotation that zeroes `a[(p, q)]`.
fn rotate<T, D>(a: &mut OMatrix<T, D, D>, vectors: &mut OMatrix<T, D, D>, p: usize, q: usize)
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D>,
{
    let a_pq = a[(p, q)];
    if a_pq == T::zero() {
        return;
    }
    let one = T::one();
    let two = one + one;
    let tau = (a[(q, q)] - a[(p, p)]) / (two * a_pq);
    // The smaller root of t² + 2τt − 1 = 0, so that the rotation angle is at most π/4.
    let t = if tau >= T::zero() {
        one / (tau + (one + tau * tau).sqrt())
    } else {
        -one / (-tau + (one + tau * tau).sqrt())
    };
    let c = one / (one + t * t).sqrt();
    let s = t * c;
    let n = a.nrows();
    for k in 0..n {
        let (a_kp, a_kq) = (a[(k, p)], a[(k, q)]);
        a[(k, p)] = c * a_kp - s * a_kq;
        a[(k, q)] = s * a_kp + c * a_kq;
    }
    for k in 0..n {
        let (a_pk, a_qk) = (a[(p, k)], a[(q, k)]);
        a[(p, k)] = c * a_pk - s * a_qk;
        a[(q, k)] = s * a_pk + c * a_qk;
    }
    // Exactly zero, not the rounding residue, so later sweeps measure only what is left.
    a[(p, q)] = T::zero();
    a[(q, p)] = T::zero();
    for k in 0..n {
        let (v_kp, v_kq) = (vectors[(k, p)], vectors[(k, q)]);
        vectors[(k, p)] = c * v_kp - s * v_kq;
        vectors[(k, q)] = s * v_kp + c * v_kq;
    }
}

/// Sorts the eigenvalues ascending, carrying their eigenvector columns along (selection sort:
/// `n` column swaps at most, no allocation).
fn sort_ascending<T, D>(values: &mut OVector<T, D>, vectors: &mut OMatrix<T, D, D>)
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    let n = values.len();
    for i in 0..n {
        let mut smallest = i;
        for j in i + 1..n {
            if values[j] < values[smallest] {
                smallest = j;
            }
        }
        if smallest != i {
            values.swap_rows(i, smallest);
            vectors.swap_columns(i, smallest);
        }
    }
}
