//! Matrices stored a block of points at a time, as the block sweep computes them, and read as
//! they are by faer and by the inner-product kernel `C += AᵀB`.
//!
//! The block sweep computes every column of a stacked factor (a Jacobian entry, a dual, a
//! shared tangent) as one lane vector over the [`BLOCK`] points of a block. [`Strips`] keep
//! each column's lane vectors one after another, so a column is one contiguous run of `f64`s
//! and the whole matrix is column-major, its rows in an order every matrix of the same points
//! shares: faer multiplies two of them as they stand, with no copy and no transposes
//! ([`Strips::columns`]). The strip kernel pairs the same lane vectors directly; its sums across
//! lanes cost it more than faer's packed micro-kernel on all but the smallest products.

use faer::MatRef;
use pulp::{Arch, Simd, WithSimd};

use super::super::jet::Jet;
use super::panels::Panels;
use super::{Lanes, BLOCK, PANEL};

/// A matrix whose rows are the `k` jet components of each of `points` points, in strips of
/// [`BLOCK`] points: component `c` of column `q` in strip `s` is one lane vector (one value per
/// point) at `(q·blocks + s)·k + c`. As `f64`s, column `q` is one run of `blocks·k·BLOCK`
/// entries, row `(s·k + c)·BLOCK + lane`. The columns are padded to whole panels of eight, with
/// zeros, so that a tile of the kernel may read past the last column.
///
/// The lanes of points past `points` in the last strip are zero when a product reads them:
/// cleared by [`Strips::clear_from`] where a chunk ends inside a strip, and in the Jacobian never
/// written by the point path and given the zero rows of a zero dual by the block sweep.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Strips {
    pub(super) points: usize,
    pub(super) k: usize,
    pub(super) cols: usize,
    pub(super) stride: usize,
    /// The strips: `points.div_ceil(BLOCK)`.
    pub(super) blocks: usize,
    pub(super) data: Vec<Lanes>,
}

/// The columns of the widest tile of the kernel.
const TILE: usize = 4;

/// The bytes of the columns of `A` that the kernel pairs with each tile of `B` in turn: a
/// fraction of a typical L2, which also holds the stream of `B` and the writes of `C`.
pub(super) const CACHE_BLOCK_BYTES: usize = 128 * 1024;

/// The lane vectors of one strip (one block of points) of a [`Strips`], column by column.
pub(crate) struct StripMut<'a> {
    /// The matrix's lanes from this strip's first column on.
    data: &'a mut [Lanes],
    /// Lane vectors from one column to the next: `blocks·k`.
    column: usize,
    k: usize,
}

impl StripMut<'_> {
    /// Returns the `k` lane vectors of column `q`.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(crate) fn column(&mut self, q: usize) -> &mut [Lanes] {
        &mut self.data[q * self.column..][..self.k]
    }

    /// Returns the lane vector of column `q`, for one row per point.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(crate) fn lanes(&mut self, q: usize) -> &mut Lanes {
        debug_assert_eq!(self.k, 1);
        &mut self.data[q * self.column]
    }
}

impl Strips {
    /// Allocates a zero matrix of `points × k` rows and `cols` columns.
    pub(crate) fn new(points: usize, k: usize, cols: usize) -> Self {
        // Whole panels, so that [`Strips::copy_into`] transposes every one in registers.
        let stride = cols.next_multiple_of(PANEL);
        let blocks = points.div_ceil(BLOCK);
        Self {
            points,
            k,
            cols,
            stride,
            blocks,
            data: vec![[0.0; BLOCK]; blocks * stride * k],
        }
    }

    pub(crate) fn points(&self) -> usize {
        self.points
    }

    pub(crate) fn cols(&self) -> usize {
        self.cols
    }

