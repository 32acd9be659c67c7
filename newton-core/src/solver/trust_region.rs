//! Trust-region Newton: the exact Hessian's quadratic model, minimised exactly on a ball whose
//! radius follows how well the model predicted the loss. It goes downhill along negative
//! curvature, so saddles repel it, and a singular Hessian does not stop it.

use nalgebra::{allocator::Allocator, Const, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::run::{all_finite, check_start, non_finite, Tracker};
use super::settings::{in_precision, limits_accessors, positive, Limits};
use super::{Minimizer, Observer};
use crate::linalg::{symmetric_eigen_in_place, trust_region_step};
use crate::{Error, Inertia, Objective, Report, Termination, Tolerance};

/// Trust-region Newton with the exact Hessian: each step minimises the model
/// `m(p) = L + ∇Lᵀp + ½pᵀHp` over `‖p‖₂ ≤ Δ` exactly
/// ([`trust_region_step`](crate::linalg::trust_region_step): Moré–Sorensen on the symmetric
/// eigendecomposition, the hard case included), and the radius `Δ` follows the ratio
/// `ρ = (L(θ) − L(θ + p)) / (m(0) − m(p))` of actual to predicted decrease.
///
/// The step is taken when `ρ > η`. The radius is quartered (to a quarter of the rejected step's
/// length, when that is shorter than `Δ`, so that an interior step does not cost several
/// rejections) when `ρ < ¼`, doubled up to the maximum radius when `ρ > ¾` and the step reached
/// the boundary, and kept otherwise (Nocedal & Wright, Alg. 4.1). A trial point where the loss
/// is not finite is a rejected step. Where the predicted decrease is below the loss's rounding
/// (`64ε|L|`), `ρ` would be rounding noise: the step counts as `ρ = 1` if the loss does not rise
/// by more than that rounding, and as rejected otherwise.
///
/// Unlike [`Newton`](crate::Newton), an indefinite or singular `H` does not end the run: the
/// step then lies on the boundary and follows negative curvature (also where the gradient has
/// no component along it), so the method leaves saddles and maxima and converges to minima;
/// no accepted step increases the loss by more than its rounding (`64ε|L|`). Each step costs one symmetric eigendecomposition
/// (reused by the steps a rejection retries) and one loss evaluation per trial; the gradient and
/// Hessian are evaluated only at accepted points. The Hessian's inertia is recorded in the
/// trajectory at every iterate.
///
/// A run ends with [`Termination::NoProgress`] when the trial step no longer changes `θ` in
/// floating point (the radius has collapsed), with [`Termination::SingularHessian`] only if the
/// eigendecomposition fails (it has not been seen to) or has an infinite eigenvalue, and with
/// [`Termination::NonFinite`] when the gradient or Hessian is not finite at an accepted point.
///
/// Defaults: `Δ₀ = 1`, `Δ_max = 1e3`, `η = 0.1`; tolerance `‖∇L‖∞ < 1e-10` and 200 iterations
/// (accepted steps), as for Newton.
///
/// ## Reference
///
/// Nocedal & Wright, *Numerical Optimization*, 2nd ed., 2006, Alg. 4.1 (the trust-region
/// iteration), §4.3 and Alg. 4.3 (the subproblem, the hard case); Moré & Sorensen, *Computing a
/// trust region step*, SIAM J. Sci. Stat. Comput. 4, 1983.
///
/// # Examples
///
/// ```
/// use nalgebra::{Const, SMatrix, SVector, Vector2};
/// use newton_core::{Minimizer, Newton, Objective, TrustRegionNewton};
///
/// /// `f = x² − y² + ½y⁴`: a saddle at the origin, minima at `(0, ±1)`.
/// struct Saddle;
/// impl Objective for Saddle {
///     type Scalar = f64;
///     type Dim = Const<2>;
///     fn dim(&self) -> Const<2> { Const }
///     fn value(&self, p: &SVector<f64, 2>) -> f64 { p.x * p.x - p.y * p.y + 0.5 * p.y.powi(4) }
///     fn value_gradient(&self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
///         *g = Vector2::new(2.0 * p.x, -2.0 * p.y + 2.0 * p.y.powi(3));
///         self.value(p)
///     }
///     fn value_gradient_hessian(
///         &self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>, h: &mut SMatrix<f64, 2, 2>,
///     ) -> f64 {
///         *h = SMatrix::from_diagonal(&Vector2::new(2.0, -2.0 + 6.0 * p.y * p.y));
///         self.value_gradient(p, g)
///     }
/// }
///
/// // From (0.5, 0) the gradient has no component along the negative curvature: Newton lands on
/// // the saddle, trust-region Newton steps off it to a minimum.
/// let start = Vector2::new(0.5, 0.0);
/// assert_eq!(Newton::default().minimize(&Saddle, &start)?.x, Vector2::zeros());
/// let report = TrustRegionNewton::default().minimize(&Saddle, &start)?;
/// assert!(report.converged());
/// assert!((report.x.y.abs() - 1.0).abs() < 1e-10 && report.x.x.abs() < 1e-10);
/// # Ok::<(), newton_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrustRegionNewton {
    limits: Limits,
    initial_radius: f64,
    max_radius: f64,
    eta: f64,
}

