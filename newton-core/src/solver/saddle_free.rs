//! Saddle-free Newton, `θ ← θ − α(|H| + λI)⁻¹∇L`: Newton's step with every negative curvature
//! direction turned into a descent direction.

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::second_order::{self, Solved, StepRule, Workspace};
use super::settings::{
    in_precision, limits_accessors, line_search_accessors, non_negative, positive, shift_accessors,
    Limits, LineSearch,
};
use super::{Minimizer, Observer};
use crate::linalg::scaled_symmetric_eigen;
use crate::{Error, Inertia, Objective, Report, Tolerance};

/// Saddle-free Newton, `θ ← θ − α(|H| + λI)⁻¹∇L` with `|H| = Q|Λ|Qᵀ`.
///
/// Taking absolute eigenvalues keeps Newton's step length along every eigenvector but always
/// moves downhill, so saddles repel instead of attract. Each step costs a full symmetric
/// eigendecomposition, whose inertia is recorded in the trajectory (at every iterate, the last
/// included). With `λ = 0` a zero eigenvalue makes the step system singular; so does an
/// eigendecomposition that fails to converge (it has not been seen to), and both end the run
/// with [`Termination::SingularHessian`](crate::Termination::SingularHessian).
///
/// Defaults: `α = 1`, `λ = 1e-4` (`PROBLEMS.md` §6); tolerance `‖∇L‖∞ < 1e-10` and 200
/// iterations, as for Newton.
///
/// ## Reference
///
/// Dauphin, Pascanu, Gulcehre, Cho, Ganguli & Bengio, *Identifying and attacking the saddle
/// point problem in high-dimensional non-convex optimization*, Advances in Neural Information Processing Systems 27, 2014; Nocedal & Wright,
/// *Numerical Optimization*, 2nd ed., 2006, §3.4 (eigenvalue modification).
///
/// # Examples
///
/// ```
/// use newton_core::SaddleFreeNewton;
///
/// let solver = SaddleFreeNewton::default().with_lambda(0.0)?;
/// assert_eq!((solver.alpha(), solver.lambda()), (1.0, 0.0));
/// # Ok::<(), newton_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SaddleFreeNewton {
    limits: Limits,
    alpha: f64,
    lambda: f64,
    search: LineSearch,
}

impl Default for SaddleFreeNewton {
    fn default() -> Self {
        Self {
            limits: Limits::NEWTON,
            alpha: 1.0,
            lambda: 1e-4,
            search: LineSearch::OFF,
        }
    }
}

impl SaddleFreeNewton {
    limits_accessors!();
    line_search_accessors!();
    shift_accessors!("the absolute eigenvalues");
}

impl Minimizer for SaddleFreeNewton {
    fn name(&self) -> &'static str {
        "saddle-free Newton"
    }

    fn minimize_observed<O: Objective, B: Observer<O::Scalar>>(
        &self,
        objective: &O,
        start: &OVector<O::Scalar, O::Dim>,
        observer: &mut B,
    ) -> Result<Report<O::Scalar, O::Dim>, Error>
    where
        DefaultAllocator: Allocator<O::Dim> + Allocator<O::Dim, O::Dim>,
    {
        let rule = AbsoluteEigenStep {
            alpha: in_precision("alpha", self.alpha, positive)?,
            lambda: in_precision("lambda", self.lambda, non_negative)?,
        };
        let search = self.search.backtracking()?;
        second_order::minimize(
            objective,
            start,
            &self.limits,
            &rule,
            search.as_ref(),
            observer,
        )
    }
}

/// The step `Q(|Λ| + λI)⁻¹Qᵀ∇L`.
struct AbsoluteEigenStep<T> {
    alpha: T,
    lambda: T,
}

impl<T, D> StepRule<T, D> for AbsoluteEigenStep<T>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    fn alpha(&self) -> T {
        self.alpha
    }

    fn solve(
        &self,
        hessian: &OMatrix<T, D, D>,
        gradient: &OVector<T, D>,
        work: &mut Workspace<T, D>,
        step: &mut OVector<T, D>,
    ) -> Solved {
        let Some((inertia, scale)) = decompose(hessian, work) else {
            return Solved {
                inertia: None,
                singular: true,
            };
        };
        // Below ε‖H‖ a curvature is rounding noise, and dividing by it would be too.
        let singular = T::default_epsilon() * work.values.amax();
        // coefficients = (|Λ| + λI)⁻¹ Qᵀ ∇L, with `values` holding σΛ:
        // cₖ / (|λₖ| + λ) = (cₖ / (|σλₖ| + σλ)) · σ, finite also where |λₖ| overflows.
        let shift = self.lambda * scale;
        work.coefficients
            .gemv_tr(T::one(), &work.vectors, gradient, T::zero());
        for (c, &l) in work.coefficients.iter_mut().zip(work.values.iter()) {
            let curvature = l.abs() + shift;
            if curvature.partial_cmp(&singular) != Some(core::cmp::Ordering::Greater) {
                return Solved {
                    inertia: Some(inertia),
                    singular: true,
                };
            }
            *c = *c / curvature * scale;
        }
        step.gemv(T::one(), &work.vectors, &work.coefficients, T::zero());
        Solved {
            inertia: Some(inertia),
            singular: false,
        }
    }

    /// Decomposes `H = QΛQᵀ` into `work.vectors` and `work.values` and counts its inertia;
    /// `None` if the eigensolver did not converge.
    fn inertia(&self, hessian: &OMatrix<T, D, D>, work: &mut Workspace<T, D>) -> Option<Inertia> {
        decompose(hessian, work).map(|(inertia, _)| inertia)
    }
}

/// Decomposes `σH = QΛQᵀ` into `work.vectors` and `work.values`, with `σ` the power of two the
/// eigensolver scaled by, and counts the inertia on that spectrum, which stays finite (and so
/// its threshold meaningful) for entries of `H` near the largest finite value. Returns the
/// inertia and `σ`; `None` if the eigensolver did not converge.
fn decompose<T, D>(hessian: &OMatrix<T, D, D>, work: &mut Workspace<T, D>) -> Option<(Inertia, T)>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    work.factor.copy_from(hessian);
    let scale = scaled_symmetric_eigen(&mut work.factor, &mut work.values, &mut work.vectors)?;
    let (inertia, _) = Inertia::from_spectrum(work.values.as_slice(), Tolerance::Scaled);
    Some((inertia, scale))
}