    /// Returns strip `s`, to be written column by column.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(crate) fn strip_mut(&mut self, s: usize) -> StripMut<'_> {
        debug_assert!(s < self.blocks);
        StripMut {
            data: &mut self.data[s * self.k..],
            column: self.blocks * self.k,
            k: self.k,
        }
    }

    /// Returns the `k` lane vectors of column `q` in strip `s`, as [`StripMut::column`] wrote
    /// them.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(crate) fn block_column(&self, s: usize, q: usize) -> &[Lanes] {
        debug_assert!(s < self.blocks && q < self.cols);
        &self.data[(q * self.blocks + s) * self.k..][..self.k]
    }

    /// Returns the lane vectors of column `q` (`blocks·k` of them, strip after strip).
    fn column(&self, q: usize) -> &[Lanes] {
        let len = self.blocks * self.k;
        &self.data[q * len..(q + 1) * len]
    }

    /// Returns the lane vector and lane of component `c` of point `i` in column `q`.
    #[inline]
    fn at(&self, i: usize, q: usize, c: usize) -> (usize, usize) {
        debug_assert!(i < self.points && q < self.cols && c < self.k);
        ((q * self.blocks + i / BLOCK) * self.k + c, i % BLOCK)
    }

    /// Returns entry `(i, q)` of a matrix of one row per point (for the kernels' tests; the
    /// engine reads whole matrices by [`Strips::columns`]).
    #[cfg(test)]
    pub(crate) fn get(&self, i: usize, q: usize) -> f64 {
        let (at, lane) = self.at(i, q, 0);
        self.data[at][lane]
    }

    /// Writes the row of point `i` from `row` (`cols` entries), for one row per point.
    pub(crate) fn set_row(&mut self, i: usize, row: &[f64]) {
        debug_assert_eq!(row.len(), self.cols);
        for (q, &v) in row.iter().enumerate() {
            let (at, lane) = self.at(i, q, 0);
            self.data[at][lane] = v;
        }
    }

    /// Writes `jet` into column `q` of point `i`'s rows.
    pub(crate) fn put_jet<J: Jet>(&mut self, i: usize, q: usize, jet: &J) {
        for c in 0..J::K {
            let (at, lane) = self.at(i, q, c);
            self.data[at][lane] = jet.get(c);
        }
    }

    /// Zeroes the lanes of the points from `points` to the end of their strip, in every
    /// column: what a product over the first `points` points must not read.
    pub(crate) fn clear_from(&mut self, points: usize) {
        let (s, first) = (points / BLOCK, points % BLOCK);
        if first == 0 || s >= self.blocks {
            return;
        }
        for q in 0..self.stride {
            let mut strip = self.strip_mut(s);
            for lanes in strip.column(q) {
                lanes[first..].fill(0.0);
            }
        }
    }

    /// Returns the rows of the first `points` points as a column-major matrix of
    /// `points.div_ceil(BLOCK)·k·BLOCK` rows (the lanes past `points` included, which hold
    /// zeros when read) and `cols` columns: the view faer multiplies.
    pub(crate) fn columns(&self, points: usize) -> MatRef<'_, f64> {
        debug_assert!(points <= self.points);
        let rows = points.div_ceil(BLOCK) * self.k * BLOCK;
        let stride = self.blocks * self.k * BLOCK;
        MatRef::from_column_major_slice_with_stride(
            self.data.as_flattened(),
            rows,
            self.cols,
            stride.max(1),
        )
    }

    /// Writes the matrix of one row per point (`k = 1`) into `out`, column-major
    /// (`points × cols`): each column's first `points` entries, as they are stored.
    pub(crate) fn copy_to_columns(&self, out: &mut [f64]) {
        let n = self.points;
        debug_assert!(self.k == 1 && out.len() == n * self.cols);
        for (q, column) in out.chunks_exact_mut(n.max(1)).enumerate() {
            column.copy_from_slice(&self.column(q).as_flattened()[..n]);
        }
    }

    /// Copies the rows of the first `points` points of a matrix of one row per point into
    /// `panels` (of as many rows and columns), a strip and a panel at a time by
    /// [`Panels::set_panel`]'s transposes.
    pub(crate) fn copy_into(&self, points: usize, panels: &mut Panels) {
        debug_assert!(self.k == 1 && panels.rows() >= points && panels.cols() == self.cols);
        Arch::new().dispatch(CopyInto {
            strips: self,
            points,
            panels,
        });
    }

    /// Adds `alpha · Aᵀx` to `out` (`cols` entries) for `x` with one entry per point, for one
    /// row per point.
    pub(crate) fn add_transpose_times(&self, alpha: f64, x: &[f64], out: &mut [f64]) {
        debug_assert!(self.k == 1 && x.len() == self.points && out.len() == self.cols);
        Arch::new().dispatch(TransposeTimes {
            a: self,
            alpha,
            x,
            out,
        });
    }
}

/// [`Strips::copy_into`], dispatched.
struct CopyInto<'a> {
    strips: &'a Strips,
    points: usize,
    panels: &'a mut Panels,
}

impl WithSimd for CopyInto<'_> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "the loops must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        let Self {
            strips,
            points,
            panels,
        } = self;
        let panel_count = strips.cols.div_ceil(PANEL);
        let mut columns = [[0.0; BLOCK]; PANEL];
        for s in 0..points.div_ceil(BLOCK) {
            let first = s * BLOCK;
            let lanes = (points - first).min(BLOCK);
            for t in 0..panel_count {
                for (j, column) in columns.iter_mut().enumerate() {
                    *column = strips.data[(t * PANEL + j) * strips.blocks + s];
                }
                panels.set_panel(t, (first, lanes), 1, &columns);
            }
        }
    }
}

/// [`Strips::add_transpose_times`], dispatched.
struct TransposeTimes<'a> {
    a: &'a Strips,
    alpha: f64,
    x: &'a [f64],
    out: &'a mut [f64],
}

impl WithSimd for TransposeTimes<'_> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "the loops must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Self { a, alpha, x, out } = self;
        // Four columns at a time: four independent sums in flight, each over the strips (the
        // padding to whole panels is zero).
        for q0 in (0..a.cols).step_by(TILE) {
            let mut acc = [[0.0; BLOCK]; TILE];
            for s in 0..a.blocks {
                let piece = &x[s * BLOCK..x.len().min((s + 1) * BLOCK)];
                let xs: Lanes = piece.try_into().unwrap_or_else(|_| {
                    // The last strip: zeros past the last point.
                    let mut xs = [0.0; BLOCK];
                    for (v, &p) in xs.iter_mut().zip(piece) {
                        *v = p;
                    }
                    xs
                });
                for (j, acc) in acc.iter_mut().enumerate() {
                    let column = &a.data[(q0 + j) * a.blocks + s];
                    for ((v, &a), &x) in acc.iter_mut().zip(column).zip(&xs) {
                        *v += a * x;
                    }
                }
            }
            for (o, acc) in out[q0..].iter_mut().zip(&acc) {
                *o += alpha * sum_lanes(simd, acc);
            }
        }
    }
}

/// Returns the sum of the lanes of `v`, by `simd`'s own vector operations: written as a loop
/// over lanes, the sums of a tile's accumulators are vectorised across the accumulators, by
/// gathers from the stack.
#[expect(
    clippy::inline_always,
    reason = "compiled for the caller's target features only when inlined into it"
)]
#[inline(always)]
pub(super) fn sum_lanes<S: Simd>(simd: S, v: &Lanes) -> f64 {
    let (vectors, rest) = S::as_simd_f64s(v);
    let mut sum = simd.splat_f64s(0.0);
    for &x in vectors {
        sum = simd.add_f64s(sum, x);
    }
    rest.iter().fold(simd.reduce_sum_f64s(sum), |s, &v| s + v)
}
