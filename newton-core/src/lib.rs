//! Runtime half of newton: the [`Objective`] and [`LeastSquares`] traits that generated code
//! implements, the exact-curvature optimisers that consume them, and the classification of
//! the stationary points they reach.
//!
//! Most users reach this crate through the `newton` facade, which re-exports it beside the
//! `#[hessian]` and `network!` macros that write the [`Objective`]s; here one is written by
//! hand. `f(x, y) = ¼x⁴ − ½x² + ½y²` has minima at `(±1, 0)` and a saddle at the origin: exact
//! Newton goes to the stationary point nearest its start, whatever its type, while the trust
//! region follows negative curvature down to a minimum.
//!
//! ```
//! use nalgebra::{SMatrix, SVector};
//! use newton_core::{classify, FnObjective, Minimizer, Newton, Objective, Stationary};
//! use newton_core::{Tolerance, TrustRegionNewton};
//!
//! type V = SVector<f64, 2>;
//! let f = FnObjective::new(
//!     (),
//!     |_: &(), p: &V| 0.25 * p[0].powi(4) - 0.5 * p[0] * p[0] + 0.5 * p[1] * p[1],
//!     |_: &(), p: &V| {
//!         let value = 0.25 * p[0].powi(4) - 0.5 * p[0] * p[0] + 0.5 * p[1] * p[1];
//!         (value, V::new(p[0].powi(3) - p[0], p[1]))
//!     },
//!     |_: &(), p: &V| {
//!         let value = 0.25 * p[0].powi(4) - 0.5 * p[0] * p[0] + 0.5 * p[1] * p[1];
//!         let hessian = SMatrix::<f64, 2, 2>::new(3.0 * p[0] * p[0] - 1.0, 0.0, 0.0, 1.0);
//!         (value, V::new(p[0].powi(3) - p[0], p[1]), hessian)
//!     },
//! );
//! let kind = |x: &V| {
//!     let (mut g, mut h) = (V::zeros(), SMatrix::zeros());
//!     f.value_gradient_hessian(x, &mut g, &mut h);
//!     classify(&g, &h, Tolerance::Scaled).map(|c| c.stationary)
//! };
//!
//! let start = V::new(0.1, 0.5);
//! let newton = Newton::default().minimize(&f, &start)?;
//! assert!(newton.converged() && newton.x.norm() < 1e-10);
//! assert_eq!(kind(&newton.x)?, Stationary::Saddle { index: 1 });
//!
//! let trust = TrustRegionNewton::default().minimize(&f, &start)?;
//! assert!(trust.converged() && (trust.x[0].abs() - 1.0).abs() < 1e-10);
//! assert_eq!(kind(&trust.x)?, Stationary::Minimum);
//! # Ok::<(), newton_core::Error>(())
//! ```
//!
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
//! - `argmin` (feature `argmin`): any objective under argmin's solvers, on the exact derivatives.

#[cfg(feature = "argmin")]
pub mod argmin;
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