impl Default for TrustRegionNewton {
    fn default() -> Self {
        Self {
            limits: Limits::NEWTON,
            initial_radius: 1.0,
            max_radius: 1e3,
            eta: 0.1,
        }
    }
}

impl TrustRegionNewton {
    limits_accessors!();

    /// Sets the initial radius `Δ₀`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `0 < radius ≤ Δ_max`, finite (set the maximum first when
    /// both grow).
    pub fn with_initial_radius(mut self, radius: f64) -> Result<Self, Error> {
        self.initial_radius = positive("initial_radius", radius)?;
        if radius > self.max_radius {
            return Err(Error::InvalidSetting {
                name: "initial_radius",
                value: radius,
                requirement: "positive, finite and at most `max_radius`",
            });
        }
        Ok(self)
    }

    /// Sets the maximum radius `Δ_max`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `Δ₀ ≤ radius`, finite.
    pub fn with_max_radius(mut self, radius: f64) -> Result<Self, Error> {
        self.max_radius = positive("max_radius", radius)?;
        if radius < self.initial_radius {
            return Err(Error::InvalidSetting {
                name: "max_radius",
                value: radius,
                requirement: "positive, finite and at least `initial_radius`",
            });
        }
        Ok(self)
    }

    /// Sets the acceptance threshold `η`: a step is taken when `ρ > η`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `0 ≤ eta < ¼` (N&W Alg. 4.1: above `¼` a step that
    /// makes the radius shrink could still be taken, and the two tests would disagree).
    pub fn with_eta(mut self, eta: f64) -> Result<Self, Error> {
        if !(0.0..0.25).contains(&eta) {
            return Err(Error::InvalidSetting {
                name: "eta",
                value: eta,
                requirement: "in [0, 0.25)",
            });
        }
        self.eta = eta;
        Ok(self)
    }

    /// Returns the initial radius `Δ₀`.
    #[must_use]
    pub fn initial_radius(&self) -> f64 {
        self.initial_radius
    }

    /// Returns the maximum radius `Δ_max`.
    #[must_use]
    pub fn max_radius(&self) -> f64 {
        self.max_radius
    }

    /// Returns the acceptance threshold `η`.
    #[must_use]
    pub fn eta(&self) -> f64 {
        self.eta
    }
}

impl Minimizer for TrustRegionNewton {
    fn name(&self) -> &'static str {
        "trust-region Newton"
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
        let mut radius = Radius {
            current: in_precision("initial_radius", self.initial_radius, positive)?,
            max: in_precision("max_radius", self.max_radius, positive)?,
            eta: nalgebra::convert(self.eta),
        };
        let mut here = Iterate::new(dim, start.clone());
        here.value = objective.value_gradient_hessian(&here.x, &mut here.g, &mut here.h);
        if let Some(what) = non_finite(here.value, &here.g, Some(&here.h)) {
            return Err(Error::NonFiniteAtStart { what });
        }
        let mut next = Iterate::new(dim, start.clone());
        let mut model = Model::new(dim);
        let mut tracker = Tracker::new(&self.limits, observer)?;
        let mut iteration = 0;
        let termination = loop {
            let inertia = model.decompose(&here.h);
            let stopped = tracker.record(&here.x, here.value, &here.g, iteration, inertia);
            if let Some(end) = tracker.stop(&here.g, iteration) {
                break end;
            }
            if inertia.is_none() {
                break Termination::SingularHessian;
            }
            if let Some(end) = stopped {
                break end;
            }
            if let Err(end) = model.step(objective, &here, &mut next, &mut radius) {
                break end;
            }
            next.value = objective.value_gradient_hessian(&next.x, &mut next.g, &mut next.h);
            if non_finite(next.value, &next.g, Some(&next.h)).is_some() {
                break Termination::NonFinite;
            }
            core::mem::swap(&mut here, &mut next);
            iteration += 1;
        };
        Ok(tracker.finish(here.x, here.value, &here.g, iteration, termination))
    }
}

