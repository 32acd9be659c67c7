//! The recording of a [`Block`] of points: for each point, what [`Curvature::record`] writes
//! for it, from the block's vectors (each entry one per point, written down a column of the
//! stacked factors).

use super::super::block::{times, Block, Lanes, BLOCK};
use super::super::gram::Panels;
use super::super::jet::Jet;
use super::{folded, share, summed, Curvature};

impl<J: Jet> Curvature<J> {
    /// Returns whether the sweep may record [`Block`]s: the jets are plain numbers and every
    /// layer [`share`]s its tangents (two hidden layers), so a point's factors are its rows of
    /// the shared products alone.
    pub(crate) fn records_blocks(&self) -> bool {
        J::K == 1 && (1..=self.layout.depth()).all(share)
    }

    /// Records the points `first .. first + block.lanes` of `points`, with weights `scale`,
    /// from the block after its forward and backward passes. As [`Curvature::record`], the
    /// sweep records the blocks in order; chunks hold whole blocks, so a block ends a chunk or
    /// lies inside one.
    pub(crate) fn record_block(
        &mut self,
        first: usize,
        points: usize,
        scale: &Lanes,
        block: &Block,
    ) {
        debug_assert!(self.records_blocks());
        let lanes = block.lanes;
        if first == 0 {
            self.output.fill(0.0);
        }
        let slot = first % self.chunk;
        debug_assert!(slot + lanes <= self.chunk);
        for l in 1..=self.layout.depth() {
            self.record_shared_block(l, (first, slot), points, scale, block);
        }
        let last = first + lanes - 1;
        if (last + 1).is_multiple_of(self.chunk) || last + 1 == points {
            self.flush(slot + lanes, last < self.chunk);
        }
    }

    /// [`Curvature::record_shared`] for every point of the block, in the same order and with
    /// the same roundings.
    fn record_shared_block(
        &mut self,
        l: usize,
        (first, slot): (usize, usize),
        points: usize,
        scale: &Lanes,
        block: &Block,
    ) {
        let layout = &self.layout;
        let (width, below, lanes) = (layout.width(l), layout.width(l - 1), block.lanes);
        let one = [1.0; BLOCK];
        let z = &block.z[l - 1];
        let tilde = |a: usize| if a < below { &z[a] } else { &one };
        let mut row = Columns::new(&mut self.lane_columns);
        for a in 0..=below {
            row.push(tilde(a));
        }
        if l == 2 {
            for s in &block.s1[1] {
                for x in &block.z[0] {
                    row.push(&times(s, x));
                }
            }
            for s in &block.s1[1] {
                row.push(s);
            }
        }
        row.store(&mut self.spread[l], slot, lanes);
        let mut row = Columns::new(&mut self.lane_columns);
        for k in 0..width {
            let dual = times(&times(&block.adj_z[l][k], &block.s2[l][k]), scale);
            if summed(l) {
                self.kappa[l][k * points + first..][..lanes].copy_from_slice(&dual[..lanes]);
            }
            for a in 0..=below {
                row.push(&times(&dual, tilde(a)));
            }
        }
        if l == layout.depth() {
            let adj_s = times(scale, &block.adj_s);
            for s1 in &block.s1[l] {
                row.push(&times(&adj_s, s1));
            }
        }
        // Two layers, so the affine term of layer 2 is folded into its product, and layer 1
        // records no tangents.
        debug_assert!(l == layout.depth() || folded(l + 1));
        if folded(l) {
            for adj_h in &block.adj_h[l] {
                row.push(&times(scale, adj_h));
            }
        }
        row.store(&mut self.gather[l], slot, lanes);
        for k in 0..width {
            let adj_h = times(scale, &block.adj_h[l][k]);
            for (q, (adj_h, s1)) in adj_h.iter().zip(&block.s1[l][k]).enumerate().take(lanes) {
                let at = (first + q) * width + k;
                self.adj_h[l][at] = J::constant(*adj_h);
                self.s1[l][at] = J::constant(*s1);
            }
        }
        if summed(l) {
            let n = layout.width(l - 2);
            let inputs = &mut self.inputs[l][first * n..(first + lanes) * n];
            for (q, point) in inputs.chunks_exact_mut(n).enumerate() {
                for (t, x) in point.iter_mut().zip(&block.z[l - 2]) {
                    *t = J::constant(x[q]);
                }
            }
        }
    }
}

/// The block's rows of a stacked factor, gathered column by column from column 0 and then
/// stored row by row ([`Panels::set_block`]).
struct Columns<'a> {
    values: &'a mut [Lanes],
    len: usize,
}

impl<'a> Columns<'a> {
    fn new(values: &'a mut [Lanes]) -> Self {
        Self { values, len: 0 }
    }

    /// Appends the next column, one value per point.
    #[inline]
    fn push(&mut self, values: &Lanes) {
        self.values[self.len] = *values;
        self.len += 1;
    }

    /// Stores the columns as rows `first .. first + lanes` of `panels`.
    fn store(&self, panels: &mut Panels, first: usize, lanes: usize) {
        panels.set_block(first, &self.values[..self.len], lanes);
    }
}
