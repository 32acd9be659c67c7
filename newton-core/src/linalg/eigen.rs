//! Symmetric eigendecomposition `A = QΛQᵀ`: classification, saddle-free Newton's `|H|`, spectra.

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::assert_square;

/// Up to this dimension the decomposition is cyclic Jacobi; above it, Householder
/// tridiagonalisation and the implicit QL iteration. Both work in place in the caller's storage
/// and never allocate.
///
/// QL is the faster and, on matrices without structure, the slightly more accurate of the two
/// (measured on seeded random matrices, release build: at `n = 40` Jacobi takes 0.54 ms and QL
/// 0.14 ms, at `n = 64` 2.2 ms and 0.5 ms; both reconstruct `A` to `3e-14 ‖A‖`). Jacobi is kept
/// below the limit because it computes the small eigenvalues of a *graded* matrix (entries
/// spanning many orders of magnitude, as Hessians in badly scaled parameters have) to high
/// relative accuracy, where QL's error is `ε‖A‖` in every eigenvalue: on the graded test matrix
/// of the unit tests (eigenvalues from `1` down to `0.75 · 2⁻¹⁰⁰`), Jacobi's largest relative
/// error is 0 and QL's `7e8` (nalgebra's `SymmetricEigen`, also QR-based, `2e7`). That matters
/// for spectra and for [`Tolerance::Absolute`](crate::Tolerance::Absolute); above 64 parameters
/// Jacobi's `O(n³)` sweeps (about three times QL's flops, in 6–10 sweeps) cost more than the
/// accuracy is worth.
pub const JACOBI_MAX_DIM: usize = 64;

/// Sweeps after which Jacobi gives up; it converges quadratically, in 6–10 sweeps in practice.
const MAX_SWEEPS: usize = 60;

/// QL iterations per eigenvalue, on average, before the iteration gives up (LAPACK's `dsteqr`
/// allows `30 n` in total); two or three per eigenvalue are typical.
const QL_ITERATIONS_PER_EIGENVALUE: usize = 30;

/// Writes the eigenvalues of the symmetric matrix `a`, in ascending order, into `values` and the
/// matching orthonormal eigenvectors, as columns, into `vectors`; `a` is overwritten. Returns
/// `false` when the iteration did not converge (or `a` has a non-finite entry); `values` and
/// `vectors` are then meaningless.
///
/// Reads the whole of `a`, which must be symmetric (as every Hessian newton produces is). The
/// matrix is divided by its largest entry before the iteration and the eigenvalues multiplied
/// back, so that neither the convergence test nor the rotations overflow or underflow for
/// entries near the ends of the floating-point range. At `n ≤` [`JACOBI_MAX_DIM`] the method is
/// cyclic Jacobi, above it Householder tridiagonalisation and implicit QL; neither allocates.
///
/// Non-convergence has not been observed (Jacobi converges in 6–10 sweeps, QL in two or three
/// iterations per eigenvalue), but both iterations are capped, so a call always returns.
///
/// # Panics
///
/// If `a` or `vectors` is not square, or `values`, `vectors` and `a` differ in dimension (only
/// possible with dynamic dimensions).
///
/// # Examples
///
/// ```
/// use nalgebra::{Matrix2, Vector2};
/// use newton_core::linalg::symmetric_eigen_in_place;
///
/// let mut a = Matrix2::new(2.0, 1.0, 1.0, 2.0);
/// let (mut values, mut vectors) = (Vector2::zeros(), Matrix2::zeros());
/// assert!(symmetric_eigen_in_place(&mut a, &mut values, &mut vectors));
/// assert!((values - Vector2::new(1.0, 3.0)).norm() < 1e-15);
/// ```
#[must_use = "a `false` return means the eigenvalues were not computed"]
pub fn symmetric_eigen_in_place<T, D>(
    a: &mut OMatrix<T, D, D>,
    values: &mut OVector<T, D>,
    vectors: &mut OMatrix<T, D, D>,
) -> bool
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    let n = assert_square("symmetric_eigen_in_place", "a", a);
    assert_eq!(
        vectors.shape(),
        (n, n),
        "symmetric_eigen_in_place: `vectors` must be {n} × {n}"
    );
    assert_eq!(
        values.len(),
        n,
        "symmetric_eigen_in_place: `values` must have {n} entries"
    );
    let scale = a.amax();
    if !scale.is_finite() {
        return false;
    }
    if scale == T::zero() {
        values.fill(T::zero());
        vectors.fill_with_identity();
        return true;
    }
    // Division (not multiplication by 1/scale, which overflows for a subnormal scale) leaves every
    // entry in [−1, 1] with a relative error of ε: a componentwise perturbation, which costs even
    // the graded matrices Jacobi is accurate for nothing.
    for x in a.iter_mut() {
        *x /= scale;
    }
    let converged = if n > JACOBI_MAX_DIM {
        vectors.copy_from(a);
        tridiagonalise(vectors, values, a);
        implicit_ql(values, a, vectors)
    } else {
        let converged = jacobi(a, vectors);
        for i in 0..n {
            values[i] = a[(i, i)];
        }
        converged
    };
    for l in values.iter_mut() {
        *l *= scale;
    }
    sort_ascending(values, vectors);
    converged
}