/// A point with its loss, gradient and Hessian.
struct Iterate<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    x: OVector<T, D>,
    value: T,
    g: OVector<T, D>,
    h: OMatrix<T, D, D>,
}

impl<T, D> Iterate<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    fn new(dim: D, x: OVector<T, D>) -> Self {
        Self {
            x,
            value: T::zero(),
            g: OVector::zeros_generic(dim, Const::<1>),
            h: OMatrix::zeros_generic(dim, dim),
        }
    }
}

/// The radius and the constants of its update, in the objective's precision.
struct Radius<T> {
    current: T,
    max: T,
    eta: T,
}

impl<T: RealField + Copy> Radius<T> {
    /// Updates the radius from the ratio `rho` of a step of length `length`, and says whether
    /// the step is taken.
    fn update(&mut self, rho: T, length: T, boundary: bool) -> bool {
        let quarter = nalgebra::convert::<f64, T>(0.25);
        if rho < quarter {
            self.current = quarter * self.current.min(length);
        } else if rho > nalgebra::convert(0.75) && boundary {
            self.current = (self.current + self.current).min(self.max);
        }
        rho > self.eta
    }
}

/// The eigendecomposition of the current Hessian and the storage of one step, allocated once
/// per run.
struct Model<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    factor: OMatrix<T, D, D>,
    vectors: OMatrix<T, D, D>,
    values: OVector<T, D>,
    coefficients: OVector<T, D>,
    step: OVector<T, D>,
}

impl<T, D> Model<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    fn new(dim: D) -> Self {
        Self {
            factor: OMatrix::zeros_generic(dim, dim),
            vectors: OMatrix::zeros_generic(dim, dim),
            values: OVector::zeros_generic(dim, Const::<1>),
            coefficients: OVector::zeros_generic(dim, Const::<1>),
            step: OVector::zeros_generic(dim, Const::<1>),
        }
    }

    /// Decomposes `h` and returns its inertia; `None` if the eigensolver failed or an
    /// eigenvalue is infinite (beyond the range of `T`).
    fn decompose(&mut self, h: &OMatrix<T, D, D>) -> Option<Inertia> {
        self.factor.copy_from(h);
        let converged =
            symmetric_eigen_in_place(&mut self.factor, &mut self.values, &mut self.vectors);
        (converged && all_finite(self.values.iter()))
            .then(|| Inertia::from_spectrum(self.values.as_slice(), Tolerance::Scaled).0)
    }

    /// Tries steps from `here`, shrinking the radius after each rejection, until one is taken;
    /// writes it into `next.x` (with the loss in `next.value`). `Err(NoProgress)` when the step
    /// no longer changes `θ`.
    fn step<O>(
        &mut self,
        objective: &O,
        here: &Iterate<T, D>,
        next: &mut Iterate<T, D>,
        radius: &mut Radius<T>,
    ) -> Result<(), Termination>
    where
        O: Objective<Scalar = T, Dim = D>,
    {
        let noise = nalgebra::convert::<f64, T>(64.0) * T::default_epsilon() * here.value.abs();
        loop {
            let found = trust_region_step(
                &self.values,
                &self.vectors,
                &here.g,
                radius.current,
                &mut self.coefficients,
                &mut self.step,
            );
            next.x.copy_from(&here.x);
            next.x += &self.step;
            if next.x == here.x
                || radius.current.partial_cmp(&T::zero()) != Some(core::cmp::Ordering::Greater)
            {
                return Err(Termination::NoProgress);
            }
            next.value = objective.value(&next.x);
            let actual = here.value - next.value;
            let rho = if !(next.value.is_finite() && all_finite(next.x.iter())) {
                -T::one()
            } else if found.predicted <= noise {
                if actual >= -noise {
                    T::one()
                } else {
                    -T::one()
                }
            } else {
                actual / found.predicted
            };
            if radius.update(rho, self.step.norm(), found.boundary) {
                return Ok(());
            }
        }
    }
}
