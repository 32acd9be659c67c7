//! Runtime half of newton: the [`Objective`] trait that generated code implements, and the
//! operation counts it reports.
//!
//! Most users reach this crate through the `newton` facade, which re-exports it beside the
//! `#[hessian]` macro.

mod objective;
mod ops;

pub use objective::Objective;
pub use ops::{OpCount, Ops};

/// Re-exported so that generated code and users name the same linear-algebra types.
pub use nalgebra;
