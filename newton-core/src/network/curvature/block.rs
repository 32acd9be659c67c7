//! The recording of a [`Block`] of points: for each point, what [`Curvature::record`] writes
//! for it, computed from the block's lane jets for all its points at once and stored as they
//! are, a lane vector per column of the block's strip of each stacked factor ([`Columns`]).

use core::marker::PhantomData;

use super::super::jet::{inputs, Jet};
use super::super::kernels::lane_jets::{self as jets, MAX_K};
use super::super::kernels::{Lanes, Strips, BLOCK};
use super::super::passes::block::Block;
use super::{folded, share, summed, Curvature};

impl<J: Jet> Curvature<J> {
    /// Returns whether the sweep may record [`Block`]s: every layer [`share`]s its tangents
    /// (two hidden layers), so a point's factors are its rows of the shared products alone,
    /// and the jets have the shape of [`Jet2`](super::super::Jet2)'s.
    pub(crate) fn records_blocks(&self) -> bool {
        J::K <= MAX_K && inputs(J::K).is_some() && (1..=self.layout.depth()).all(share)
    }

    /// Records the points `first .. first + block.lanes` of `points`, with weights `scale`,
    /// from the block after its forward and backward passes. As [`Curvature::record`], the
    /// sweep records the blocks in order; chunks hold whole blocks, so a block ends a chunk or
    /// lies inside one.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(crate) fn record_block(
        &mut self,
        theta: &[f64],
        (first, points): (usize, usize),
        scale: &Lanes,
        block: &Block<J>,
    ) {
        debug_assert!(self.records_blocks());
        let lanes = block.lanes;
        if first == 0 {
            self.output.fill(0.0);
            self.in_blocks = true;
            self.weigh_pairs(theta);
        }
        let slot = first % self.chunk;
        // Chunks hold whole blocks (`Curvature::new`); a block across two would overwrite
        // another's strip.
        assert!(
            slot.is_multiple_of(BLOCK) && slot + lanes <= self.chunk,
            "a block of points lies inside one chunk"
        );
        for l in 1..=self.layout.depth() {
            self.record_shared_block(l, slot, scale, block);
            if summed(l) {
                self.record_previous_layer(l, first, block);
            }
        }
        let last = first + lanes - 1;
        if (last + 1).is_multiple_of(self.chunk) || last + 1 == points {
            self.flush(slot + lanes, last < self.chunk);
        }
    }

    /// Writes [`Curvature::pair_weights`] for the parameters `theta` of this evaluation.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    fn weigh_pairs(&mut self, theta: &[f64]) {
        let layout = &self.layout;
        for (l, weights) in self.pair_weights.iter_mut().enumerate() {
            let rows = weights.chunks_exact_mut(layout.width(l));
            for (w, &(j, jp)) in rows.zip(&self.pair_index[l]) {
                for (k, w) in w.iter_mut().enumerate() {
                    *w = theta[layout.weight(l, k, j)] * theta[layout.weight(l, k, jp)];
                }
            }
        }
    }

    /// The rows of the block's points in the products of [`Curvature::previous_layer`]: the
    /// squares `Z̃ₐZ̃_b` of the inputs of layer `l − 1` and the duals
    /// `νⱼⱼ′ = (Σₖ AₖⱼAₖⱼ′κₖ) ⊳ sⱼsⱼ′`, formed here a block at a time rather than point by point
    /// when the Hessian is assembled. The duals `κₖ` are those that
    /// [`Curvature::record_shared_block`] left in `lane_kappa`.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    fn record_previous_layer(&mut self, l: usize, first: usize, block: &Block<J>) {
        let k = J::K;
        let input = extended::<J>(&block.z[l - 2], &self.lane_one);
        let mut row = Columns::<J>::new(&mut self.squares[l], first);
        for &(a, b) in &self.square_index[l] {
            jets::mul::<J>(input(a), input(b), row.next());
        }
        let width = self.layout.width(l);
        let kappa = &self.lane_kappa[..width * k];
        // Temporaries on the heap: as local arrays LLVM splits them into scalars.
        let (t, mu) = self.lane_temp.split_at_mut(k);
        let mu = &mut mu[..k];
        let mut row = Columns::<J>::new(&mut self.duals[l], first);
        let pairs = self.pair_index[l]
            .iter()
            .zip(self.pair_weights[l].chunks_exact(width));
        let s1 = &block.s1[l - 1];
        for (&(j, jp), weights) in pairs {
            jets::combine(mu, 0.0, |n| weights[n], kappa);
            jets::mul::<J>(Block::<J>::jet(s1, j), Block::<J>::jet(s1, jp), t);
            jets::through_product::<J>(mu, t, row.next());
        }
    }

    /// The rows of the block's points in the products `GᵀB` of a layer that [`share`]s its
    /// tangents: what [`Curvature::record_shared`] writes for each point. Leaves the layer's
    /// duals `κₖ` in `lane_kappa`.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    fn record_shared_block(&mut self, l: usize, slot: usize, scale: &Lanes, block: &Block<J>) {
        let layout = &self.layout;
        let (width, below, k) = (layout.width(l), layout.width(l - 1), J::K);
        let tilde = extended::<J>(&block.z[l - 1], &self.lane_one);
        let mut row = Columns::<J>::new(&mut self.spread[l], slot);
        for a in 0..=below {
            row.next().copy_from_slice(tilde(a));
        }
        if l == 2 {
            for s in block.s1[1].chunks_exact(k) {
                for x in block.z[0].chunks_exact(k) {
                    jets::mul::<J>(s, x, row.next());
                }
            }
            for s in block.s1[1].chunks_exact(k) {
                row.next().copy_from_slice(s);
            }
        }
        let mut row = Columns::<J>::new(&mut self.gather[l], slot);
        let t = &mut self.lane_temp[..k];
        let duals = block.adj_z[l]
            .chunks_exact(k)
            .zip(block.s2[l].chunks_exact(k));
        let kappa = self.lane_kappa.chunks_exact_mut(k);
        for ((adj_z, s2), dual) in duals.take(width).zip(kappa) {
            jets::through_product::<J>(adj_z, s2, t);
            jets::scale_lanes(t, scale, dual);
            for a in 0..=below {
                jets::through_product::<J>(dual, tilde(a), row.next());
            }
        }
        if l == layout.depth() {
            jets::scale_lanes(&block.adj_s, scale, t);
            for s1 in block.s1[l].chunks_exact(k) {
                jets::through_product::<J>(t, s1, row.next());
            }
        }
        // Two layers, so the affine term of layer 2 is folded into its product, and layer 1
        // records no tangents.
        debug_assert!(l == layout.depth() || folded(l + 1));
        if folded(l) {
            for adj_h in block.adj_h[l].chunks_exact(k) {
                jets::scale_lanes(adj_h, scale, row.next());
            }
        }
    }
}

/// Returns the lane jets `Z̃ₐ` of the neurons of `layer` with the constant `one` appended (the
/// inputs of the next layer and the `1` of its biases).
fn extended<'a, J: Jet>(layer: &'a [Lanes], one: &'a [Lanes]) -> impl Fn(usize) -> &'a [Lanes] {
    let n = layer.len() / J::K;
    move |a| {
        if a < n {
            Block::<J>::jet(layer, a)
        } else {
            one
        }
    }
}

/// The block's lane jets of a stacked factor, written column by column from column 0 into its
/// strip, as the products read them: no buffer and no transposes.
struct Columns<'a, J: Jet> {
    strip: &'a mut [Lanes],
    column: usize,
    marker: PhantomData<J>,
}

impl<'a, J: Jet> Columns<'a, J> {
    /// Starts the strip of the block of points from `first` (a multiple of [`BLOCK`]).
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    fn new(strips: &'a mut Strips, first: usize) -> Self {
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
    fn next(&mut self) -> &mut [Lanes] {
        let at = self.column * J::K;
        self.column += 1;
        &mut self.strip[at..at + J::K]
    }
}
