//! Newton's method, `θ ← θ − H⁻¹∇L`: quadratic convergence to the nearest stationary point of
//! any type, which is exactly why it finds saddles.

use nalgebra::{allocator::Allocator, DefaultAllocator, OVector};

use super::relaxed_newton::ShiftedNewtonStep;
use super::second_order;
use super::settings::{limits_accessors, Limits};
use super::{Minimizer, Observer};
use crate::{Error, Objective, Report};

/// Pure Newton's method, `θ ← θ − H⁻¹∇L`, with the exact Hessian and no safeguard.
///
/// The step solves `H s = ∇L` by LU with partial pivoting, so an indefinite `H` is used as it
/// is: Newton's iteration is a root finder for `∇L = 0` and converges to maxima and saddles as
/// readily as to minima (course slides "Newton's method"; Rowan, arXiv 2510.11987). A run ends
/// with [`Termination::SingularHessian`](crate::Termination::SingularHessian) when `H` is
/// singular to working precision.
///
/// Defaults (`PROBLEMS.md` §6): tolerance `‖∇L‖∞ < 1e-10`, 200 iterations.
///
/// ## Reference
///
/// Nocedal & Wright, *Numerical Optimization*, 2nd ed., 2006, §3.3 (Theorem 3.5: quadratic
/// convergence near a non-degenerate stationary point).
///
/// # Examples
///
/// ```
/// use nalgebra::{Const, SMatrix, SVector, Vector2};
/// use newton_core::{Minimizer, Newton, Objective, Termination};
///
/// /// `f = 2x² − 2y²`, the slides' saddle.
/// struct Saddle;
/// impl Objective for Saddle {
///     type Scalar = f64;
///     type Dim = Const<2>;
///     fn dim(&self) -> Const<2> { Const }
///     fn value(&self, p: &SVector<f64, 2>) -> f64 { 2.0 * p.x * p.x - 2.0 * p.y * p.y }
///     fn value_gradient(&self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
///         *g = Vector2::new(4.0 * p.x, -4.0 * p.y);
///         self.value(p)
///     }
///     fn value_gradient_hessian(
///         &self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>, h: &mut SMatrix<f64, 2, 2>,
///     ) -> f64 {
///         *h = SMatrix::from_diagonal(&Vector2::new(4.0, -4.0));
///         self.value_gradient(p, g)
///     }
/// }
///
/// // One Newton step lands exactly on the saddle.
/// let report = Newton::default().minimize(&Saddle, &Vector2::new(0.3, -0.7))?;
/// assert_eq!(report.termination, Termination::Converged);
/// assert_eq!((report.iterations, report.x), (1, Vector2::zeros()));
/// # Ok::<(), newton_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Newton {
    limits: Limits,
}

impl Default for Newton {
    fn default() -> Self {
        Self {
            limits: Limits::NEWTON,
        }
    }
}

impl Newton {
    limits_accessors!();
}

impl Minimizer for Newton {
    fn name(&self) -> &'static str {
        "Newton"
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
        let rule = ShiftedNewtonStep::new(1.0, 0.0)?;
        second_order::minimize(objective, start, &self.limits, &rule, None, observer)
    }
}
