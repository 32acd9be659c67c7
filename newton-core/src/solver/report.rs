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
    /// No trial step decreased the loss, even with the largest damping (Levenberg–Marquardt).
    NoProgress,
}

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
