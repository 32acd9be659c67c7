//! newton differentiates Rust functions **at compile time**: `#[hessian]` turns a smooth scalar
//! function into closed-form, allocation-free gradient and Hessian code.
//!
//! ```
//! use newton::hessian;
//!
//! /// Squared distance from the origin to a point of the ellipsoidal torus.
//! #[hessian]
//! pub fn torus(p: [f64; 2]) -> f64 {
//!     let (theta, phi) = (p[0], p[1]);
//!     let rho = 2.0 + phi.cos();
//!     let (x, y, z) = (rho * theta.cos(), 1.5 * rho * theta.sin(), phi.sin());
//!     0.5 * (x * x + y * y + z * z)
//! }
//!
//! let (f, g, h) = torus::value_gradient_hessian([0.0, core::f64::consts::PI]);
//! assert!((f - 0.5).abs() < 1e-12);          // the torus's inner equator, nearest the origin
//! assert!(g.norm() < 1e-12);                 // a stationary point …
//! assert!((h[(0, 0)] - 1.25).abs() < 1e-12); // … with Hessian diag(1.25, 2): a minimum
//! assert!((h[(1, 1)] - 2.0).abs() < 1e-12);
//! assert_eq!(torus::DIM, 2);
//! ```
//!
//! The attribute keeps the function as written and emits a module of the same name holding
//! `DIM`, `gradient`, `value_gradient`, `hessian`, `value_gradient_hessian`, `SPARSITY`, `OPS`
//! and an `Objective` struct implementing [`Objective`]. Every generated function takes exactly
//! the original function's arguments. See [`hessian`] for the supported syntax.

pub use newton_core::*;
pub use newton_derive::hessian;

/// What generated code names through an absolute path; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use nalgebra::{Const, SMatrix, SVector};
    pub use newton_core::{Objective, OpCount, Ops};
}
