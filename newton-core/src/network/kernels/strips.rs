//! Matrices stored a block of points at a time, as the block sweep computes them, and the
//! inner-product kernel `C += AᵀB` that reads them as they are.
//!
//! The block sweep computes every column of a stacked factor (a Jacobian entry, a dual, a
//! shared tangent) as one lane vector over the [`BLOCK`] points of a block. A [`Panels`]
//! operand wants each point's row of eight columns instead, so every panel had to be transposed
//! on its way in, a cost of the order of the small products themselves. [`Strips`]
//! keep the lane vectors, and the kernel pairs them as they are: entry `(p, q)` of `AᵀB` is the
//! sum over the strips of the lane-wise products of column `p` of `A` with column `q` of `B`,
//! accumulated in a vector and summed across its lanes once at the end.
//!
//! Those sums across lanes, over as few as 13 strips at `N = 100`, cost about one operation of
//! the floating-point units for every four multiply-adds, where the outer-product kernel of
//! [`Panels`] has none: from about `40 × 40` entries the operands are copied into panels (the
//! transposes again, but once per product rather than once per use) and multiplied there
//! ([`add_product_of_strips`](super::add_product_of_strips)).
//!
//! [`Panels`]: super::panels::Panels

use pulp::{Arch, Simd, WithSimd};

use super::super::jet::Jet;
use super::panels::Panels;
use super::{Lanes, BLOCK, PANEL};

/// A matrix whose rows are the `k` jet components of each of `points` points, stored in strips
/// of [`BLOCK`] points: in strip `s`, component `c` of column `q` is one lane vector (one value
/// per point) at `(s·stride + q)·k + c`. The `stride` pads the columns to whole panels of
/// eight, with zeros, so that a tile of the kernel reads its columns as one piece of a strip.
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
    pub(super) data: Vec<Lanes>,
}

/// The columns of the widest tile of the kernel.
const TILE: usize = 4;

/// The bytes of the columns of `A` that the kernel pairs with each tile of `B` in turn: a
/// fraction of a typical L2, which also holds the stream of `B` and the writes of `C`.
pub(super) const CACHE_BLOCK_BYTES: usize = 128 * 1024;

impl Strips {
    /// Allocates a zero matrix of `points × k` rows and `cols` columns.
    pub(crate) fn new(points: usize, k: usize, cols: usize) -> Self {
        // Whole panels, so that [`Strips::copy_into`] transposes every one in registers.
        let stride = cols.next_multiple_of(PANEL);
        Self {
            points,
            k,
            cols,
            stride,
            data: vec![[0.0; BLOCK]; points.div_ceil(BLOCK) * stride * k],
        }
    }

    pub(crate) fn points(&self) -> usize {
        self.points
    }

    pub(crate) fn cols(&self) -> usize {
        self.cols
    }

    /// Returns the lane vectors of strip `s`: column `q`'s component `c` at `q·k + c`.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(crate) fn strip_mut(&mut self, s: usize) -> &mut [Lanes] {
        let len = self.stride * self.k;
        &mut self.data[s * len..(s + 1) * len]
    }

    /// Returns the row of component `c` of point `i`.
    #[inline]
    fn at(&self, i: usize, q: usize, c: usize) -> (usize, usize) {
        debug_assert!(i < self.points && q < self.cols && c < self.k);
        (((i / BLOCK) * self.stride + q) * self.k + c, i % BLOCK)
    }

    /// Returns entry `(i, q)` of a matrix of one row per point (for the kernels' tests; the
    /// engine reads whole matrices by [`Strips::copy_to_columns`]).
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
        if first == 0 || s >= self.points.div_ceil(BLOCK) {
            return;
        }
        for lanes in self.strip_mut(s) {
            lanes[first..].fill(0.0);
        }
    }

    /// Copies the rows of the first `points` points into `panels` (of as many rows and
    /// columns), a strip and a panel at a time by [`Panels::set_panel`]'s transposes.
    pub(crate) fn copy_into(&self, points: usize, panels: &mut Panels) {
        debug_assert!(panels.rows() >= points * self.k && panels.cols() == self.cols);
        Arch::new().dispatch(CopyInto {
            strips: self,
            points,
            panels,
        });
    }

    /// Writes the matrix of one row per point (`k = 1`) into `out`, column-major
    /// (`points × cols`): within a strip a column's lane vector is its next `BLOCK` entries.
    pub(crate) fn copy_to_columns(&self, out: &mut [f64]) {
        debug_assert!(self.k == 1 && out.len() == self.points * self.cols);
        let n = self.points;
        for (s, strip) in self.data.chunks_exact(self.stride).enumerate() {
            let (first, lanes) = (s * BLOCK, (n - s * BLOCK).min(BLOCK));
            for (column, values) in out.chunks_exact_mut(n).zip(strip) {
                column[first..first + lanes].copy_from_slice(&values[..lanes]);
            }
        }
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
        let (k, width) = (strips.k, strips.stride * strips.k);
        let used = strips.cols.div_ceil(PANEL) * PANEL * k;
        for (s, strip) in strips.data.chunks_exact(width).enumerate() {
            let first = s * BLOCK;
            if first >= points {
                break;
            }
            let lanes = (points - first).min(BLOCK);
            for (t, columns) in strip[..used].chunks_exact(PANEL * k).enumerate() {
                panels.set_panel(t, (first, lanes), k, columns);
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
        let cols = a.cols;
        if cols == 0 {
            return;
        }
        // A tile of columns at a time: four independent sums in flight, each over the strips
        // (the padding to whole tiles is zero).
        for q0 in (0..cols).step_by(TILE) {
            let mut acc = [[0.0; BLOCK]; TILE];
            for (s, strip) in a.data.chunks_exact(a.stride).enumerate() {
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
                    let column = &strip[q0 + j];
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
