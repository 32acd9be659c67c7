//! The loop that Newton, relaxed Newton and saddle-free Newton share: evaluate the exact
//! Hessian, solve for a step, take `θ ← θ − α·step`. The methods differ only in how they solve.

use nalgebra::{allocator::Allocator, Const, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::run::{all_finite, check_start, non_finite, Tracker};
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

/// What one step solve found: whether the step system could be solved, and the Hessian's
/// inertia if the rule computed it (also when the system turned out singular).
pub(crate) struct Solved {
    pub(crate) inertia: Option<Inertia>,
    pub(crate) singular: bool,
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

    /// Writes the step into `step` unless the step system is singular.
    fn solve(
        &self,
        hessian: &OMatrix<T, D, D>,
        gradient: &OVector<T, D>,
        work: &mut Workspace<T, D>,
        step: &mut OVector<T, D>,
    ) -> Solved;

    /// The Hessian's inertia at an iterate where no step is taken (the last one), for a rule
    /// whose steps record it; `None` for the others.
    fn inertia(&self, hessian: &OMatrix<T, D, D>, work: &mut Workspace<T, D>) -> Option<Inertia> {
        let _ = (hessian, work);
        None
    }
}

/// Runs `θ ← θ − α·step` from `start` until `‖∇L‖∞ < tolerance` or a limit.
///
/// Every record of the trajectory carries the inertia if the rule computes it, the final one
/// included: at a converged point or the iteration limit the rule's [`StepRule::inertia`] is
/// asked for it (only when recording, since it costs a decomposition), and at a singular step
/// system the inertia the failed solve computed is kept.
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
    if let Some(what) = non_finite(value, &g, Some(&h)) {
        return Err(Error::NonFiniteAtStart { what });
    }
    let mut tracker = Tracker::new(limits)?;
    let alpha = rule.alpha();
    let mut iteration = 0;
    loop {
        let stop = if tracker.converged(&g) {
            Some(Termination::Converged)
        } else if iteration == tracker.max_iterations {
            Some(Termination::MaxIterations)
        } else {
            None
        };
        if let Some(termination) = stop {
            let inertia = if tracker.recording() {
                rule.inertia(&h, &mut work)
            } else {
                None
            };
            tracker.record(&x, value, &g, inertia);
            return Ok(tracker.finish(x, value, &g, iteration, termination));
        }
        let solved = rule.solve(&h, &g, &mut work, &mut step);
        tracker.record(&x, value, &g, solved.inertia);
        if solved.singular {
            return Ok(tracker.finish(x, value, &g, iteration, Termination::SingularHessian));
        }
        trial.copy_from(&x);
        trial.axpy(-alpha, &step, nalgebra::one());
        let trial_value = objective.value_gradient_hessian(&trial, &mut g_trial, &mut h_trial);
        if non_finite(trial_value, &g_trial, Some(&h_trial)).is_some() || !all_finite(trial.iter())
        {
            return Ok(tracker.finish(x, value, &g, iteration, Termination::NonFinite));
        }
        core::mem::swap(&mut x, &mut trial);
        core::mem::swap(&mut g, &mut g_trial);
        core::mem::swap(&mut h, &mut h_trial);
        value = trial_value;
        iteration += 1;
    }
}
