//! Smooth test functions, each written twice: once for `#[hessian]` on plain `f64` (or `f32`)
//! code, once generic over num-dual's dual numbers, plus a `#[test]` running the oracle.
//!
//! The reference implementations mirror the plain code operation for operation where num-dual
//! allows it; `hypot` becomes `sqrt(x² + y²)`, a variable exponent `powd`, and constants on the
//! left of an operator move to the right (`a - x` becomes `-x + a`).

pub(crate) mod classic;
pub(crate) mod compose;
pub(crate) mod data;
pub(crate) mod everyday;
pub(crate) mod impls;
pub(crate) mod methods;
pub(crate) mod nd;
pub(crate) mod scalars;
pub(crate) mod sparse;
pub(crate) mod stats;
pub(crate) mod syntax;
