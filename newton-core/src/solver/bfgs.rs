//! BFGS, the quasi-Newton method: curvature learnt from gradient differences instead of the
//! exact Hessian, and a strong-Wolfe line search along `−H∇L`.

use nalgebra::{allocator::Allocator, Const, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::line_search::{Outcome, Sample, StrongWolfe};
use super::run::{all_finite, check_start, non_finite, Tracker};
use super::settings::{limits_accessors, open_unit, Limits};
use super::{Minimizer, Observer};
use crate::linalg::scaled_norm;
use crate::{Error, Objective, Report, Termination};

/// BFGS on the inverse Hessian approximation `H`, with a strong-Wolfe line search along
/// `p = −H∇L`.
///
/// `H` starts as the identity; the first step is steepest descent with trial length
/// `min(1, 1/‖∇L‖₂)`, and before the first update `H` is rescaled to `(sᵀy/yᵀy)I` (N&W eq. 6.20).
/// Later steps try `α = 1` first. An update whose `sᵀy` is not positive and finite is skipped,
/// and a direction that is not a descent direction (`∇Lᵀp ≥ 0` or non-finite) resets `H` to
/// the latest scaled identity `(sᵀy/yᵀy)I`. Only values and gradients are evaluated, never the
/// Hessian, so this is the method to compare against Newton at the same information cost as
/// gradient descent.
///
/// The line search (N&W Alg. 3.5 and 3.6) spends at most 40 evaluations. A trial where the loss
/// or gradient is not finite counts as too long a step and is shrunk from. A run ends with
/// [`Termination::LineSearchFailed`] when no strong-Wolfe step is found, and with
/// [`Termination::NonFinite`] when the search failed cornered against a point where the
/// objective is not finite, or when not even `−γ∇L` is a descent direction because `γ‖∇L‖²`
/// overflows; either way the report holds the iterate the search started from.
///
/// Defaults: `c₁ = 1e-4`, `c₂ = 0.9` (`PROBLEMS.md` §6), tolerance `‖∇L‖∞ < 1e-10` as for
/// Newton, but 1000 iterations: superlinear convergence needs a few more steps than Newton's
/// quadratic, and Rosenbrock from `(−1.2, 1)` takes about 40.
///
/// ## Reference
///
/// Nocedal & Wright, *Numerical Optimization*, 2nd ed., 2006, Alg. 6.1 (BFGS), eq. 6.20 (initial
/// scaling), Alg. 3.5 and 3.6 (strong-Wolfe line search).
///
/// # Examples
///
/// ```
/// use nalgebra::{Const, SMatrix, SVector, Vector2};
/// use newton_core::{Bfgs, Minimizer, Objective};
///
/// /// Rosenbrock, `f = (1 − x)² + 100(y − x²)²`.
/// struct Rosenbrock;
/// impl Objective for Rosenbrock {
///     type Scalar = f64;
///     type Dim = Const<2>;
///     fn dim(&self) -> Const<2> { Const }
///     fn value(&self, p: &SVector<f64, 2>) -> f64 {
///         (1.0 - p.x).powi(2) + 100.0 * (p.y - p.x * p.x).powi(2)
///     }
///     fn value_gradient(&self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
///         let r = p.y - p.x * p.x;
///         *g = Vector2::new(-2.0 * (1.0 - p.x) - 400.0 * p.x * r, 200.0 * r);
///         self.value(p)
///     }
///     fn value_gradient_hessian(
///         &self, _: &SVector<f64, 2>, _: &mut SVector<f64, 2>, _: &mut SMatrix<f64, 2, 2>,
///     ) -> f64 {
///         unreachable!("BFGS never asks for the Hessian")
///     }
/// }
///
/// let solver = Bfgs::default().with_c2(0.5)?;
/// let report = solver.minimize(&Rosenbrock, &Vector2::new(-1.2, 1.0))?;
/// assert!(report.converged());
/// assert!((report.x - Vector2::new(1.0, 1.0)).amax() < 1e-8);
/// # Ok::<(), newton_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bfgs {
    limits: Limits,
    c1: f64,
    c2: f64,
}

