//! The eigendecomposition of a small symmetric matrix by cyclic Jacobi rotations, in place and
//! allocation-free: it factors a residual's `∂²r/∂U²` (a handful of jet components) once per
//! point, where a general dense solver would allocate for every call.

/// Sweeps over every off-diagonal pair, at most: Jacobi converges quadratically, and a few
/// sweeps reach rounding for the sizes it is given (at most [`MAX_OUTPUTS`] · [`MAX_K`]).
///
/// [`MAX_OUTPUTS`]: crate::network::MAX_OUTPUTS
/// [`MAX_K`]: super::lane_jets::MAX_K
const SWEEPS: usize = 64;

/// Replaces the symmetric `n × n` matrix `a` (row-major) by its eigenvalues on the diagonal and
/// writes the eigenvectors into the columns of `vectors` (row-major, `n × n`), so that the
/// matrix given is `V·diag(a)·Vᵀ` to rounding. The strict triangles of `a` are left near zero.
///
/// # Panics
///
/// If `a` or `vectors` has fewer than `n²` entries.
pub(crate) fn symmetric_eigen(n: usize, a: &mut [f64], vectors: &mut [f64]) {
    let (a, vectors) = (&mut a[..n * n], &mut vectors[..n * n]);
    vectors.fill(0.0);
    for i in 0..n {
        vectors[i * n + i] = 1.0;
    }
    let total: f64 = a.iter().map(|v| v * v).sum();
    for _ in 0..SWEEPS {
        let off: f64 = (0..n)
            .flat_map(|p| (p + 1..n).map(move |q| (p, q)))
            .map(|(p, q)| a[p * n + q] * a[p * n + q])
            .sum();
        // Off-diagonal mass at rounding relative to the matrix: converged.
        if off <= f64::EPSILON * f64::EPSILON * total {
            return;
        }
        for p in 0..n {
            for q in p + 1..n {
                rotate(n, a, vectors, p, q);
            }
        }
    }
}

/// Applies the rotation in the `(p, q)` plane that zeroes `a[p][q]`: `A ← JᵀAJ`, `V ← VJ`
/// (Press et al., *Numerical Recipes*, 3rd ed., 2007, §11.1).
fn rotate(n: usize, a: &mut [f64], vectors: &mut [f64], p: usize, q: usize) {
    let apq = a[p * n + q];
    if apq == 0.0 {
        return;
    }
    // `θ = cot 2φ`; the smaller root `t = tan φ` keeps the rotation below a quarter turn.
    let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
    let t = theta.signum() / (theta.abs() + theta.hypot(1.0));
    let c = 1.0 / t.hypot(1.0);
    let s = t * c;
    let turn = |x: f64, y: f64| (c * x - s * y, s * x + c * y);
    for k in 0..n {
        (a[k * n + p], a[k * n + q]) = turn(a[k * n + p], a[k * n + q]);
    }
    for k in 0..n {
        (a[p * n + k], a[q * n + k]) = turn(a[p * n + k], a[q * n + k]);
    }
    for k in 0..n {
        (vectors[k * n + p], vectors[k * n + q]) = turn(vectors[k * n + p], vectors[k * n + q]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    /// `V·diag(λ)·Vᵀ` rebuilds the matrix and `V` is orthogonal, for sizes from 1 to the
    /// largest a residual can have, with entries over many orders of magnitude, indefinite,
    /// singular and already-diagonal matrices among them.
    #[test]
    fn eigenpairs_rebuild_the_matrix() {
        let mut seed = 7_u64;
        let mut next = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            f64::from(u32::try_from(seed >> 40).unwrap()) / f64::from(1_u32 << 24) - 0.5
        };
        for n in [1, 2, 3, 5, 10, 24, 80] {
            for case in 0..4 {
                let scale = [1.0, 1e-9, 1e12, 1.0][case];
                let mut m = DMatrix::from_fn(n, n, |_, _| scale * next());
                m = &m + m.transpose();
                if case == 3 {
                    // Rank one, so singular and with repeated zero eigenvalues.
                    let v = DMatrix::from_fn(n, 1, |_, _| next());
                    m = &v * v.transpose();
                }
                let (mut a, mut v) = (vec![0.0; n * n], vec![0.0; n * n]);
                for i in 0..n {
                    for j in 0..n {
                        a[i * n + j] = m[(i, j)];
                    }
                }
                symmetric_eigen(n, &mut a, &mut v);
                let vectors = DMatrix::from_row_slice(n, n, &v);
                let values = DMatrix::from_diagonal(
                    &DMatrix::from_fn(n, 1, |i, _| a[i * n + i])
                        .column(0)
                        .into_owned(),
                );
                let rebuilt = &vectors * values * vectors.transpose();
                let size = m.amax().max(f64::MIN_POSITIVE);
                assert!(
                    (rebuilt - &m).amax() <= 1e-13 * size,
                    "n = {n}, case {case}"
                );
                let identity = vectors.transpose() * &vectors;
                assert!(
                    (identity - DMatrix::identity(n, n)).amax() <= 1e-13,
                    "n = {n}"
                );
            }
        }
    }

    /// The indefinite `[[0, 1], [1, 0]]` of `u·u.x` splits into `±1` along `(1, ±1)/√2`.
    #[test]
    fn a_product_of_two_components_has_one_eigenvalue_of_each_sign() {
        let (mut a, mut v) = ([0.0, 1.0, 1.0, 0.0], [0.0; 4]);
        symmetric_eigen(2, &mut a, &mut v);
        let mut values = [a[0], a[3]];
        values.sort_by(f64::total_cmp);
        assert!((values[0] + 1.0).abs() < 1e-15 && (values[1] - 1.0).abs() < 1e-15);
        assert!(a[1].abs() < 1e-15 && a[2].abs() < 1e-15);
        assert!((v[0].abs() - core::f64::consts::FRAC_1_SQRT_2).abs() < 1e-15);
    }
}