/// Cyclic Jacobi (Golub & Van Loan, *Matrix Computations*, 4th ed., Alg. 8.5.3): rotates `a`
/// to diagonal form, accumulating the rotations in `vectors`. Returns `false` if the
/// off-diagonal mass has not fallen below `ε²‖A‖²_F` after [`MAX_SWEEPS`] sweeps.
///
/// `a` must be scaled to `max|aᵢⱼ| = 1`, so that `‖A‖²_F` neither overflows nor underflows.
fn jacobi<T, D>(a: &mut OMatrix<T, D, D>, vectors: &mut OMatrix<T, D, D>) -> bool
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
        if off <= eps * eps * total {
            return true;
        }
        for q in 1..n {
            for p in 0..q {
                rotate(a, vectors, p, q);
            }
        }
    }
    false
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

/// Householder reduction of the symmetric matrix in `v` to tridiagonal form, accumulating the
/// transformations: on return `v` holds the orthogonal `Q` with `QᵀAQ` tridiagonal, `d` its
/// diagonal and column 0 of `e` its subdiagonal (`e[(i, 0)] = tᵢ,ᵢ₋₁`, `e[(0, 0)] = 0`).
///
/// EISPACK's `tred2` (Wilkinson & Reinsch, *Handbook for Automatic Computation* II, 1971,
/// contribution II/2; Golub & Van Loan, *Matrix Computations*, 4th ed., §8.3.1), as translated
/// in JAMA. Only the lower triangle of `v` is read. Column 0 of `e` is the only scratch used:
/// the rest of `e` is not touched.
fn tridiagonalise<T, D>(v: &mut OMatrix<T, D, D>, d: &mut OVector<T, D>, e: &mut OMatrix<T, D, D>)
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    let n = v.nrows();
    let zero = T::zero();
    for j in 0..n {
        d[j] = v[(n - 1, j)];
    }
    for i in (1..n).rev() {
        // Householder reflection annihilating row i left of the subdiagonal, scaled by the
        // row's 1-norm against under- and overflow.
        let mut scale = zero;
        let mut h = zero;
        for k in 0..i {
            scale += d[k].abs();
        }
        if scale == zero {
            e[(i, 0)] = d[i - 1];
            for j in 0..i {
                d[j] = v[(i - 1, j)];
                v[(i, j)] = zero;
                v[(j, i)] = zero;
            }
        } else {
            for k in 0..i {
                d[k] /= scale;
                h += d[k] * d[k];
            }
            let mut f = d[i - 1];
            let mut g = h.sqrt();
            if f > zero {
                g = -g;
            }
            e[(i, 0)] = scale * g;
            h -= f * g;
            d[i - 1] = f - g;
            for j in 0..i {
                e[(j, 0)] = zero;
            }
            for j in 0..i {
                f = d[j];
                v[(j, i)] = f;
                g = e[(j, 0)] + v[(j, j)] * f;
                for k in j + 1..i {
                    g += v[(k, j)] * d[k];
                    e[(k, 0)] += v[(k, j)] * f;
                }
                e[(j, 0)] = g;
            }
            f = zero;
            for j in 0..i {
                e[(j, 0)] /= h;
                f += e[(j, 0)] * d[j];
            }
            let hh = f / (h + h);
            for j in 0..i {
                e[(j, 0)] -= hh * d[j];
            }
            for j in 0..i {
                f = d[j];
                g = e[(j, 0)];
                for k in j..i {
                    v[(k, j)] -= f * e[(k, 0)] + g * d[k];
                }
                d[j] = v[(i - 1, j)];
                v[(i, j)] = zero;
            }
        }
        d[i] = h;
    }
    // Accumulate the reflections into Q.
    for i in 0..n - 1 {
        v[(n - 1, i)] = v[(i, i)];
        v[(i, i)] = T::one();
        let h = d[i + 1];
        if h != zero {
            for k in 0..=i {
                d[k] = v[(k, i + 1)] / h;
            }
            for j in 0..=i {
                let mut g = zero;
                for k in 0..=i {
                    g += v[(k, i + 1)] * v[(k, j)];
                }
                for k in 0..=i {
                    v[(k, j)] -= g * d[k];
                }
            }
        }
        for k in 0..=i {
            v[(k, i + 1)] = zero;
        }
    }
    for j in 0..n {
        d[j] = v[(n - 1, j)];
        v[(n - 1, j)] = zero;
    }
    v[(n - 1, n - 1)] = T::one();
    e[(0, 0)] = zero;
}

