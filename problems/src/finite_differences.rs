//! Central finite differences of a gradient: the Hessian every benchmark compares against.

use nalgebra::{SMatrix, SVector};

/// Approximates the Hessian at `x` by central differences of an exact `gradient`:
/// column `j` is `(∇f(x + hⱼeⱼ) − ∇f(x − hⱼeⱼ)) / 2hⱼ` with `hⱼ = ε^⅓ · max(1, |xⱼ|)`, and the
/// result is symmetrised as `(H + Hᵀ)/2`.
///
/// Costs `2·D` gradient evaluations; the truncation error is `O(h²)`, about `1e-10` relative for
/// smooth problems of moderate curvature.
///
/// # Examples
///
/// ```
/// use nalgebra::SVector;
/// use problems::finite_differences::central_hessian;
///
/// // f = x² y, ∇f = (2xy, x²)
/// let h = central_hessian(|v: &SVector<f64, 2>| SVector::from([2.0 * v[0] * v[1], v[0] * v[0]]), &SVector::from([1.0, 2.0]));
/// assert!((h[(0, 0)] - 4.0).abs() < 1e-8 && (h[(0, 1)] - 2.0).abs() < 1e-8);
/// ```
pub fn central_hessian<const D: usize>(
    mut gradient: impl FnMut(&SVector<f64, D>) -> SVector<f64, D>,
    x: &SVector<f64, D>,
) -> SMatrix<f64, D, D> {
    let cbrt_eps = f64::EPSILON.cbrt();
    let mut h = SMatrix::<f64, D, D>::zeros();
    let mut probe = *x;
    for j in 0..D {
        let step = cbrt_eps * x[j].abs().max(1.0);
        probe[j] = x[j] + step;
        let forward = gradient(&probe);
        probe[j] = x[j] - step;
        let backward = gradient(&probe);
        probe[j] = x[j];
        h.set_column(j, &((forward - backward) / (2.0 * step)));
    }
    (h + h.transpose()) * 0.5
}

/// [`central_hessian`] for a dynamic dimension: `gradient(x, g)` writes `∇f(x)` into `g`.
///
/// Allocates its probe and two gradients once; costs `2·P` gradient evaluations.
pub fn central_hessian_dyn(
    mut gradient: impl FnMut(&nalgebra::DVector<f64>, &mut nalgebra::DVector<f64>),
    x: &nalgebra::DVector<f64>,
) -> nalgebra::DMatrix<f64> {
    let p = x.len();
    let cbrt_eps = f64::EPSILON.cbrt();
    let mut h = nalgebra::DMatrix::zeros(p, p);
    let mut probe = x.clone();
    let (mut forward, mut backward) = (nalgebra::DVector::zeros(p), nalgebra::DVector::zeros(p));
    for j in 0..p {
        let step = cbrt_eps * x[j].abs().max(1.0);
        probe[j] = x[j] + step;
        gradient(&probe, &mut forward);
        probe[j] = x[j] - step;
        gradient(&probe, &mut backward);
        probe[j] = x[j];
        h.set_column(j, &((&forward - &backward) / (2.0 * step)));
    }
    (&h + h.transpose()) * 0.5
}
