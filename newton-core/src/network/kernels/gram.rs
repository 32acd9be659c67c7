//! The Gauss–Newton product `αJᵀJ` of the residual Jacobian, by faer's triangular product.
//!
//! The engine's own strip kernel forms it from the strips the sweep writes, but faer's
//! triangular product is faster at every network size (BENCHMARKS.md, the floors of the network
//! groups): its micro-kernel streams packed panels with no sums across lanes, and it forms only
//! the triangle it is asked for. It reads `J` as the sweep leaves it, column-major.

use faer::linalg::matmul::triangular::{matmul, BlockStructure};
use faer::{Accum, MatMut, Par};

use super::Strips;

/// Writes (or, with `accumulate`, adds) `alpha·JᵀJ` into the upper triangle of `h` (`p × p`,
/// column-major), leaving its strict lower triangle as it was.
pub(crate) fn gram_upper(j: &Strips, alpha: f64, accumulate: bool, h: &mut [f64]) {
    let p = j.cols();
    let j = j.columns(j.points());
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