/// The implicit QL iteration with Wilkinson-type shifts on the tridiagonal matrix with diagonal
/// `d` and subdiagonal in column 0 of `e` (as [`tridiagonalise`] leaves them), rotating the
/// columns of `v` along: on return `d` holds the eigenvalues (unsorted) and `v` the
/// eigenvectors. Returns `false` when more than `30 n` iterations were needed in total.
///
/// EISPACK's `tql2` (Wilkinson & Reinsch, *Handbook* II, contribution II/3; Golub & Van Loan,
/// §8.3.5), as translated in JAMA, with an iteration cap: `tql2` stops after 30 iterations on
/// one eigenvalue, LAPACK's `dsteqr` after `30 n` in all, which is what this does.
fn implicit_ql<T, D>(
    d: &mut OVector<T, D>,
    e: &mut OMatrix<T, D, D>,
    v: &mut OMatrix<T, D, D>,
) -> bool
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    let n = d.len();
    let zero = T::zero();
    let one = T::one();
    let two = one + one;
    let eps = T::default_epsilon();
    for i in 1..n {
        e[(i - 1, 0)] = e[(i, 0)];
    }
    e[(n - 1, 0)] = zero;
    let mut budget = QL_ITERATIONS_PER_EIGENVALUE * n;
    let mut f = zero;
    let mut tst1 = zero;
    for l in 0..n {
        tst1 = tst1.max(d[l].abs() + e[(l, 0)].abs());
        // The first negligible subdiagonal entry at or after l; e[n − 1] = 0 ends the search.
        let mut m = l;
        while m < n - 1 && e[(m, 0)].abs() > eps * tst1 {
            m += 1;
        }
        if m > l {
            loop {
                if budget == 0 {
                    return false;
                }
                budget -= 1;
                // The shift: the eigenvalue of the leading 2 × 2 block nearer d[l].
                let mut g = d[l];
                let mut p = (d[l + 1] - g) / (two * e[(l, 0)]);
                let mut r = p.hypot(one);
                if p < zero {
                    r = -r;
                }
                d[l] = e[(l, 0)] / (p + r);
                d[l + 1] = e[(l, 0)] * (p + r);
                let dl1 = d[l + 1];
                let mut h = g - d[l];
                for i in l + 2..n {
                    d[i] -= h;
                }
                f += h;
                // The implicit QL sweep from m back to l, by plane rotations.
                p = d[m];
                let mut c = one;
                let mut c2 = c;
                let mut c3 = c;
                let el1 = e[(l + 1, 0)];
                let mut s = zero;
                let mut s2 = zero;
                for i in (l..m).rev() {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[(i, 0)];
                    h = c * p;
                    r = p.hypot(e[(i, 0)]);
                    e[(i + 1, 0)] = s * r;
                    s = e[(i, 0)] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    for k in 0..n {
                        let (v_ki, v_ki1) = (v[(k, i)], v[(k, i + 1)]);
                        v[(k, i + 1)] = s * v_ki + c * v_ki1;
                        v[(k, i)] = c * v_ki - s * v_ki1;
                    }
                }
                p = -s * s2 * c3 * el1 * e[(l, 0)] / dl1;
                e[(l, 0)] = s * p;
                d[l] = c * p;
                if !p.is_finite() {
                    return false;
                }
                if e[(l, 0)].abs() <= eps * tst1 {
                    break;
                }
            }
        }
        d[l] += f;
        e[(l, 0)] = zero;
    }
    true
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

/// Exposes the QL path at any dimension, for the accuracy comparison in the unit tests.
#[cfg(test)]
pub(super) fn ql_for_tests<T, D>(
    a: &mut OMatrix<T, D, D>,
    values: &mut OVector<T, D>,
    vectors: &mut OMatrix<T, D, D>,
) -> bool
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    vectors.copy_from(a);
    tridiagonalise(vectors, values, a);
    let converged = implicit_ql(values, a, vectors);
    sort_ascending(values, vectors);
    converged
}