impl Default for Bfgs {
    fn default() -> Self {
        Self {
            limits: Limits {
                max_iterations: 1000,
                ..Limits::NEWTON
            },
            c1: 1e-4,
            c2: 0.9,
        }
    }
}

impl Bfgs {
    limits_accessors!();

    /// Sets the sufficient-decrease constant `c₁` of `φ(α) ≤ φ(0) + c₁αφ′(0)`.
    ///
    /// Set `c₂` first when both change and the new `c₁` is not below the current `c₂`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `0 < c1 < c₂`.
    pub fn with_c1(mut self, c1: f64) -> Result<Self, Error> {
        self.c1 = open_unit("c1", c1)?;
        if c1 >= self.c2 {
            return Err(Error::InvalidSetting {
                name: "c1",
                value: c1,
                requirement: "in (0, 1) and below `c2`",
            });
        }
        Ok(self)
    }

    /// Sets the curvature constant `c₂` of `|φ′(α)| ≤ c₂|φ′(0)|`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `c₁ < c2 < 1`.
    pub fn with_c2(mut self, c2: f64) -> Result<Self, Error> {
        self.c2 = open_unit("c2", c2)?;
        if c2 <= self.c1 {
            return Err(Error::InvalidSetting {
                name: "c2",
                value: c2,
                requirement: "in (0, 1) and above `c1`",
            });
        }
        Ok(self)
    }

    /// Returns the sufficient-decrease constant `c₁`.
    #[must_use]
    pub fn c1(&self) -> f64 {
        self.c1
    }

    /// Returns the curvature constant `c₂`.
    #[must_use]
    pub fn c2(&self) -> f64 {
        self.c2
    }
}

impl Minimizer for Bfgs {
    fn name(&self) -> &'static str {
        "BFGS"
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
        let dim = objective.dim();
        check_start(dim, start)?;
        let one: O::Scalar = nalgebra::one();
        let mut x = start.clone();
        let mut trial = start.clone();
        let mut g = OVector::zeros_generic(dim, Const::<1>);
        let mut g_trial = g.clone();
        let mut direction = g.clone();
        let mut work = Update::new(dim);
        let mut value = objective.value_gradient(&x, &mut g);
        if let Some(what) = non_finite(value, &g, None) {
            return Err(Error::NonFiniteAtStart { what });
        }
        let wolfe = StrongWolfe::new(self.c1, self.c2)?;
        let mut tracker = Tracker::new(&self.limits, observer)?;
        let mut iteration = 0;
        loop {
            if let Some(stop) = tracker.record_and_stop(&x, value, &g, iteration) {
                return Ok(tracker.finish(x, value, &g, iteration, stop));
            }
            let slope = match work.direction(&g, &mut direction) {
                Ok(slope) => slope,
                Err(slope) => {
                    // Even `−γ∇L` does not descend: `γ‖∇L‖²` overflowed (or is NaN), or it
                    // underflowed to zero below any tolerance a line search can resolve.
                    let termination = if all_finite([&slope]) {
                        Termination::LineSearchFailed
                    } else {
                        Termination::NonFinite
                    };
                    return Ok(tracker.finish(x, value, &g, iteration, termination));
                }
            };
            let initial = if work.scaled {
                one
            } else {
                first_trial(&x, &g)
            };
            let start = Sample {
                alpha: nalgebra::zero(),
                value,
                slope,
            };
            let outcome = wolfe.search(start, initial, |alpha| {
                trial.copy_from(&x);
                trial.axpy(alpha, &direction, one);
                let trial_value = objective.value_gradient(&trial, &mut g_trial);
                let finite =
                    non_finite(trial_value, &g_trial, None).is_none() && all_finite(trial.iter());
                finite.then(|| (trial_value, g_trial.dot(&direction)))
            });
            match outcome {
                Outcome::Accepted(accepted) => {
                    // The accepted step is the last one evaluated: `trial` and `g_trial` hold it.
                    work.update(&x, &trial, &g, &g_trial);
                    core::mem::swap(&mut x, &mut trial);
                    core::mem::swap(&mut g, &mut g_trial);
                    value = accepted.value;
                    iteration += 1;
                }
                Outcome::Failed { non_finite } => {
                    let termination = if non_finite {
                        Termination::NonFinite
                    } else {
                        Termination::LineSearchFailed
                    };
                    return Ok(tracker.finish(x, value, &g, iteration, termination));
                }
            }
        }
    }
}

