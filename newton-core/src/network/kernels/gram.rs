//! The Gauss–Newton product `αJᵀJ` of the residual Jacobian, by faer's triangular product.
//!
//! The engine's own strip kernel forms it from the strips the sweep writes, but faer's
//! triangular product is faster at every network size (BENCHMARKS.md, the floors of the network
//! groups): its micro-kernel streams packed panels with no sums across lanes, and it forms only
//! the triangle it is asked for. It reads `J` as the sweep leaves it, column-major.

use core::ops::Range;

use faer::linalg::matmul::triangular::{matmul, BlockStructure};
use faer::{Accum, MatMut, MatRef, Par};

use super::Strips;

/// Writes (or, with `accumulate`, adds) `alpha·JᵀJ` into the upper triangle of `h` (`p × p`,
/// column-major), leaving its strict lower triangle as it was.
pub(crate) fn gram_upper(j: &Strips, alpha: f64, accumulate: bool, h: &mut [f64]) {
    upper_product(j.columns(j.points()), alpha, accumulate, h);
}

/// Adds `alpha·ZᵀZ` into the upper triangle of `h` (`p × p`, column-major) for the matrix `Z`
/// of the given `rows` of `z` (one row per point): the same product as [`gram_upper`] on a
/// slice of stacked rows.
pub(crate) fn add_gram_of_rows(z: &Strips, rows: Range<usize>, alpha: f64, h: &mut [f64]) {
    if rows.is_empty() {
        return;
    }
    let z = z.columns(z.points()).subrows(rows.start, rows.len());
    upper_product(z, alpha, true, h);
}

fn upper_product(j: MatRef<'_, f64>, alpha: f64, accumulate: bool, h: &mut [f64]) {
    let p = j.ncols();
    let accum = if accumulate {
        Accum::Add
    } else {
        Accum::Replace
    };
    matmul(
        MatMut::from_column_major_slice_mut(h, p, p),
        BlockStructure::TriangularUpper,
        accum,
        j.transpose(),
        BlockStructure::Rectangular,
        j,
        BlockStructure::Rectangular,
        alpha,
        Par::Seq,
    );
}
