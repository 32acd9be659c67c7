//! What a run returns: where it ended, why, and optionally how it got there.

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OVector, RealField};

use crate::Inertia;

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Termination {
    /// `‖∇L‖∞` fell below the tolerance: the final point is stationary (of any type).
    Converged,
    /// The step limit was reached first.
    MaxIterations,
    /// The step system could not be solved: the (shifted) Hessian is singular to working
    /// precision, not positive definite where the method needs it to be, or (saddle-free
    /// Newton) its eigendecomposition did not converge.
    SingularHessian,
    /// The loss, gradient or Hessian became NaN or infinite at a trial point; the report holds
    /// the last finite iterate.
    NonFinite,
    /// No step length satisfying the Wolfe conditions was found along a descent direction.
    LineSearchFailed,
    /// No trial step decreased the loss, even with the largest damping (Levenberg–Marquardt),
    /// or the trust region shrank below the rounding of the iterate (trust-region Newton).
    NoProgress,
    /// The loss blew up before the run ended otherwise: the last finite iterate's loss exceeds
    /// the best loss of the run by more than [`DIVERGENCE_FACTOR`] times the largest of 1 and the
    /// start's and the best loss's magnitudes. Reported in place of the ending the run met
    /// afterwards (a singular Hessian, a non-finite trial point, the step limit, a failed
    /// search), which is a consequence of the blow-up, not its cause. The iteration itself is
    /// not changed by the test: a run that blows up and comes back is judged where it ends.
    Diverged,
    /// The observer passed to
    /// [`Minimizer::minimize_observed`](crate::Minimizer::minimize_observed) asked the run to stop.
    Stopped,
}

/// How much a run's loss must grow, relative to the magnitude of its loss at the start or at
/// its best iterate (whichever is larger), above the best loss for the run to count as
/// [`Termination::Diverged`]: `L_last − L_best > 10⁶ · max(|L₀|, |L_best|, 1)`. The absolute
/// floor of 1 keeps a run from a zero loss (where the relative scale is zero) from being called
/// diverged for a tiny positive final loss.
///
/// Six orders of magnitude is far beyond what a method that makes progress, or that overshoots
/// once and recovers, leaves behind, and far below the `10¹⁰ … 10¹⁶` that undamped Newton
/// steps reach on networks.
pub const DIVERGENCE_FACTOR: f64 = 1e6;

impl Termination {
    /// Returns the name used in reports (`"converged"`, `"max iterations"`, …).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Converged => "converged",
            Self::MaxIterations => "max iterations",
            Self::SingularHessian => "singular Hessian",
            Self::NonFinite => "non-finite",
            Self::LineSearchFailed => "line search failed",
            Self::NoProgress => "no progress",
            Self::Diverged => "diverged",
            Self::Stopped => "stopped by the observer",
        }
    }
}

impl core::fmt::Display for Termination {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// One iterate of a run, kept when the solver's trajectory is switched on.
#[derive(Clone, Debug, PartialEq)]
pub struct Record<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    /// The iterate.
    pub x: OVector<T, D>,
    /// The loss there.
    pub value: T,
    /// `‖∇L‖∞` there.
    pub gradient_norm: T,
    /// The Hessian's inertia there, where the method computed it (saddle-free Newton, at every
    /// iterate, the last included).
    pub inertia: Option<Inertia>,
}

/// The iterate of a run with the lowest loss, kept beside the last one: a method that does not
/// enforce descent (pure, relaxed or saddle-free Newton without a line search, gradient descent,
/// Adam) may end far above the best point it visited.
#[derive(Clone, Debug, PartialEq)]
pub struct Best<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    /// The iterate with the lowest loss (the earliest of equal ones).
    pub x: OVector<T, D>,
    /// The loss there.
    pub value: T,
    /// `‖∇L‖∞` there.
    pub gradient_norm: T,
    /// The number of steps taken to reach it (`0`: the start).
    pub iteration: usize,
}

/// The outcome of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Report<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    /// The final iterate: the last point at which the loss and its derivatives were finite.
    pub x: OVector<T, D>,
    /// The loss at `x`.
    pub value: T,
    /// `‖∇L‖∞` at `x`.
    pub gradient_norm: T,
    /// The number of steps taken.
    pub iterations: usize,
    /// Why the run stopped.
    pub termination: Termination,
    /// The iterate with the lowest loss the run visited; the same as the final one for a
    /// method that only takes steps that decrease the loss.
    pub best: Best<T, D>,
    /// Every iterate, the start first, when recording was switched on.
    pub trajectory: Option<Vec<Record<T, D>>>,
}

impl<T, D> Report<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    /// Returns `true` when the run ended at a stationary point.
    #[must_use]
    pub fn converged(&self) -> bool {
        self.termination == Termination::Converged
    }
}
