//! The Gauss–Newton product `αJᵀJ` of the residual Jacobian, by faer's triangular product.
//!
//! The engine's own strip kernel forms it from the strips the sweep writes, but faer's
//! triangular product, on a column-major copy of `J`, is faster at every network size
//! (BENCHMARKS.md, the floors of the network groups): its micro-kernel streams packed panels
//! with no sums across lanes, and it forms only the triangle it is asked for. The copy is one
//! pass over `J` in contiguous runs of a strip's points.

use faer::linalg::matmul::triangular::{matmul, BlockStructure};
use faer::{Accum, MatMut, MatRef, Par};

use super::Strips;

/// Writes (or, with `accumulate`, adds) `alpha·JᵀJ` into the upper triangle of `h` (`p × p`,
/// column-major), leaving its strict lower triangle as it was; `columns` is room for `J`
/// column-major (`n × p`).
pub(crate) fn gram_upper(
    j: &Strips,
    columns: &mut [f64],
    alpha: f64,
    accumulate: bool,
    h: &mut [f64],
) {
    let (n, p) = (j.points(), j.cols());
    j.copy_to_columns(columns);
    let j = MatRef::from_column_major_slice(columns, n, p);
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
