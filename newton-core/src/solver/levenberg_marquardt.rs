//! Levenberg–Marquardt, `θ ← θ − (JᵀJ + μI)⁻¹Jᵀr`: Gauss–Newton with a damping `μ` that is
//! adapted so that every step taken decreases `½‖r‖²`.

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::gauss_newton::Point;
use super::run::{copy_shifted, Tracker};
use super::settings::{in_precision, limits_accessors, positive, Limits};
use super::Observer;
use crate::linalg::{cholesky_in_place, cholesky_solve_in_place};
use crate::{Error, LeastSquares, Report, Termination};

/// Levenberg–Marquardt, `θ ← θ − (JᵀJ + μI)⁻¹Jᵀr`, with Nielsen's update of the damping `μ`.
///
/// Each trial step solves the damped normal equations by Cholesky and is judged by its gain
/// ratio `ρ`, the actual decrease of `½‖r‖²` over the decrease `½sᵀ(μs + Jᵀr)` its linear model
/// predicts. The damping starts at `μ₀ = τ · max diag(JᵀJ)`. A step with `ρ > 0` is taken and
/// `μ ← μ · max(1/3, 1 − (2ρ − 1)³)`, `ν ← 2`; otherwise the step is rejected and
/// `μ ← μν`, `ν ← 2ν`. A damped system that Cholesky cannot factor, or a trial point where the
/// residuals or the Jacobian are not finite, counts as a rejection, so the run shrinks its step
/// away from such regions. Small `μ` gives the Gauss–Newton step, large `μ` a short
/// steepest-descent step.
///
/// Every step taken decreases the loss, with one exception at the limits of precision. Near a
/// minimiser with non-zero residuals the decrease a step can make (`~‖Jᵀr‖²`) falls below the
/// rounding noise of the loss long before `‖Jᵀr‖∞` reaches a tolerance like `1e-10`, and a test
/// on the loss alone would reject every step there. So the decrease is computed from differences
/// of residuals, `½ Σ (rᵢ − r̃ᵢ)(rᵢ + r̃ᵢ)`, which resolves it far below the rounding of `½‖r‖²`,
/// and a step whose predicted decrease and actual change both lie below the estimated noise is
/// judged by the gradient instead: it is taken when it decreases `‖Jᵀr‖∞` (counting as `ρ = 1`).
/// The recorded loss may then tie, or rise within its noise.
///
/// `iterations` counts the steps taken; rejected trials are not counted, and each run of
/// consecutive rejections is bounded because `μ` grows faster than geometrically: when it passes
/// `10³⁰ · max diag(JᵀJ)` without a step taken, the run ends with [`Termination::NoProgress`].
///
/// The report's `value` is `½‖r‖²` and its `gradient_norm` is `‖Jᵀr‖∞`, the gradient of that
/// loss; the run converges when `‖Jᵀr‖∞` falls below the tolerance.
///
/// Defaults: `τ = 1e-3` (crate default; `PROBLEMS.md` §6 asks only for an adaptive `μ`), tolerance
/// `‖Jᵀr‖∞ < 1e-10` and 200 iterations, as for Newton.
///
/// ## Reference
///
/// Madsen, Nielsen & Tingleff, *Methods for Non-Linear Least Squares Problems*, 2nd ed., 2004,
/// Algorithm 3.16; Nocedal & Wright, *Numerical Optimization*, 2nd ed., 2006, §10.3.
///
/// # Examples
///
/// ```
/// use nalgebra::{Const, SMatrix, SVector, Vector2};
/// use newton_core::{LeastSquares, LevenbergMarquardt, Termination};
///
/// /// Rosenbrock's function as least squares, `r = (10(y − x²), 1 − x)`.
/// struct Rosenbrock;
/// impl LeastSquares for Rosenbrock {
///     type Scalar = f64;
///     type Dim = Const<2>;
///     type Residuals = Const<2>;
///     fn dim(&self) -> Const<2> { Const }
///     fn residual_count(&self) -> Const<2> { Const }
///     fn residuals(&self, p: &SVector<f64, 2>, r: &mut SVector<f64, 2>) {
///         *r = Vector2::new(10.0 * (p.y - p.x * p.x), 1.0 - p.x);
///     }
///     fn residuals_jacobian(
///         &self, p: &SVector<f64, 2>, r: &mut SVector<f64, 2>, j: &mut SMatrix<f64, 2, 2>,
///     ) {
///         self.residuals(p, r);
///         *j = SMatrix::<f64, 2, 2>::new(-20.0 * p.x, 10.0, -1.0, 0.0);
///     }
/// }
///
/// let solver = LevenbergMarquardt::default().with_initial_damping(1e-2)?;
/// let report = solver.minimize(&Rosenbrock, &Vector2::new(-1.2, 1.0))?;
/// assert_eq!(report.termination, Termination::Converged);
/// assert!((report.x - Vector2::new(1.0, 1.0)).amax() < 1e-10);
/// assert!(report.gradient_norm < 1e-10);
/// # Ok::<(), newton_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LevenbergMarquardt {
    limits: Limits,
    initial_damping: f64,
}

