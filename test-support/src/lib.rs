//! What newton's test suites share: a counting global allocator for the zero-allocation tests,
//! and an independent num-dual oracle of the network losses.
//!
//! "Zero heap allocations per evaluation" is a tested property, and every test binary that
//! tests it needs the same allocator. It lives here once, so that a fix to it (the thread-local
//! teardown, say) reaches every suite. A test binary installs it and wraps the calls it checks
//! in [`allocations`] or [`allocations_repeated`]:
//!
//! ```
//! use newton_test_support::{allocations, allocations_repeated, Counting};
//!
//! #[global_allocator]
//! static GLOBAL: Counting = Counting;
//!
//! fn main() {
//!     let (v, n) = allocations(|| Vec::<f64>::with_capacity(16));
//!     assert_eq!((v.capacity(), n), (16, 1));
//!     assert_eq!(allocations_repeated(100, || 2.0_f64.sqrt()), 0);
//! }
//! ```
//!
//! Counting is armed per thread, so the test harness and tests running concurrently on other
//! threads are not counted: one binary can hold many allocation tests running in parallel.
//!
//! [`network`] computes a network loss's value, gradient and Hessian with `num_dual::hessian`,
//! straight from the definition of the architecture, for the engine's tests to compare against.

mod counting;
pub mod network;

pub use counting::{allocations, allocations_repeated, Counting};

use newton_core::nalgebra::{allocator::Allocator, Const, DefaultAllocator, Dim, OMatrix, OVector};
use newton_core::{Classification, Error, Tolerances};

/// Classifies a bare symmetric matrix by its eigenvalues: [`newton_core::classify`] at a zero
/// gradient of the matrix's order, for the tests of the spectrum and inertia, which have no
/// point to take a gradient at.
///
/// # Errors
///
/// As [`newton_core::classify`].
pub fn classify_matrix<T, D>(
    hessian: &OMatrix<T, D, D>,
    tolerances: impl Into<Tolerances>,
) -> Result<Classification<T, D>, Error>
where
    T: newton_core::nalgebra::RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    let zero = OVector::<T, D>::zeros_generic(hessian.shape_generic().0, Const::<1>);
    newton_core::classify(&zero, hessian, tolerances)
}
