//! Symmetric eigendecomposition `A = QΛQᵀ`: classification, saddle-free Newton's `|H|`, spectra.

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::{assert_square, usize_to_f64};

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
/// Reads the whole of `a`, which must be symmetric (as every Hessian newton produces is). At
/// `n ≤` [`JACOBI_MAX_DIM`] the method is cyclic Jacobi, above it Householder tridiagonalisation
/// and implicit QL; neither allocates. The iteration runs on `σA`, with `σ` an exact power of two
/// chosen so that nothing overflows and the matrix is not subnormal, and the eigenvalues are
/// divided by `σ` on return. Jacobi scales only when it must (entries above `max/(4n)`, or all
/// entries below 1, where scaling up is exact), so that a graded matrix such as
/// `diag(1e-300, 1e300)` keeps its tiny entries; QL always works at unit scale.
///
/// An eigenvalue is therefore `±∞` only when its magnitude reaches the largest finite value of
/// `T` (possible for entries within a factor `n` of it, e.g. `[[1e308, 1e308], [1e308, 1e308]]`,
/// whose true eigenvalue `2e308` is not representable), and the eigenvectors stay accurate there.
/// [`classify`](crate::classify) counts signs on the scaled spectrum, so its inertia is right
/// even then.
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
    let Some(scale) = scaled_symmetric_eigen(a, values, vectors) else {
        return false;
    };
    if scale != T::one() {
        // Exact, unless the true eigenvalue is beyond the range (±∞) or subnormal (rounded).
        for l in values.iter_mut() {
            *l /= scale;
        }
    }
    true
}

/// Like [`symmetric_eigen_in_place`], but leaves the eigenvalues of `σA` in `values` and returns
/// the power of two `σ` (`None` when the iteration did not converge or `a` is not finite).
///
/// The scaled eigenvalues are all finite, at most `n · max|σaᵢⱼ| ≤ max/4` in magnitude, so signs
/// and ratios read from them are exact where the unscaled ones may have overflowed.
///
/// `a` and `vectors` must be square of the dimension of `values`.
pub(crate) fn scaled_symmetric_eigen<T, D>(
    a: &mut OMatrix<T, D, D>,
    values: &mut OVector<T, D>,
    vectors: &mut OMatrix<T, D, D>,
) -> Option<T>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    let n = a.nrows();
    let mut largest = T::zero();
    for &x in a.iter() {
        // Not only ∞: Jacobi's tests are comparisons, which a NaN passes silently.
        if !x.is_finite() {
            return None;
        }
        largest = largest.max(x.abs());
    }
    if largest == T::zero() {
        values.fill(T::zero());
        vectors.fill_with_identity();
        return Some(T::one());
    }
    let use_jacobi = n <= JACOBI_MAX_DIM;
    let high = if use_jacobi {
        // Every entry of every matrix Jacobi forms is at most ‖A‖₂ ≤ n · max|aᵢⱼ|, and a rotated
        // entry is the sum of two such products: below max/4 with this bound.
        T::max_value().map_or(largest.max(T::one() + T::one()), |max| {
            max / nalgebra::convert::<f64, T>(4.0 * usize_to_f64(n))
        })
    } else {
        // QL squares entries (`el1 · e[l]` in the shift), so it needs unit scale.
        T::one() + T::one()
    };
    let scale = power_of_two_scale(largest, high);
    if scale != T::one() {
        for x in a.iter_mut() {
            *x *= scale;
        }
    }
    let converged = if use_jacobi {
        let converged = jacobi(a, vectors, values);
        for i in 0..n {
            values[i] = a[(i, i)];
        }
        converged
    } else {
        vectors.copy_from(a);
        tridiagonalise(vectors, values, a);
        implicit_ql(values, a, vectors)
    };
    sort_ascending(values, vectors);
    converged.then_some(scale)
}

/// Returns the power of two `σ` that brings `largest` (positive and finite) to at most `high`
/// (`high ≥ 2`), and, if it is below 1, to at least 1 or as close as a representable `σ` gets.
///
/// Multiplying by a power of two is exact unless the product is subnormal, so scaling up costs
/// nothing and scaling down only the bits of entries far below the largest. For a subnormal
/// `largest` the factor up to 1 may not be representable (`2⁻¹⁰⁷⁴ · 2¹⁰²³ = 2⁻⁵¹` for `f64`, and
/// likewise `2⁻²²` for `f32`): the result is then at least `ε`, clear of the subnormal range.
fn power_of_two_scale<T: RealField + Copy>(largest: T, high: T) -> T {
    let one = T::one();
    let two = one + one;
    // Coarse steps, then single ones: at most about 64 iterations from anywhere in the range.
    let step = nalgebra::convert::<f64, T>(4_294_967_296.0);
    let mut scale = one;
    while largest * scale / step > high {
        scale /= step;
    }
    while largest * scale > high {
        scale /= two;
    }
    while largest * scale * step < one && (scale * step).is_finite() {
        scale *= step;
    }
    while largest * scale < one && (scale * two).is_finite() {
        scale *= two;
    }
    scale
}

