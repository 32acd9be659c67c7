//! The optimisers, one file each, and the [`Minimizer`] trait that multistart runs.

mod adam;
mod bfgs;
mod gauss_newton;
mod gradient_descent;
mod levenberg_marquardt;
mod line_search;
mod newton;
mod observe;
mod relaxed_newton;
mod report;
mod run;
mod saddle_free;
mod second_order;
pub(crate) mod settings;
mod trust_region;

pub use adam::Adam;
pub use bfgs::Bfgs;
pub use gauss_newton::GaussNewton;
pub use gradient_descent::GradientDescent;
pub use levenberg_marquardt::LevenbergMarquardt;
pub use newton::Newton;
pub use observe::{Control, Observer, Progress};
pub use relaxed_newton::RelaxedNewton;
pub use report::{Best, Record, Report, Termination, DIVERGENCE_FACTOR};
pub use saddle_free::SaddleFreeNewton;
pub use trust_region::TrustRegionNewton;

use nalgebra::{allocator::Allocator, DefaultAllocator, OVector};

use crate::{Error, Objective};

/// An optimiser of any [`Objective`], static or dynamic in dimension.
///
/// Configurations are plain values (`Default` plus validating `with_*` setters), so one solver
/// can run many starts, in parallel, with [`multistart`](crate::multistart).
pub trait Minimizer: Sync {
    /// Returns the method's name as reports print it (`"Newton"`, `"BFGS"`, …).
    fn name(&self) -> &'static str;

    /// Runs the method from `start`.
    ///
    /// What goes wrong during the run (a singular Hessian, a non-finite loss) ends it with the
    /// matching [`Termination`] and the last finite iterate; it is not an error. The report
    /// also holds the best iterate.
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] if `start` does not have `objective.dim()` coordinates,
    /// [`Error::NonFiniteStart`] if one is NaN or infinite, and [`Error::NonFiniteAtStart`] if
    /// the objective is not finite there.
    fn minimize<O: Objective>(
        &self,
        objective: &O,
        start: &OVector<O::Scalar, O::Dim>,
    ) -> Result<crate::Report<O::Scalar, O::Dim>, Error>
    where
        DefaultAllocator: Allocator<O::Dim> + Allocator<O::Dim, O::Dim>,
    {
        self.minimize_observed(objective, start, &mut ())
    }

    /// Runs the method from `start`, showing every iterate to `observer`, which may stop the
    /// run ([`Termination::Stopped`]); otherwise the same run as [`Minimizer::minimize`].
    ///
    /// # Errors
    ///
    /// As [`Minimizer::minimize`].
    fn minimize_observed<O: Objective, B: Observer<O::Scalar>>(
        &self,
        objective: &O,
        start: &OVector<O::Scalar, O::Dim>,
        observer: &mut B,
    ) -> Result<crate::Report<O::Scalar, O::Dim>, Error>
    where
        DefaultAllocator: Allocator<O::Dim> + Allocator<O::Dim, O::Dim>;
}