impl Default for LevenbergMarquardt {
    fn default() -> Self {
        Self {
            limits: Limits::NEWTON,
            initial_damping: 1e-3,
        }
    }
}

/// `μ` beyond this multiple of `max diag(JᵀJ)` means no step can decrease the loss.
const DAMPING_BOUND: f64 = 1e30;

impl LevenbergMarquardt {
    limits_accessors!();

    /// Sets `τ`, the initial damping relative to the curvature: `μ₀ = τ · max diag(JᵀJ)`.
    ///
    /// A small `τ` (`1e-6`) trusts the Gauss–Newton step from the start, a large one (`1`)
    /// begins with short gradient steps.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `tau` is positive and finite.
    pub fn with_initial_damping(mut self, tau: f64) -> Result<Self, Error> {
        self.initial_damping = positive("initial_damping", tau)?;
        Ok(self)
    }

    /// Returns `τ`, the initial damping relative to `max diag(JᵀJ)`.
    #[must_use]
    pub fn initial_damping(&self) -> f64 {
        self.initial_damping
    }

    /// Returns the method's name as reports print it, `"Levenberg–Marquardt"`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        "Levenberg–Marquardt"
    }

    /// Runs Levenberg–Marquardt on `problem` from `start`.
    ///
    /// All storage (residuals, Jacobian, `JᵀJ`, `Jᵀr`, their trial copies and the factor) is
    /// allocated before the first step; the iteration itself never allocates unless the
    /// trajectory is recorded.
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] if `start` does not have `problem.dim()` coordinates,
    /// [`Error::NonFiniteStart`] if one is NaN or infinite, and [`Error::NonFiniteAtStart`]
    /// (`"residuals"` or `"Jacobian"`) if the residuals or the Jacobian are not finite there.
    pub fn minimize<P: LeastSquares>(
        &self,
        problem: &P,
        start: &OVector<P::Scalar, P::Dim>,
    ) -> Result<Report<P::Scalar, P::Dim>, Error>
    where
        DefaultAllocator: Allocator<P::Dim>
            + Allocator<P::Residuals>
            + Allocator<P::Residuals, P::Dim>
            + Allocator<P::Dim, P::Dim>,
    {
        self.minimize_observed(problem, start, &mut ())
    }

    /// Runs Levenberg–Marquardt on `problem` from `start`, showing every iterate to `observer`, which may
    /// stop the run ([`Termination::Stopped`]); otherwise the same run as `minimize`.
    ///
    /// # Errors
    ///
    /// As `minimize`.
    pub fn minimize_observed<P: LeastSquares, B: Observer<P::Scalar>>(
        &self,
        problem: &P,
        start: &OVector<P::Scalar, P::Dim>,
        observer: &mut B,
    ) -> Result<Report<P::Scalar, P::Dim>, Error>
    where
        DefaultAllocator: Allocator<P::Dim>
            + Allocator<P::Residuals>
            + Allocator<P::Residuals, P::Dim>
            + Allocator<P::Dim, P::Dim>,
    {
        let mut current = Point::start(problem, start)?;
        let mut work = Workspace::new(&current);
        let mut noise = loss_noise(&current);
        let mut damping = Damping::new(self.initial_damping, current.curvature_scale())?;
        let mut tracker = Tracker::new(&self.limits, observer)?;
        let mut iteration = 0;
        let termination = 'steps: loop {
            if let Some(stop) =
                tracker.record_and_stop(&current.x, current.value, &current.jtr, iteration)
            {
                break stop;
            }
            // Raise the damping until a trial step is taken.
            loop {
                if let Some(rho) = work.try_step(problem, &current, damping.mu, noise) {
                    core::mem::swap(&mut current, &mut work.trial);
                    noise = loss_noise(&current);
                    damping.accept(rho);
                    iteration += 1;
                    break;
                }
                if !damping.reject(current.curvature_scale()) {
                    break 'steps Termination::NoProgress;
                }
            }
        };
        Ok(tracker.finish(
            current.x,
            current.value,
            &current.jtr,
            iteration,
            termination,
        ))
    }
}

