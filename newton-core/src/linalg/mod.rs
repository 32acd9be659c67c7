//! Small dense linear algebra, in place and generic over static and dynamic dimensions.
//!
//! nalgebra's own `LU` and `SymmetricEigen` need the dimension to implement `DimMin` and
//! `DimSub<U1>`, which a generic `D: Dim` (and a const-generic `Const<N>`) does not, and they
//! allocate their results. The solvers need neither restriction: these routines overwrite
//! caller storage, so a run on a static dimension never touches the heap, and a run on a dynamic
//! one allocates its matrices once.

mod cholesky;
mod eigen;
mod lu;
mod syrk;

pub use cholesky::{cholesky_in_place, cholesky_solve_in_place};
pub use eigen::{symmetric_eigen_in_place, JACOBI_MAX_DIM};
pub use lu::{lu_in_place, lu_solve_in_place};
pub use syrk::add_gram_upper;

#[cfg(test)]
mod tests;
