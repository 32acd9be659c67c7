//! Gauss–Newton, `θ ← θ − (JᵀJ)⁻¹Jᵀr`: Newton's method on `½‖r‖²` with the Hessian's
//! second-order term `Σ rᵢ ∇²rᵢ` dropped, so the step system is positive semidefinite.
//!
//! Also home of [`Point`], the state that Gauss–Newton and Levenberg–Marquardt share.

use nalgebra::{allocator::Allocator, Const, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::run::{all_finite, check_start, Tracker};
use super::settings::{limits_accessors, Limits};
use super::Observer;
use crate::linalg::{cholesky_in_place, cholesky_solve_in_place, usize_to_f64};
use crate::{Error, LeastSquares, Report, Termination};

/// Undamped Gauss–Newton, `θ ← θ − (JᵀJ)⁻¹Jᵀr`, for a [`LeastSquares`] problem.
///
/// The step solves the normal equations `JᵀJ s = Jᵀr` by Cholesky, with `JᵀJ` and `Jᵀr` formed
/// in place. It takes every step at full length, with no line search or damping: near a
/// zero-residual minimiser with `J` of full column rank it converges quadratically, far from one
/// it may increase the loss or diverge ([`LevenbergMarquardt`](crate::LevenbergMarquardt) is the
/// safeguarded method). A run ends with [`Termination::SingularHessian`] when `J` is
/// rank-deficient to working precision (a Cholesky pivot at most `4nε` times its column's
/// squared norm), and with [`Termination::NonFinite`] when the residuals or the Jacobian are not
/// finite at the next iterate (the report keeps the last finite one).
///
/// The report's `value` is `½‖r‖²` and its `gradient_norm` is `‖Jᵀr‖∞`, the gradient of that
/// loss; the run converges when `‖Jᵀr‖∞` falls below the tolerance.
///
/// Defaults (`PROBLEMS.md` §6): tolerance `‖Jᵀr‖∞ < 1e-10`, 200 iterations.
///
/// ## Reference
///
/// Nocedal & Wright, *Numerical Optimization*, 2nd ed., 2006, §10.3 (the Gauss–Newton method).
///
/// # Examples
///
/// ```
/// use nalgebra::{Const, SMatrix, SVector, Vector2};
/// use newton_core::{GaussNewton, LeastSquares, Termination};
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
/// // `J` is square and invertible, so each step is Newton's step for `r = 0`: the linear
/// // residual is solved at once, the quadratic one in the next step.
/// let report = GaussNewton::default().minimize(&Rosenbrock, &Vector2::new(-1.2, 1.0))?;
/// assert_eq!(report.termination, Termination::Converged);
/// assert!(report.iterations <= 3);
/// assert!((report.x - Vector2::new(1.0, 1.0)).amax() < 1e-12);
/// # Ok::<(), newton_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GaussNewton {
    limits: Limits,
}

impl Default for GaussNewton {
    fn default() -> Self {
        Self {
            limits: Limits::NEWTON,
        }
    }
}

impl GaussNewton {
    limits_accessors!();

