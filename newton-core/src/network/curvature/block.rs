//! The recording of a [`Block`] of points: for each point, what [`Curvature::record`] writes
//! for it, from the block's vectors (each entry one per point, written down a column of the
//! stacked factors).

use super::super::block::{add_scaled, times, Block, Lanes, BLOCK};
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
        theta: &[f64],
        (first, points): (usize, usize),
        scale: &Lanes,
        block: &Block,
    ) {
        debug_assert!(self.records_blocks());
        let lanes = block.lanes;
        if first == 0 {
            self.output.fill(0.0);
            self.in_blocks = true;
            self.weigh_pairs(theta);
        }
        let slot = first % self.chunk;
        debug_assert!(slot + lanes <= self.chunk);
        for l in 1..=self.layout.depth() {
            self.record_shared_block(l, slot, scale, block);
            if summed(l) {
                self.record_previous_layer(l, first, scale, block);
            }
        }
        let last = first + lanes - 1;
        if (last + 1).is_multiple_of(self.chunk) || last + 1 == points {
            self.flush(slot + lanes, last < self.chunk);
        }
    }

    /// Writes [`Curvature::pair_weights`] for the parameters `theta` of this evaluation.
    fn weigh_pairs(&mut self, theta: &[f64]) {
        let layout = &self.layout;
        for (l, weights) in self.pair_weights.iter_mut().enumerate() {
            let width = if weights.is_empty() {
                0
            } else {
                layout.width(l)
            };
            for (w, &(j, jp)) in weights
                .chunks_exact_mut(width.max(1))
                .zip(&self.pair_index[l])
            {
                for (k, w) in w.iter_mut().enumerate() {
                    *w = theta[layout.weight(l, k, j)] * theta[layout.weight(l, k, jp)];
                }
            }
        }
    }

    /// The rows of the block's points in the products of [`Curvature::previous_layer`]: the
    /// squares `Z̃ₐZ̃_b` of the inputs of layer `l − 1` and the duals
    /// `νⱼⱼ′ = (Σₖ AₖⱼAₖⱼ′κₖ) sⱼsⱼ′`, formed here a block at a time rather than point by point
    /// when the Hessian is assembled.
    fn record_previous_layer(&mut self, l: usize, first: usize, scale: &Lanes, block: &Block) {
        let lanes = block.lanes;
        let one = [1.0; BLOCK];
        let z = &block.z[l - 2];
        let input = |a: usize| if a < z.len() { &z[a] } else { &one };
        let mut row = Columns::new(&mut self.lane_columns);
        for &(a, b) in &self.square_index[l] {
            row.push(&times(input(a), input(b)));
        }
        row.store(&mut self.squares[l], first, lanes);
        let width = self.layout.width(l);
        let kappa = &mut self.lane_kappa[..width];
        for (k, kappa) in kappa.iter_mut().enumerate() {
            *kappa = times(&times(&block.adj_z[l][k], &block.s2[l][k]), scale);
        }
        let mut row = Columns::new(&mut self.lane_columns);
        let pairs = self.pair_index[l]
            .iter()
            .zip(self.pair_weights[l].chunks_exact(width));
        for (&(j, jp), weights) in pairs {
            let mut mu = [0.0; BLOCK];
            for (&w, kappa) in weights.iter().zip(&*kappa) {
                add_scaled(&mut mu, w, kappa);
            }
            let s = times(&block.s1[l - 1][j], &block.s1[l - 1][jp]);
            row.push(&times(&mu, &s));
        }
        row.store(&mut self.duals[l], first, lanes);
    }

    /// The rows of the block's points in the products `GᵀB` of a layer that [`share`]s its
    /// tangents ([`Curvature::record_shared`] for each point, with the same roundings).
    fn record_shared_block(&mut self, l: usize, slot: usize, scale: &Lanes, block: &Block) {
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
