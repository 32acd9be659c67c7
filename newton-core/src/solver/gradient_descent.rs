//! Gradient descent, `θ ← θ − η∇L`, and the loop it shares with [`Adam`](crate::Adam): a
//! first-order step from `(θ, ∇L)`, no curvature, no line search.

use nalgebra::{allocator::Allocator, Const, DefaultAllocator, OVector};

use super::run::{all_finite, check_start, non_finite, Tracker};
use super::settings::{in_precision, limits_accessors, positive, Limits};
use super::{Minimizer, Observer};
use crate::{Error, Objective, Report, Termination};

/// Gradient descent with a fixed learning rate, `θ ← θ − η∇L`.
///
/// The baseline every other method is measured against: it uses no curvature at all, so it
/// converges linearly at a rate set by the condition number, and diverges once `η` exceeds
/// `2/λₘₐₓ(H)` along the path (a run then ends with
/// [`Termination::NonFinite`] when the loss overflows).
///
/// Defaults: `η = 1e-2` (`PROBLEMS.md` §6); tolerance `‖∇L‖∞ < 1e-8` and 10 000 iterations, the
/// crate defaults for first-order methods.
///
/// ## Reference
///
/// Nocedal & Wright, *Numerical Optimization*, 2nd ed., 2006, §3.3 (Theorem 3.4: the linear
/// rate of steepest descent).
///
/// # Examples
///
/// ```
/// use nalgebra::{Const, SMatrix, SVector, Vector2};
/// use newton_core::{GradientDescent, Minimizer, Objective};
///
/// /// `f = x² + 2y²`.
/// struct Bowl;
/// impl Objective for Bowl {
///     type Scalar = f64;
///     type Dim = Const<2>;
///     fn dim(&self) -> Const<2> { Const }
///     fn value(&self, p: &SVector<f64, 2>) -> f64 { p.x * p.x + 2.0 * p.y * p.y }
///     fn value_gradient(&self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
///         *g = Vector2::new(2.0 * p.x, 4.0 * p.y);
///         self.value(p)
///     }
///     fn value_gradient_hessian(
///         &self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>, h: &mut SMatrix<f64, 2, 2>,
///     ) -> f64 {
///         *h = SMatrix::from_diagonal(&Vector2::new(2.0, 4.0));
///         self.value_gradient(p, g)
///     }
/// }
///
/// let solver = GradientDescent::default().with_learning_rate(0.1)?;
/// let report = solver.minimize(&Bowl, &Vector2::new(1.0, -1.0))?;
/// assert!(report.converged());
/// assert!(report.x.amax() < 1e-8);
/// # Ok::<(), newton_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GradientDescent {
    limits: Limits,
    learning_rate: f64,
}

impl Default for GradientDescent {
    fn default() -> Self {
        Self {
            limits: Limits::FIRST_ORDER,
            learning_rate: 1e-2,
        }
    }
}

impl GradientDescent {
    limits_accessors!();

    /// Sets the learning rate `η`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `learning_rate` is positive and finite.
    pub fn with_learning_rate(mut self, learning_rate: f64) -> Result<Self, Error> {
        self.learning_rate = positive("learning_rate", learning_rate)?;
        Ok(self)
    }

    /// Returns the learning rate `η`.
    #[must_use]
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }
}

impl Minimizer for GradientDescent {
    fn name(&self) -> &'static str {
        "gradient descent"
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
        let eta: O::Scalar = in_precision("learning_rate", self.learning_rate, positive)?;
        descend(objective, start, &self.limits, observer, |x, g, trial| {
            trial.copy_from(x);
            trial.axpy(-eta, g, nalgebra::one());
        })
    }
}

/// Runs `θ ← step(θ, ∇L)` from `start` until `‖∇L‖∞ < tolerance` or a limit.
///
/// `step(x, g, trial)` writes the next iterate into `trial`; it is called once per iteration,
/// in order, so a stateful method (Adam's moments) keeps its state in the closure.
pub(super) fn descend<O, B, S>(
    objective: &O,
    start: &OVector<O::Scalar, O::Dim>,
    limits: &Limits,
    observer: &mut B,
    mut step: S,
) -> Result<Report<O::Scalar, O::Dim>, Error>
where
    O: Objective,
    B: Observer<O::Scalar>,
    S: FnMut(
        &OVector<O::Scalar, O::Dim>,
        &OVector<O::Scalar, O::Dim>,
        &mut OVector<O::Scalar, O::Dim>,
    ),
    DefaultAllocator: Allocator<O::Dim> + Allocator<O::Dim, O::Dim>,
{
    let dim = objective.dim();
    check_start(dim, start)?;
    let mut x = start.clone();
    let mut trial = start.clone();
    let mut g = OVector::zeros_generic(dim, Const::<1>);
    let mut g_trial = g.clone();
    let mut value = objective.value_gradient(&x, &mut g);
    if let Some(what) = non_finite(value, &g, None) {
        return Err(Error::NonFiniteAtStart { what });
    }
    let mut tracker = Tracker::new(limits, observer)?;
    let mut iteration = 0;
    loop {
        let termination = if let Some(stop) = tracker.record_and_stop(&x, value, &g, iteration) {
            stop
        } else {
            step(&x, &g, &mut trial);
            let trial_value = objective.value_gradient(&trial, &mut g_trial);
            if non_finite(trial_value, &g_trial, None).is_some() || !all_finite(trial.iter()) {
                Termination::NonFinite
            } else {
                core::mem::swap(&mut x, &mut trial);
                core::mem::swap(&mut g, &mut g_trial);
                value = trial_value;
                iteration += 1;
                continue;
            }
        };
        return Ok(tracker.finish(x, value, &g, iteration, termination));
    }
}