    /// Returns the method's name as reports print it, `"Gauss–Newton"`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        "Gauss–Newton"
    }

    /// Runs Gauss–Newton on `problem` from `start`.
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

    /// Runs Gauss–Newton on `problem` from `start`, showing every iterate to `observer`, which may
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
        let mut trial = current.clone();
        let mut factor = current.jtj.clone();
        let mut step = current.jtr.clone();
        let mut tracker = Tracker::new(&self.limits, observer)?;
        let mut iteration = 0;
        let termination = loop {
            if let Some(stop) =
                tracker.record_and_stop(&current.x, current.value, &current.jtr, iteration)
            {
                break stop;
            }
            if !full_rank_cholesky(&current.jtj, &mut factor) {
                break Termination::SingularHessian;
            }
            step.copy_from(&current.jtr);
            cholesky_solve_in_place(&factor, &mut step);
            trial.x.copy_from(&current.x);
            trial.x -= &step;
            if trial.evaluate(problem).is_err() {
                break Termination::NonFinite;
            }
            core::mem::swap(&mut current, &mut trial);
            iteration += 1;
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

/// One iterate of a least-squares run with everything a step needs: the residuals, the
/// Jacobian, and the normal equations `JᵀJ`, `Jᵀr` formed from them in place.
///
/// Allocated once per run (on the stack for static dimensions); a trial point is a second
/// `Point`, swapped with the current one when the step is taken.
#[derive(Clone)]
pub(super) struct Point<T, D, R>
where
    T: RealField + Copy,
    D: Dim,
    R: Dim,
    DefaultAllocator: Allocator<D> + Allocator<R> + Allocator<R, D> + Allocator<D, D>,
{
    pub(super) x: OVector<T, D>,
    pub(super) r: OVector<T, R>,
    pub(super) j: OMatrix<T, R, D>,
    pub(super) jtj: OMatrix<T, D, D>,
    pub(super) jtr: OVector<T, D>,
    /// `½‖r‖²`.
    pub(super) value: T,
}

impl<T, D, R> Point<T, D, R>
where
    T: RealField + Copy,
    D: Dim,
    R: Dim,
    DefaultAllocator: Allocator<D> + Allocator<R> + Allocator<R, D> + Allocator<D, D>,
{
    /// Checks `start` and evaluates the problem there.
    pub(super) fn start<P>(problem: &P, start: &OVector<T, D>) -> Result<Self, Error>
    where
        P: LeastSquares<Scalar = T, Dim = D, Residuals = R>,
    {
        let dim = problem.dim();
        check_start(dim, start)?;
        let rows = problem.residual_count();
        let mut point = Self {
            x: start.clone(),
            r: OVector::zeros_generic(rows, Const::<1>),
            j: OMatrix::zeros_generic(rows, dim),
            jtj: OMatrix::zeros_generic(dim, dim),
            jtr: OVector::zeros_generic(dim, Const::<1>),
            value: T::zero(),
        };
        point
            .evaluate(problem)
            .map_err(|what| Error::NonFiniteAtStart { what })?;
        Ok(point)
    }

    /// Evaluates the residuals only, returning `½‖r‖²`, or `None` when `x` or the loss is not
    /// finite (the residuals are then left unspecified).
    pub(super) fn evaluate_value<P>(&mut self, problem: &P) -> Option<T>
    where
        P: LeastSquares<Scalar = T, Dim = D, Residuals = R>,
    {
        if !all_finite(self.x.iter()) {
            return None;
        }
        problem.residuals(&self.x, &mut self.r);
        self.value = half_squared_norm(&self.r);
        self.value.is_finite().then_some(self.value)
    }

    /// Evaluates the residuals and the Jacobian at `x` and forms `JᵀJ` and `Jᵀr`, or names the
    /// first part that is not finite (`"residuals"` or `"Jacobian"`).
    ///
    /// An infinite `x` counts as non-finite residuals, and an overflow of `JᵀJ` or `Jᵀr` as a
    /// non-finite Jacobian.
    pub(super) fn evaluate<P>(&mut self, problem: &P) -> Result<(), &'static str>
    where
        P: LeastSquares<Scalar = T, Dim = D, Residuals = R>,
    {
        if !all_finite(self.x.iter()) {
            return Err("residuals");
        }
        problem.residuals_jacobian(&self.x, &mut self.r, &mut self.j);
        self.value = half_squared_norm(&self.r);
        // A finite `½‖r‖²` implies finite residuals.
        if !self.value.is_finite() {
            return Err("residuals");
        }
        if !all_finite(self.j.iter()) {
            return Err("Jacobian");
        }
        // In place: `self.j.transpose() * &self.j` would allocate the transpose and the product.
        self.jtj.gemm_tr(T::one(), &self.j, &self.j, T::zero());
        self.jtr.gemv_tr(T::one(), &self.j, &self.r, T::zero());
        if all_finite(self.jtj.iter()) && all_finite(self.jtr.iter()) {
            Ok(())
        } else {
            Err("Jacobian")
        }
    }

    /// Returns `max diag(JᵀJ)`, the largest squared column norm of `J`: the scale of the damping.
    pub(super) fn curvature_scale(&self) -> T {
        // Not `diagonal()`, which allocates a vector for a dynamic dimension.
        (0..self.jtj.nrows()).fold(T::zero(), |m, i| m.max(self.jtj[(i, i)]))
    }
}

/// `½‖r‖²`.
fn half_squared_norm<T, R>(r: &OVector<T, R>) -> T
where
    T: RealField + Copy,
    R: Dim,
    DefaultAllocator: Allocator<R>,
{
    nalgebra::convert::<f64, T>(0.5) * r.norm_squared()
}

/// Writes the Cholesky factor of `jtj` into `factor` and returns `true`, or returns `false`
/// when `J` is rank-deficient to working precision.
///
/// The `j`-th pivot `lⱼⱼ²` is the squared distance of `J`'s column `j` from the span of the
/// columns before it. When it is at most `4nε` times that column's squared norm `(JᵀJ)ⱼⱼ`, the
/// column is dependent up to the rounding of forming and factoring `JᵀJ`, and a step from it
/// would be noise. Relative to the column's own norm, the test does not depend on the
/// parameters' scaling.
fn full_rank_cholesky<T, D>(jtj: &OMatrix<T, D, D>, factor: &mut OMatrix<T, D, D>) -> bool
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D>,
{
    factor.copy_from(jtj);
    if !cholesky_in_place(factor) {
        return false;
    }
    let n = jtj.nrows();
    let tolerance = nalgebra::convert::<f64, T>(4.0 * usize_to_f64(n)) * T::default_epsilon();
    (0..n).all(|i| {
        let pivot = factor[(i, i)];
        pivot * pivot > tolerance * jtj[(i, i)]
    })
}
