//! Runtime half of newton: the [`Objective`] and [`LeastSquares`] traits that generated code
//! implements, the exact-curvature optimisers that consume them, and the classification of
//! the stationary points they reach.
//!
//! Most users reach this crate through the `newton` facade, which re-exports it beside the
//! `#[hessian]` macro.
//!
//! - Solvers ([`Minimizer`]): [`Newton`], [`RelaxedNewton`], [`SaddleFreeNewton`],
//!   [`TrustRegionNewton`], [`Bfgs`], [`GradientDescent`], [`Adam`]; for least squares,
//!   [`GaussNewton`] and [`LevenbergMarquardt`]. Each run returns a [`Report`] with a
//!   [`Termination`] and the [`Best`] iterate; an [`Observer`] can watch (and stop) a run.
//! - [`classify`]: minimum, maximum, saddle with its index, or degenerate, from the Hessian's
//!   eigenvalues, with the spectrum.
//! - [`multistart`] and [`Census`]: many seeded starts in parallel, limits grouped into
//!   distinct stationary points with their types and counts.
//! - [`linalg`]: the in-place, allocation-free factorisations behind them.

mod classify;
#[doc(hidden)]
pub mod compose;
mod error;
mod fn_objective;
pub mod linalg;
mod multistart;
pub mod network;
mod objective;
mod ops;
mod solver;

pub use classify::{classify, Classification, Inertia, Stationary, Tolerance, Tolerances};
pub use compose::Parameter;
pub use error::Error;
pub use fn_objective::FnObjective;
pub use multistart::{multistart, within, Census, Limit};
pub use objective::{LeastSquares, Objective};
pub use ops::{OpCount, Ops};
pub use solver::{
    Adam, Best, Bfgs, Control, GaussNewton, GradientDescent, LevenbergMarquardt, Minimizer, Newton,
    Observer, Progress, Record, RelaxedNewton, Report, SaddleFreeNewton, Termination,
    TrustRegionNewton, DIVERGENCE_FACTOR,
};

/// Re-exported so that generated code and users name the same linear-algebra types.
pub use nalgebra;
