//! Adam: gradient descent with bias-corrected running averages of the gradient and of its
//! square, the standard first-order method for networks.

use nalgebra::{allocator::Allocator, Const, DefaultAllocator, Dim, OVector, RealField};

use super::gradient_descent::descend;
use super::settings::{half_open_unit, in_precision, limits_accessors, positive, Limits};
use super::{Minimizer, Observer};
use crate::{Error, Objective, Report};

/// Adam, `θ ← θ − η m̂/(√v̂ + ε)`, with `m` and `v` the running averages of `∇L` and `∇L²`
/// (coordinatewise) and `m̂ = m/(1 − β₁ᵗ)`, `v̂ = v/(1 − β₂ᵗ)` their bias corrections.
///
/// Each coordinate's first steps are about `η` in size whatever the gradient's scale, so Adam
/// neither diverges on steep losses nor stalls on flat ones. Near a minimum its steps shrink only
/// as `v̂` forgets earlier, larger gradients, so it reaches tight tolerances slowly if at all.
///
/// Defaults: `η = 1e-3`, `β = (0.9, 0.999)`, `ε = 1e-8` (`PROBLEMS.md` §6); tolerance
/// `‖∇L‖∞ < 1e-8` and 10 000 iterations, the crate defaults for first-order methods.
///
/// ## Reference
///
/// Kingma & Ba, *Adam: A method for stochastic optimization*, ICLR 2015, Algorithm 1.
///
/// # Examples
///
/// ```
/// use newton_core::{Adam, Error};
///
/// let solver = Adam::default().with_learning_rate(1e-2)?.with_betas(0.8, 0.99)?;
/// assert_eq!((solver.learning_rate(), solver.betas(), solver.epsilon()), (1e-2, (0.8, 0.99), 1e-8));
/// assert!(matches!(Adam::default().with_betas(0.9, 1.0), Err(Error::InvalidSetting { .. })));
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adam {
    limits: Limits,
    learning_rate: f64,
    beta1: f64,
    beta2: f64,
    epsilon: f64,
}

impl Default for Adam {
    fn default() -> Self {
        Self {
            limits: Limits::FIRST_ORDER,
            learning_rate: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
    }
}

impl Adam {
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

    /// Sets the decay rates `β₁` (of the gradient's average) and `β₂` (of its square's).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless both are in `[0, 1)`; the first offender is named
    /// `beta1` or `beta2`.
    pub fn with_betas(mut self, beta1: f64, beta2: f64) -> Result<Self, Error> {
        self.beta1 = half_open_unit("beta1", beta1)?;
        self.beta2 = half_open_unit("beta2", beta2)?;
        Ok(self)
    }

    /// Sets `ε`, added to `√v̂` so that a vanishing gradient does not divide by zero.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] unless `epsilon` is positive and finite.
    pub fn with_epsilon(mut self, epsilon: f64) -> Result<Self, Error> {
        self.epsilon = positive("epsilon", epsilon)?;
        Ok(self)
    }

    /// Returns the learning rate `η`.
    #[must_use]
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// Returns the decay rates `(β₁, β₂)`.
    #[must_use]
    pub fn betas(&self) -> (f64, f64) {
        (self.beta1, self.beta2)
    }

    /// Returns `ε`.
    #[must_use]
    pub fn epsilon(&self) -> f64 {
        self.epsilon
    }
}

impl Minimizer for Adam {
    fn name(&self) -> &'static str {
        "Adam"
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
        let mut moments = Moments::new(self, objective.dim())?;
        descend(objective, start, &self.limits, observer, |x, g, trial| {
            moments.step(x, g, trial);
        })
    }
}

/// Adam's state: the moment estimates and the powers `β₁ᵗ`, `β₂ᵗ` of their bias corrections.
struct Moments<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    eta: T,
    beta1: T,
    beta2: T,
    epsilon: T,
    m: OVector<T, D>,
    v: OVector<T, D>,
    beta1_t: T,
    beta2_t: T,
}

impl<T, D> Moments<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    fn new(settings: &Adam, dim: D) -> Result<Self, Error> {
        Ok(Self {
            eta: in_precision("learning_rate", settings.learning_rate, positive)?,
            beta1: in_precision("beta1", settings.beta1, half_open_unit)?,
            beta2: in_precision("beta2", settings.beta2, half_open_unit)?,
            epsilon: in_precision("epsilon", settings.epsilon, positive)?,
            m: OVector::zeros_generic(dim, Const::<1>),
            v: OVector::zeros_generic(dim, Const::<1>),
            beta1_t: T::one(),
            beta2_t: T::one(),
        })
    }

    /// Advances `t` by one and writes `x − η m̂/(√v̂ + ε)` into `trial`.
    fn step(&mut self, x: &OVector<T, D>, g: &OVector<T, D>, trial: &mut OVector<T, D>) {
        let one = T::one();
        let (beta1, beta2) = (self.beta1, self.beta2);
        self.beta1_t *= beta1;
        self.beta2_t *= beta2;
        let (m_correction, v_correction) = (one - self.beta1_t, one - self.beta2_t);
        let moments = self.m.iter_mut().zip(self.v.iter_mut());
        let coordinates = trial.iter_mut().zip(x.iter()).zip(g.iter());
        for (((t, &xi), &gi), (mi, vi)) in coordinates.zip(moments) {
            *mi = beta1 * *mi + (one - beta1) * gi;
            *vi = beta2 * *vi + (one - beta2) * gi * gi;
            let m_hat = *mi / m_correction;
            let v_hat = *vi / v_correction;
            *t = xi - self.eta * m_hat / (v_hat.sqrt() + self.epsilon);
        }
    }
}