/// Nielsen's damping state: `μ` and its growth factor `ν` for the next rejection.
struct Damping<T> {
    tau: T,
    mu: T,
    nu: T,
}

impl<T: RealField + Copy> Damping<T> {
    /// `μ₀ = τ · max diag(JᵀJ)`, `ν = 2`.
    fn new(tau: f64, scale: T) -> Result<Self, Error> {
        let tau = in_precision("initial_damping", tau, positive)?;
        Ok(Self {
            tau,
            mu: tau * scale,
            nu: nalgebra::convert(2.0),
        })
    }

    /// After a step with gain ratio `ρ > 0`: `μ ← μ · max(1/3, 1 − (2ρ − 1)³)`, `ν ← 2`.
    ///
    /// A step the model predicted well (`ρ ≈ 1`) cuts `μ` to a third; a poor one (`ρ` near 0)
    /// leaves it almost unchanged, without the jumps of the classical ×10 / ÷10 rule.
    fn accept(&mut self, rho: T) {
        let one = T::one();
        let t = rho + rho - one;
        self.mu *= (one - t * t * t).max(one / nalgebra::convert::<f64, T>(3.0));
        self.nu = nalgebra::convert(2.0);
    }

    /// After a rejected trial: `μ ← μν`, `ν ← 2ν`. Returns `false` when `μ` has passed
    /// `10³⁰ · scale` (or overflowed): no step can decrease the loss.
    fn reject(&mut self, scale: T) -> bool {
        // `μ` can underflow to zero after very many shrinking steps; restart it then.
        self.mu = if self.mu > T::zero() {
            self.mu * self.nu
        } else {
            self.tau * scale
        };
        self.nu += self.nu;
        // Also `false` when `scale` underflowed to zero, so that the loop always ends.
        self.mu > T::zero()
            && self.mu.is_finite()
            && self.mu <= nalgebra::convert::<f64, T>(DAMPING_BOUND) * scale
    }
}

/// Storage for trial steps, allocated once per run.
struct Workspace<T, D, R>
where
    T: RealField + Copy,
    D: Dim,
    R: Dim,
    DefaultAllocator: Allocator<D> + Allocator<R> + Allocator<R, D> + Allocator<D, D>,
{
    /// The trial point; after a step is taken, the new current point is swapped in from here.
    trial: Point<T, D, R>,
    /// The Cholesky factor of `JᵀJ + μI`.
    factor: OMatrix<T, D, D>,
    /// `s = (JᵀJ + μI)⁻¹Jᵀr`.
    step: OVector<T, D>,
}