/// Cyclic Jacobi (Golub & Van Loan, *Matrix Computations*, 4th ed., Alg. 8.5.3): rotates `a`
/// to diagonal form, accumulating the rotations in `vectors`. Returns `false` if a sweep still
/// rotated after [`MAX_SWEEPS`] sweeps; converged is a whole sweep that rotates nothing.
///
/// An entry is rotated away only if `|a_pq| > ε r_p r_q`. At the start `rᵢ = √|aᵢᵢ|`, which is
/// the test of Demmel & Veselić (*Jacobi's method is more accurate than QR*, SIAM J. Matrix Anal.
/// Appl. 13, 1992): relative to the two diagonal entries rather than to `‖A‖`, which is what lets
/// the small eigenvalues of a graded matrix converge to high relative accuracy. Then `rᵢ` grows
/// with what row `i` is computed from: a rotation moves the diagonal by `|t a_pq|` and mixes `s`
/// times row `q` into row `p`, and leaves rounding of `ε` times that behind, so `r_p` becomes at
/// least `√|t a_pq|` and `|s| r_q` (each `√` of a magnitude in units of a diagonal entry). Without
/// that, the zero eigenvalues of a rank-deficient matrix, which appear as diagonal entries of
/// size `ε‖A‖` reached by cancellation, would be re-diagonalised among themselves to full
/// relative accuracy, about as many sweeps again spent on rounding noise.
///
/// The test squares nothing, so it holds at any scale: `a` need only be scaled so that the
/// rotations cannot overflow (entries at most `max/(4n)`). `reach` (the caller's `values`) is
/// scratch for the `rᵢ`.
fn jacobi<T, D>(
    a: &mut OMatrix<T, D, D>,
    vectors: &mut OMatrix<T, D, D>,
    reach: &mut OVector<T, D>,
) -> bool
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    let n = a.nrows();
    vectors.fill_with_identity();
    for i in 0..n {
        reach[i] = a[(i, i)].abs().sqrt();
    }
    let eps = T::default_epsilon();
    let large_tau = eps.sqrt().recip();
    for _ in 0..MAX_SWEEPS {
        let mut rotated = false;
        for q in 1..n {
            for p in 0..q {
                if a[(p, q)].abs() > eps * reach[p] * reach[q] {
                    let (s, shift) = rotate(a, vectors, p, q, large_tau);
                    let (r_p, r_q, r_shift) = (reach[p], reach[q], shift.sqrt());
                    reach[p] = r_p.max(s * r_q).max(r_shift);
                    reach[q] = r_q.max(s * r_p).max(r_shift);
                    rotated = true;
                }
            }
        }
        if !rotated {
            return true;
        }
    }
    false
}

/// Applies the Jacobi rotation that zeroes `a[(p, q)]` (non-zero), and returns `|s|`, its sine,
/// and `|t · a_pq|`, the amount by which it moved each diagonal entry. `large_tau` is `1/√ε`.
fn rotate<T, D>(
    a: &mut OMatrix<T, D, D>,
    vectors: &mut OMatrix<T, D, D>,
    p: usize,
    q: usize,
    large_tau: T,
) -> (T, T)
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D>,
{
    let one = T::one();
    let two = one + one;
    // Infinite when a_pq is tiny against the gap of the diagonal: t is then 0 and the rotation
    // only drops a_pq, which is below the rounding of either diagonal entry.
    let tau = (a[(q, q)] - a[(p, p)]) / (two * a[(p, q)]);
    // The smaller root of t² + 2τt − 1 = 0, so that the rotation angle is at most π/4. Beyond
    // |τ| = 1/√ε, √(1 + τ²) rounds to |τ| and the root is 1/(2τ) to working precision; computing
    // it so avoids the overflow of τ².
    let t = if tau.abs() > large_tau {
        (two * tau).recip()
    } else if tau >= T::zero() {
        one / (tau + (one + tau * tau).sqrt())
    } else {
        -one / (-tau + (one + tau * tau).sqrt())
    };
    let shift = (t * a[(p, q)]).abs();
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
    (s.abs(), shift)
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