/// The first trial step along `p = −∇L`, before any curvature has been measured, when `p` still
/// has the gradient's units.
///
/// A step of length at most 1 (`α = min(1, 1/‖∇L‖)`), unless that is below `√ε‖x‖∞`: far out
/// (a start at `x = 1e150`) a unit step barely moves `x`, or not at all, so the line search sees
/// no change in value or slope and would extrapolate from it a decade per evaluation, out of
/// evaluations long before the step is long enough. The first trial is then the step of that
/// relative length, which the line search resolves and extrapolates from. Near a stationary
/// point the unit step is kept: the rule looks at `x`, not at the loss, whose decrease there is
/// rightly unresolvable.
fn first_trial<T, D>(x: &OVector<T, D>, g: &OVector<T, D>) -> T
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    let one = T::one();
    // Scaled, so that neither the norm nor its square overflows for a start far out; for
    // ∇L = 0, `unit` is 1 and `visible` not finite.
    let norm = scaled_norm(g.iter().copied());
    let unit = one.min(one / norm);
    let visible = T::default_epsilon().sqrt() * x.amax() / norm;
    if visible.is_finite() {
        unit.max(visible)
    } else {
        unit
    }
}

/// The inverse Hessian approximation and the storage its update needs, allocated once per run.
struct Update<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    inverse: OMatrix<T, D, D>,
    s: OVector<T, D>,
    y: OVector<T, D>,
    hy: OVector<T, D>,
    /// `sᵀy/yᵀy` of the latest update: the scale of a reset.
    gamma: T,
    /// Whether `inverse` has been rescaled by (6.20), i.e. one update has been made.
    scaled: bool,
}

impl<T, D> Update<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    fn new(dim: D) -> Self {
        Self {
            inverse: OMatrix::identity_generic(dim, dim),
            s: OVector::zeros_generic(dim, Const::<1>),
            y: OVector::zeros_generic(dim, Const::<1>),
            hy: OVector::zeros_generic(dim, Const::<1>),
            gamma: T::one(),
            scaled: false,
        }
    }

    /// Writes `p = −H∇L` and returns the slope `∇Lᵀp`, after resetting `H` to `γI` if `p` is
    /// not a descent direction; `Err` with the slope of `−γ∇L` if even that is not (`γ‖∇L‖²`
    /// under- or overflows).
    fn direction(&mut self, g: &OVector<T, D>, p: &mut OVector<T, D>) -> Result<T, T> {
        let descends = |slope: T| slope < T::zero() && slope.is_finite();
        p.gemv(-T::one(), &self.inverse, g, T::zero());
        let slope = g.dot(p);
        if descends(slope) {
            return Ok(slope);
        }
        self.inverse.fill_with_identity();
        self.inverse *= self.gamma;
        p.copy_from(g);
        *p *= -self.gamma;
        let slope = g.dot(p);
        if descends(slope) {
            Ok(slope)
        } else {
            Err(slope)
        }
    }

    /// The BFGS update (N&W eq. 6.17) from the step `x → x_new`, skipped unless `sᵀy > 0`:
    /// `H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ`, `ρ = 1/sᵀy`, expanded as
    /// `H − ρ(s(Hy)ᵀ + (Hy)sᵀ) + (ρ²yᵀHy + ρ)ssᵀ` so it needs one matrix-vector product.
    fn update(
        &mut self,
        x: &OVector<T, D>,
        x_new: &OVector<T, D>,
        g: &OVector<T, D>,
        g_new: &OVector<T, D>,
    ) {
        self.s.copy_from(x_new);
        self.s -= x;
        self.y.copy_from(g_new);
        self.y -= g;
        let sy = self.s.dot(&self.y);
        let yy = self.y.dot(&self.y);
        let gamma = sy / yy;
        let rho = T::one() / sy;
        if !(sy > T::zero() && gamma.is_finite() && rho.is_finite()) {
            return;
        }
        self.gamma = gamma;
        if !self.scaled {
            self.inverse.fill_with_identity();
            self.inverse *= gamma;
            self.scaled = true;
        }
        self.hy.gemv(T::one(), &self.inverse, &self.y, T::zero());
        let yhy = self.y.dot(&self.hy);
        let c = rho * rho * yhy + rho;
        // Entry by entry with symmetric expressions, so that `H` stays exactly symmetric.
        let (s, hy) = (&self.s, &self.hy);
        for (j, mut column) in self.inverse.column_iter_mut().enumerate() {
            for (i, h) in column.iter_mut().enumerate() {
                *h += c * (s[i] * s[j]) - rho * (s[i] * hy[j] + hy[i] * s[j]);
            }
        }
    }
}

