//! Products `AᵀB` of two [`Strips`] by faer's GEMM, on the strips as they stand.
//!
//! The strip kernel pairs lane vectors as the sweep leaves them, but sums across the lanes of
//! every tile and reloads its operands for every one; faer's micro-kernel streams packed
//! panels with neither. [`Strips`] are column-major, so faer reads them with no copy.

use core::ops::Range;

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, Par};

use super::Strips;

/// The entries of a product `AᵀB` from which it is formed by faer rather than by the strip
/// kernel: below them faer's set-up costs more than the product.
const FAER_PRODUCT_ENTRIES: usize = 64;

/// Returns whether a product of strips of `a` and `b` columns runs through faer.
pub(crate) fn through_faer(a: usize, b: usize) -> bool {
    a * b >= FAER_PRODUCT_ENTRIES
}

/// Room for a product of strips through faer (`a × b`, column-major), whose entries are then
/// reported one by one. Empty where the strip kernel forms the product ([`through_faer`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Product {
    entries: Vec<f64>,
}

impl Product {
    /// Allocates the room for a product of `a` by `b` columns, or nothing if the strip kernel
    /// forms it.
    pub(crate) fn new(a: usize, b: usize) -> Self {
        Self {
            entries: if through_faer(a, b) {
                vec![0.0; a * b]
            } else {
                Vec::new()
            },
        }
    }
}

/// Calls `add(p, q, (AᵀB)[p][q])` for every entry of `AᵀB` over the first `points` points of
/// `a` and `b`, each exactly once, forming the product by faer in `product`. (The one symmetric
/// product, `JᵀJ`, is [`gram_upper`](super::gram::gram_upper).)
///
/// # Panics
///
/// If `a` and `b` have different jets or fewer than `points` points.
pub(crate) fn add_faer_product(
    a: &Strips,
    b: &Strips,
    points: usize,
    product: &mut Product,
    mut add: impl FnMut(usize, usize, f64),
) {
    assert!(
        a.k == b.k && points <= a.points() && points <= b.points(),
        "AᵀB over the same rows, as many as stored"
    );
    let (m, n) = (a.cols(), b.cols());
    let (lhs, rhs) = (a.columns(points).transpose(), b.columns(points));
    let entries = &mut product.entries[..m * n];
    let out = MatMut::from_column_major_slice_mut(entries, m, n);
    matmul(out, Accum::Replace, lhs, rhs, 1.0, Par::Seq);
    for (q, column) in entries.chunks_exact(m.max(1)).enumerate() {
        for (p, &v) in column.iter().enumerate() {
            add(p, q, v);
        }
    }
}

/// Adds the block of `AᵀB` on the columns `a_cols` of `a` and `b_cols` of `b` over the first
/// `points` points to that block of `sums` (`a.cols() × b.cols()`, row-major), or writes it
/// there where `first`, by faer; the rest of `sums` is left as it is.
///
/// # Panics
///
/// If `a` and `b` have different jets or fewer than `points` points, or the columns are out of
/// range.
pub(crate) fn accumulate_faer_block(
    (a, a_cols): (&Strips, Range<usize>),
    (b, b_cols): (&Strips, Range<usize>),
    points: usize,
    sums: &mut [f64],
    first: bool,
) {
    let (m, n) = (a.cols(), b.cols());
    let out = MatMut::from_column_major_slice_mut(&mut sums[..m * n], n, m).submatrix_mut(
        b_cols.start,
        a_cols.start,
        b_cols.len(),
        a_cols.len(),
    );
    accumulate_faer_into((b, b_cols), (a, a_cols), points, out, first);
}

/// Adds `A[:, a_cols]ᵀ B[:, b_cols]` over the first `points` points to `out`, or writes it
/// there where `first`, by faer.
///
/// # Panics
///
/// If `a` and `b` have different jets or fewer than `points` points, or the shapes disagree.
pub(crate) fn accumulate_faer_into(
    (a, a_cols): (&Strips, Range<usize>),
    (b, b_cols): (&Strips, Range<usize>),
    points: usize,
    out: MatMut<'_, f64>,
    first: bool,
) {
    assert!(
        a.k == b.k && points <= a.points() && points <= b.points(),
        "AᵀB over the same rows, as many as stored"
    );
    let lhs = a
        .columns(points)
        .subcols(a_cols.start, a_cols.len())
        .transpose();
    let rhs = b.columns(points).subcols(b_cols.start, b_cols.len());
    let accum = if first { Accum::Replace } else { Accum::Add };
    matmul(out, accum, lhs, rhs, 1.0, Par::Seq);
}