impl<T, D, R> Workspace<T, D, R>
where
    T: RealField + Copy,
    D: Dim,
    R: Dim,
    DefaultAllocator: Allocator<D> + Allocator<R> + Allocator<R, D> + Allocator<D, D>,
{
    fn new(current: &Point<T, D, R>) -> Self {
        Self {
            trial: current.clone(),
            factor: current.jtj.clone(),
            step: current.jtr.clone(),
        }
    }

    /// Tries the step `x − (JᵀJ + μI)⁻¹Jᵀr` from `current` and returns its gain ratio `ρ` when
    /// it is taken, with the new point (residuals, Jacobian, normal equations) in `self.trial`.
    ///
    /// `None` rejects it: the damped system cannot be factored, the residuals or the Jacobian
    /// are not finite at the trial point, or the step does not decrease the loss (nor, when the
    /// loss cannot resolve the step, the gradient).
    fn try_step<P>(&mut self, problem: &P, current: &Point<T, D, R>, mu: T, noise: T) -> Option<T>
    where
        P: LeastSquares<Scalar = T, Dim = D, Residuals = R>,
    {
        copy_shifted(&mut self.factor, &current.jtj, mu);
        if !cholesky_in_place(&mut self.factor) {
            return None;
        }
        self.step.copy_from(&current.jtr);
        cholesky_solve_in_place(&self.factor, &mut self.step);
        self.trial.x.copy_from(&current.x);
        self.trial.x -= &self.step;
        // Residuals first: a rejected step costs no Jacobian.
        self.trial.evaluate_value(problem)?;
        let half = nalgebra::convert::<f64, T>(0.5);
        // ½‖r‖² − ½‖r̃‖² as ½ Σ (rᵢ − r̃ᵢ)(rᵢ + r̃ᵢ): differences of residuals resolve a decrease
        // far below the rounding of the loss itself.
        let actual = half
            * current
                .r
                .iter()
                .zip(self.trial.r.iter())
                .fold(T::zero(), |sum, (&r, &t)| sum + (r - t) * (r + t));
        // L(0) − L(h) for h = −s, using (JᵀJ + μI)s = Jᵀr; positive for s ≠ 0.
        let predicted = half * (mu * self.step.norm_squared() + self.step.dot(&current.jtr));
        if !predicted.is_finite() || predicted <= T::zero() {
            return None;
        }
        let resolved = actual > T::zero();
        let below_noise = predicted <= noise && -actual <= noise;
        if !(resolved || below_noise) {
            return None;
        }
        self.trial.evaluate(problem).ok()?;
        if resolved {
            Some(actual / predicted)
        } else {
            // The loss cannot judge the step; its gradient can, and at this scale the model is
            // as good as exact.
            (self.trial.jtr.amax() < current.jtr.amax()).then_some(T::one())
        }
    }
}

/// Estimates the rounding noise of the loss `½‖r‖²` at `point`:
/// `16ε Σᵢ |rᵢ| (|rᵢ| + Σⱼ |Jᵢⱼ xⱼ|)`.
///
/// An error `δrᵢ` in the residuals moves the loss by `Σ rᵢ δrᵢ`. Near a good fit a residual is
/// the small difference of much larger terms (model minus data), and its rounding error scales
/// with those terms, not with `rᵢ`. `Σⱼ |Jᵢⱼ xⱼ|` stands in for their size: it bounds the model
/// term of a model linear (or homogeneous of degree one) in its parameters, and is of its order
/// for most others. Each term is taken to carry a relative error of `16ε`.
fn loss_noise<T, D, R>(point: &Point<T, D, R>) -> T
where
    T: RealField + Copy,
    D: Dim,
    R: Dim,
    DefaultAllocator: Allocator<D> + Allocator<R> + Allocator<R, D> + Allocator<D, D>,
{
    let terms = point.r.iter().enumerate().fold(T::zero(), |sum, (i, &r)| {
        let model = point
            .x
            .iter()
            .enumerate()
            .fold(r.abs(), |m, (j, &x)| m + (point.j[(i, j)] * x).abs());
        sum + r.abs() * model
    });
    nalgebra::convert::<f64, T>(16.0) * T::default_epsilon() * terms
}
