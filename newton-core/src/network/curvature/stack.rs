//! Stacking jets into the factors of the products, and finding where a product's entries land
//! in the Hessian: the bookkeeping every part of the second-order term shares.

use core::marker::PhantomData;

use super::super::jet::Jet;
use super::super::kernels::strips::StripMut;
use super::super::kernels::{Lanes, Panels, Strips, BLOCK, PANEL};
use super::super::model::Layout;

/// Returns the index of the entry of parameters `a` and `b` (in either order) in the upper
/// triangle of a column-major `p × p` matrix.
#[inline]
pub(super) fn upper(a: usize, b: usize, p: usize) -> usize {
    a.max(b) * p + a.min(b)
}

/// The entry of the Hessian of two parameters, as its index in the upper triangle of the
/// column-major `p × p` Hessian, worked out once with the table of targets that holds it (per
/// entry and evaluation, the index costs several times the addition it serves).
#[derive(Clone, Copy, Debug)]
pub(super) struct Entry(usize);

impl Entry {
    pub(super) fn new(a: usize, b: usize, p: usize) -> Self {
        Self(upper(a, b, p))
    }

    /// Returns its index in the Hessian.
    #[inline]
    pub(super) fn at(self) -> usize {
        self.0
    }
}

/// Returns the parameter at column `c` of the support of neuron `(l, k)`: row `k` of `Aˡ`, then
/// `bˡₖ`, then every parameter below layer `l` in order.
pub(super) fn parameter(layout: &Layout, l: usize, k: usize, c: usize) -> usize {
    let w = layout.width(l - 1);
    match c.cmp(&w) {
        core::cmp::Ordering::Less => layout.weight(l, k, c),
        core::cmp::Ordering::Equal => layout.bias(l, k),
        core::cmp::Ordering::Greater => c - w - 1,
    }
}

/// A matrix of stacked jets, `K` rows per point: [`Panels`] or [`Strips`].
pub(super) trait JetRows {
    /// Writes `jet` into column `q` of point `i`'s rows.
    fn put<J: Jet>(&mut self, i: usize, q: usize, jet: &J);
}

impl JetRows for Panels {
    #[inline]
    fn put<J: Jet>(&mut self, i: usize, q: usize, jet: &J) {
        put_jet(self.block_mut(i, J::K, q / PANEL), q % PANEL, jet);
    }
}

impl JetRows for Strips {
    #[inline]
    fn put<J: Jet>(&mut self, i: usize, q: usize, jet: &J) {
        self.put_jet(i, q, jet);
    }
}

/// A point's row of stacked jets, written column by column from column 0.
pub(super) struct Row<'a, M: JetRows> {
    rows: &'a mut M,
    point: usize,
    column: usize,
}

impl<'a, M: JetRows> Row<'a, M> {
    pub(super) fn new(rows: &'a mut M, point: usize) -> Self {
        Self {
            rows,
            point,
            column: 0,
        }
    }

    /// Writes `jet` into the next column.
    #[inline]
    pub(super) fn push<J: Jet>(&mut self, jet: &J) {
        self.rows.put(self.point, self.column, jet);
        self.column += 1;
    }
}

/// The lane jets of a block's points, written column by column from column 0 into its strip of
/// a stacked factor, as the products read them: no buffer and no transposes.
pub(super) struct Columns<'a, J: Jet> {
    strip: StripMut<'a>,
    column: usize,
    marker: PhantomData<J>,
}

impl<'a, J: Jet> Columns<'a, J> {
    /// Starts the strip of the block of points from `first` (a multiple of [`BLOCK`]).
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(super) fn new(strips: &'a mut Strips, first: usize) -> Self {
        debug_assert!(first.is_multiple_of(BLOCK));
        Self {
            strip: strips.strip_mut(first / BLOCK),
            column: 0,
            marker: PhantomData,
        }
    }

    /// Returns the next column, to be written.
    #[expect(
        clippy::inline_always,
        reason = "called once per column and point block"
    )]
    #[inline(always)]
    pub(super) fn next(&mut self) -> &mut [Lanes] {
        self.column += 1;
        self.strip.column(self.column - 1)
    }
}

/// Returns the lane jet of neuron `k` in a block's `layer` (`K` lanes per neuron).
#[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
#[inline(always)]
pub(super) fn lane_jet<J: Jet>(layer: &[Lanes], k: usize) -> &[Lanes] {
    &layer[k * J::K..(k + 1) * J::K]
}

/// Returns the lane jets `Z̃ₐ` of the neurons of a block's `layer` with the constant `one`
/// appended (the inputs of the next layer and the `1` of its biases).
pub(super) fn extended<'a, J: Jet>(
    layer: &'a [Lanes],
    one: &'a [Lanes],
) -> impl Fn(usize) -> &'a [Lanes] {
    let n = layer.len() / J::K;
    move |a| {
        if a < n {
            lane_jet::<J>(layer, a)
        } else {
            one
        }
    }
}

/// Writes `jet` into column `c` of a block of `K` rows.
#[inline]
pub(super) fn put_jet<J: Jet>(block: &mut [f64], c: usize, jet: &J) {
    for k in 0..J::K {
        block[k * PANEL + c] = jet.get(k);
    }
}
