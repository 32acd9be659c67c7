//! Relaxed Newton, `θ ← θ − α(H + λI)⁻¹∇L`: a damped, shifted Newton step that still uses the
//! Hessian's negative curvature as it is.

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::run::copy_shifted;
use super::second_order::{self, Solved, StepRule, Workspace};
use super::settings::{
    in_precision, limits_accessors, line_search_accessors, non_negative, positive, shift_accessors,
    Limits, LineSearch,
};
use super::{Minimizer, Observer};
use crate::linalg::{lu_in_place, lu_solve_in_place};
use crate::{Error, Objective, Report};

/// Relaxed (damped, Levenberg–Marquardt-shifted) Newton, `θ ← θ − α(H + λI)⁻¹∇L`.
///
/// The shift `λ` only regularises the solve; it does not make `H + λI` positive definite when
/// `H` has eigenvalues below `−λ`, so like pure Newton this iteration is attracted to saddle
/// points. That is the behaviour the paper studies on networks (Rowan, arXiv 2510.11987), and
/// the experiments sweep `α` and `λ` rather than trust one setting.
///
/// Defaults: `α = 1`, `λ = 1e-4` (`PROBLEMS.md` §6); tolerance `‖∇L‖∞ < 1e-10` and 200
/// iterations, as for Newton.
///
/// ## Reference
///
/// Nocedal & Wright, *Numerical Optimization*, 2nd ed., 2006, §3.4 (Hessian modification) and
/// §10.3 (the Levenberg–Marquardt shift).
///
/// # Examples
///
/// ```
/// use newton_core::{Error, RelaxedNewton};
///
/// let solver = RelaxedNewton::default().with_alpha(0.5)?.with_lambda(1e-2)?;
/// assert_eq!((solver.alpha(), solver.lambda()), (0.5, 1e-2));
/// assert!(matches!(RelaxedNewton::default().with_alpha(0.0), Err(Error::InvalidSetting { .. })));
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RelaxedNewton {
    limits: Limits,
    alpha: f64,
    lambda: f64,
    search: LineSearch,
}

impl Default for RelaxedNewton {
    fn default() -> Self {
        Self {
            limits: Limits::NEWTON,
            alpha: 1.0,
            lambda: 1e-4,
            search: LineSearch::OFF,
        }
    }
}

impl RelaxedNewton {
    limits_accessors!();
    line_search_accessors!();
    shift_accessors!("the Hessian");
}

impl Minimizer for RelaxedNewton {
    fn name(&self) -> &'static str {
        "relaxed Newton"
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
        let rule = ShiftedNewtonStep::new(self.alpha, self.lambda)?;
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

/// The step `(H + λI)⁻¹∇L`, by LU with partial pivoting; pure Newton is `λ = 0`.
pub(crate) struct ShiftedNewtonStep<T> {
    alpha: T,
    lambda: T,
}

impl<T: RealField + Copy> ShiftedNewtonStep<T> {
    /// Takes validated settings and converts them to `T`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] if `α` or `λ` does not survive the conversion.
    pub(crate) fn new(alpha: f64, lambda: f64) -> Result<Self, Error> {
        Ok(Self {
            alpha: in_precision("alpha", alpha, positive)?,
            lambda: in_precision("lambda", lambda, non_negative)?,
        })
    }
}

impl<T, D> StepRule<T, D> for ShiftedNewtonStep<T>
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
        copy_shifted(&mut work.factor, hessian, self.lambda);
        let singular = !lu_in_place(&mut work.factor, &mut work.pivots);
        if !singular {
            step.copy_from(gradient);
            lu_solve_in_place(&work.factor, &work.pivots, step);
        }
        Solved {
            inertia: None,
            singular,
        }
    }
}