#[cfg(test)]
#[expect(
    clippy::float_cmp,
    reason = "the cases are chosen so that the update is exact in binary"
)]
mod tests {
    use nalgebra::{Const, Matrix2, Vector2, Vector3};

    use super::Update;

    #[test]
    fn the_update_satisfies_the_secant_equation_and_stays_symmetric_positive_definite() {
        let x = Vector3::new(0.3, -1.0, 2.0);
        let g = Vector3::new(1.0, 0.5, -0.25);
        let mut update = Update::<f64, Const<3>>::new(Const);
        // Two steps with sᵀy > 0: the first also rescales H by sᵀy/yᵀy.
        let steps = [
            (Vector3::new(0.1, 0.2, -0.3), Vector3::new(0.4, 0.1, -0.5)),
            (Vector3::new(-0.2, 0.05, 0.1), Vector3::new(-0.3, 0.2, 0.05)),
        ];
        for (k, (s, y)) in steps.into_iter().enumerate() {
            assert!(s.dot(&y) > 0.0);
            update.update(&x, &(x + s), &g, &(g + y));
            assert!(update.scaled);
            let h = update.inverse;
            assert!(
                (h * y - s).amax() < 1e-14,
                "step {k}: Hy = {} ≠ s = {s}",
                h * y
            );
            assert_eq!(h, h.transpose(), "step {k}");
            assert!(h.cholesky().is_some(), "step {k}: {h}");
        }
    }

    #[test]
    fn the_first_update_starts_from_the_scaled_identity() {
        let (s, y) = (Vector2::new(1.0, 0.0), Vector2::new(2.0, 0.0));
        let mut update = Update::<f64, Const<2>>::new(Const);
        update.update(&Vector2::zeros(), &s, &Vector2::zeros(), &y);
        // γ = sᵀy/yᵀy = 1/2; along s the update makes Hy = s, across it γ stays.
        assert_eq!(update.gamma, 0.5);
        assert_eq!(
            update.inverse,
            Matrix2::from_diagonal(&Vector2::new(0.5, 0.5))
        );
    }

    #[test]
    fn a_step_without_positive_curvature_is_skipped() {
        let mut update = Update::<f64, Const<2>>::new(Const);
        let s = Vector2::new(1.0, 0.0);
        for y in [
            Vector2::new(-1.0, 0.0),
            Vector2::new(0.0, 1.0),
            Vector2::zeros(),
        ] {
            update.update(&Vector2::zeros(), &s, &Vector2::zeros(), &y);
            assert!(!update.scaled);
            assert_eq!(update.inverse, Matrix2::identity());
        }
    }

    #[test]
    fn a_direction_that_does_not_descend_resets_to_the_scaled_identity() {
        let mut update = Update::<f64, Const<2>>::new(Const);
        update.gamma = 0.25;
        // An indefinite H makes −Hg point uphill for this g.
        update.inverse = Matrix2::from_diagonal(&Vector2::new(1.0, -4.0));
        let g = Vector2::new(0.1, 1.0);
        let mut p = Vector2::zeros();
        let slope = update.direction(&g, &mut p);
        assert_eq!(p, g * -0.25);
        assert_eq!(slope, Ok(-0.25 * g.norm_squared()));
        assert_eq!(update.inverse, Matrix2::identity() * 0.25);
    }
}
