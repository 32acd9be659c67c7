//! The loop that Newton, relaxed Newton and saddle-free Newton share: evaluate the exact
//! Hessian, solve for a step, take `θ ← θ − α·step`. The methods differ only in how they solve.

use nalgebra::{allocator::Allocator, Const, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::line_search::Backtracking;
use super::run::{all_finite, check_start, non_finite, Tracker};
use super::settings::Limits;
use super::Observer;
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

/// Runs `θ ← θ − α·step` from `start` until `‖∇L‖∞ < tolerance` or a limit; with a
/// `search`, `θ ← θ + t·d` instead, `d = ∓step` (whichever descends) and `t` the Armijo
/// backtracking length from `α` (see [`take_step`]).
///
/// Every record of the trajectory carries the inertia if the rule computes it, the final one
/// included: at a converged point or the iteration limit the rule's [`StepRule::inertia`] is
/// asked for it (only when recording, since it costs a decomposition), and at a singular step
/// system the inertia the failed solve computed is kept.
pub(crate) fn minimize<O, R, B>(
    objective: &O,
    start: &OVector<O::Scalar, O::Dim>,
    limits: &Limits,
    rule: &R,
    search: Option<&Backtracking<O::Scalar>>,
    observer: &mut B,
) -> Result<Report<O::Scalar, O::Dim>, Error>
where
    O: Objective,
    R: StepRule<O::Scalar, O::Dim>,
    B: Observer<O::Scalar>,
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
    let mut tracker = Tracker::new(limits, observer)?;
    let mut iteration = 0;
    loop {
        if let Some(termination) = tracker.stop(&g, iteration) {
            let inertia = if tracker.recording() {
                rule.inertia(&h, &mut work)
            } else {
                None
            };
            tracker.record(&x, value, &g, iteration, inertia);
            return Ok(tracker.finish(x, value, &g, iteration, termination));
        }
        let solved = rule.solve(&h, &g, &mut work, &mut step);
        let stopped = tracker.record(&x, value, &g, iteration, solved.inertia);
        let ended = if solved.singular {
            Some(Termination::SingularHessian)
        } else {
            stopped
        };
        if let Some(termination) = ended {
            return Ok(tracker.finish(x, value, &g, iteration, termination));
        }
        let taken = take_step(
            objective,
            &x,
            value,
            &g,
            &mut step,
            rule.alpha(),
            search,
            &mut trial,
        );
        let trial_value = match taken {
            Ok(()) => objective.value_gradient_hessian(&trial, &mut g_trial, &mut h_trial),
            Err(termination) => return Ok(tracker.finish(x, value, &g, iteration, termination)),
        };
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

/// Writes the next trial point into `trial`: `x − α·step`, or with a `search` the Armijo point
/// along whichever of `∓step` descends (relaxed Newton's step ascends where `H + λI` is
/// indefinite; reversed, it descends), backtracking from `α`. `step` may be negated.
///
/// `Err(LineSearchFailed)` when neither direction descends (`∇Lᵀstep` is zero or not finite)
/// or no halving decreases the loss enough.
#[expect(
    clippy::too_many_arguments,
    reason = "the loop's state, borrowed for one step; a struct would only rename it"
)]
fn take_step<O>(
    objective: &O,
    x: &OVector<O::Scalar, O::Dim>,
    value: O::Scalar,
    g: &OVector<O::Scalar, O::Dim>,
    step: &mut OVector<O::Scalar, O::Dim>,
    alpha: O::Scalar,
    search: Option<&Backtracking<O::Scalar>>,
    trial: &mut OVector<O::Scalar, O::Dim>,
) -> Result<(), Termination>
where
    O: Objective,
    DefaultAllocator: Allocator<O::Dim> + Allocator<O::Dim, O::Dim>,
{
    let one = nalgebra::one();
    let Some(search) = search else {
        trial.copy_from(x);
        trial.axpy(-alpha, step, one);
        return Ok(());
    };
    // The direction `d = −step`, reversed when it ascends; the slope is `∇Lᵀd < 0`.
    let mut slope = -g.dot(step);
    if slope > nalgebra::zero() {
        step.neg_mut();
        slope = -slope;
    }
    if slope.partial_cmp(&nalgebra::zero()) != Some(core::cmp::Ordering::Less) {
        return Err(Termination::LineSearchFailed);
    }
    let accepted = search.search(value, slope, alpha, |t| {
        trial.copy_from(x);
        trial.axpy(-t, step, one);
        let v = objective.value(trial);
        (all_finite([&v]) && all_finite(trial.iter())).then_some(v)
    });
    match accepted {
        Some(_) => Ok(()),
        None => Err(Termination::LineSearchFailed),
    }
}
