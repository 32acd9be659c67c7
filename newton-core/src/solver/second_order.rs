//! The loop that Newton, relaxed Newton and saddle-free Newton share: evaluate the exact
//! Hessian, solve for a step, take `θ ← θ − α·step`. The methods differ only in how they solve.

use nalgebra::{allocator::Allocator, Const, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::run::{all_finite, check_start, Tracker};
use super::settings::Limits;
use crate::{Error, Inertia, Objective, Report, Termination};

/// Storage for one step solve, allocated once per run (on the stack for static dimensions).
pub(crate) struct Workspace<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    pub(crate) factor: OMatrix<T, D, D>,
    pub(crate) vectors: OMatrix<T, D, D>,
    pub(crate) values: OVector<T, D>,
    pub(crate) coefficients: OVector<T, D>,
    pub(crate) pivots: OVector<usize, D>,
}

impl<T, D> Workspace<T, D>
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
            pivots: OVector::from_element_generic(dim, Const::<1>, 0),
        }
    }
}

/// How a second-order method turns `(H, ∇L)` into the step it subtracts.
pub(crate) trait StepRule<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    /// The step length `α`.
    fn alpha(&self) -> T;

    /// Writes the step into `step`, returning the Hessian's inertia if the rule computed it, or
    /// `Err(())` when the step system is singular.
    fn solve(
        &self,
        hessian: &OMatrix<T, D, D>,
        gradient: &OVector<T, D>,
        work: &mut Workspace<T, D>,
        step: &mut OVector<T, D>,
    ) -> Result<Option<Inertia>, ()>;
}

/// Runs `θ ← θ − α·step` from `start` until `‖∇L‖∞ < tolerance` or a limit.
pub(crate) fn minimize<O, R>(
    objective: &O,
    start: &OVector<O::Scalar, O::Dim>,
    limits: &Limits,
    rule: &R,
) -> Result<Report<O::Scalar, O::Dim>, Error>
where
    O: Objective,
    R: StepRule<O::Scalar, O::Dim>,
    DefaultAllocator: Allocator<O::Dim> + Allocator<O::Dim, O::Dim>,
{
    let dim = objective.dim();
    check_start(dim, start)?;
    let mut x = start.clone();
    let mut trial = start.clone();
    let mut g = OVector::zeros_generic(dim, Const::<1>);
    let mut h = OMatrix::zeros_generic(dim, dim);
    let mut g_trial = g.clone();
    let mut h_trial = h.clone();
    let mut step = g.clone();
    let mut work = Workspace::new(dim);
    let mut value = objective.value_gradient_hessian(&x, &mut g, &mut h);
    if let Some(what) = non_finite(value, &g, &h) {
        return Err(Error::NonFiniteAtStart { what });
    }
    let mut tracker = Tracker::new(limits);
    let alpha = rule.alpha();
    let mut iteration = 0;
    loop {
        let solved = if tracker.converged(&g) || iteration == tracker.max_iterations {
            None
        } else {
            Some(rule.solve(&h, &g, &mut work, &mut step))
        };
        let inertia = solved.and_then(Result::ok).flatten();
        tracker.record(&x, value, &g, inertia);
        let termination = match solved {
            None if tracker.converged(&g) => Termination::Converged,
            None => Termination::MaxIterations,
            Some(Err(())) => Termination::SingularHessian,
            Some(Ok(_)) => {
                trial.copy_from(&x);
                trial.axpy(-alpha, &step, nalgebra::one());
                let trial_value =
                    objective.value_gradient_hessian(&trial, &mut g_trial, &mut h_trial);
                if non_finite(trial_value, &g_trial, &h_trial).is_some()
                    || !all_finite(trial.iter())
                {
                    Termination::NonFinite
                } else {
                    core::mem::swap(&mut x, &mut trial);
                    core::mem::swap(&mut g, &mut g_trial);
                    core::mem::swap(&mut h, &mut h_trial);
                    value = trial_value;
                    iteration += 1;
                    continue;
                }
            }
        };
        return Ok(tracker.finish(x, value, &g, iteration, termination));
    }
}

/// Names the first non-finite part of an evaluation.
fn non_finite<T, D>(value: T, g: &OVector<T, D>, h: &OMatrix<T, D, D>) -> Option<&'static str>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    if !value.is_finite() {
        Some("value")
    } else if !all_finite(g.iter()) {
        Some("gradient")
    } else if !all_finite(h.iter()) {
        Some("Hessian")
    } else {
        None
    }
}
