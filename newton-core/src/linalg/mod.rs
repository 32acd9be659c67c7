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
mod trust_region;

pub use cholesky::{cholesky_in_place, cholesky_solve_in_place};
pub(crate) use eigen::scaled_symmetric_eigen;
pub use eigen::{symmetric_eigen_in_place, JACOBI_MAX_DIM};
pub use lu::{lu_in_place, lu_solve_in_place};
pub use syrk::add_gram_upper;
pub use trust_region::{trust_region_step, TrustRegionStep};

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, RealField};

/// Converts a dimension to `f64` for tolerances.
#[expect(clippy::cast_precision_loss, reason = "dimensions are far below 2⁵²")]
pub(crate) fn usize_to_f64(n: usize) -> f64 {
    n as f64
}

/// Returns the Euclidean norm of `values`, scaled by their largest magnitude so that neither the
/// squares nor their sum overflows or underflows (`1e200` and `1e-200` entries stay exact to
/// rounding); `0` when every value is zero. Walks the values twice and allocates nothing.
pub(crate) fn scaled_norm<T: RealField + Copy>(values: impl Iterator<Item = T> + Clone) -> T {
    let largest = values.clone().fold(T::zero(), |m, v| m.max(v.abs()));
    if largest == T::zero() {
        return T::zero();
    }
    let squares = values.fold(T::zero(), |sum, v| {
        let r = v / largest;
        sum + r * r
    });
    largest * squares.sqrt()
}

/// Returns the order of the square matrix `m`, or panics naming `function` and `argument`.
///
/// A static `OMatrix<T, D, D>` is square by its type; a dynamic one need not be.
#[track_caller]
fn assert_square<T, D>(function: &str, argument: &str, m: &OMatrix<T, D, D>) -> usize
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D>,
{
    let (rows, columns) = m.shape();
    assert_eq!(
        rows, columns,
        "{function}: `{argument}` must be square, not {rows} × {columns}"
    );
    rows
}

#[cfg(test)]
mod tests;
