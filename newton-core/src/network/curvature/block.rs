//! The recording of a [`Block`] of points: for each point, what [`Curvature::record`] writes
//! for it, computed from the block's lane jets for all its points at once and stored as they
//! are, a lane vector per column of the block's strip of each stacked factor.

use super::super::jet::Jet;
use super::super::kernels::{Lanes, BLOCK};
use super::super::passes::block::Block;
use super::shared::weighted_duals;
use super::Curvature;

/// The lane jets a block's recording needs besides its factors: the constant 1, room for two
/// temporaries, the weighted duals `κₖ` of the last layer recorded, and those of a layer that
/// joins the layer above.
#[derive(Clone, Debug)]
pub(super) struct LaneScratch {
    one: Vec<Lanes>,
    temp: Vec<Lanes>,
    kappa: Vec<Lanes>,
    below: Vec<Lanes>,
}

impl LaneScratch {
    /// Allocates the scratch for jets `J` and layers of at most `widest` neurons.
    pub(super) fn new<J: Jet>(widest: usize) -> Self {
        Self {
            one: (0..J::K)
                .map(|c| [if c == 0 { 1.0 } else { 0.0 }; BLOCK])
                .collect(),
            temp: vec![[0.0; BLOCK]; 2 * J::K],
            kappa: vec![[0.0; BLOCK]; widest * J::K],
            below: vec![[0.0; BLOCK]; widest * J::K],
        }
    }
}

impl<J: Jet> Curvature<J> {
    /// Records the points `first .. first + block.lanes` of `points`, with weights `scale`,
    /// from the block after its forward and backward passes. As [`Curvature::record`], the
    /// sweep records the blocks in order; chunks hold whole blocks, so a block ends a chunk or
    /// lies inside one. Only for a plan that sweeps blocks: every layer shares its tangents.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(crate) fn record_block(
        &mut self,
        theta: &[f64],
        (first, points): (usize, usize),
        scale: &Lanes,
        block: &Block<J>,
    ) {
        debug_assert!(self.plan.sweeps_blocks());
        let (plan, lanes) = (&self.plan, block.lanes);
        if first == 0 {
            self.factored.start();
            self.in_blocks = true;
            self.previous.weigh_pairs(&plan.layout, theta);
            self.deep.weigh(&plan.layout, theta);
        }
        let slot = first % plan.chunk;
        // Chunks hold whole blocks (`Plan::chunk`); a block across two would overwrite
        // another's strip.
        assert!(
            slot.is_multiple_of(BLOCK) && slot + lanes <= plan.chunk,
            "a block of points lies inside one chunk"
        );
        let LaneScratch {
            one,
            temp,
            kappa,
            below,
        } = &mut self.lanes;
        for l in (1..=plan.depth()).filter(|&l| plan.joins_above(l)) {
            let width = plan.layout.width(l);
            weighted_duals((l, width), scale, block, &mut temp[..J::K], below);
        }
        // From the top down: a layer that crosses folds duals into the summed product of the
        // layer below it.
        for l in (1..=plan.depth()).rev().filter(|&l| !plan.joins_above(l)) {
            let width = plan.layout.width(l);
            let scratch = (&one[..], &mut temp[..J::K], &mut kappa[..]);
            self.shared
                .record_block(plan, l, slot, scale, block, scratch);
            if plan.sums_previous(l) {
                let folded: &[Lanes] = if plan.crosses(l + 1) {
                    &self.deep.folded
                } else {
                    &[]
                };
                let duals = (&kappa[..width * J::K], &below[..], folded);
                self.previous
                    .record_block(l, first, block, (one, temp, duals));
            }
            if plan.crosses(l) {
                let below = self.previous.block_duals(l, first);
                let shared = self.shared.block_tangents(plan, l, slot);
                let inputs = (&kappa[..width * J::K], scale, &one[..]);
                self.deep
                    .record_block((first, slot), block, (below, shared), inputs);
            }
        }
        let last = first + lanes - 1;
        if (last + 1).is_multiple_of(plan.chunk) || last + 1 == points {
            self.flush((slot + lanes, last < plan.chunk), (last + 1, points));
        }
    }
}
