//! The plan of a loss: how the second-order term of its Hessian is formed, worked out once from
//! the layout, the jet and the point count when the workspace is allocated, and read by every
//! evaluation.
//!
//! The second-order term `Σᵢ sᵢ ∇²_θ⟨ρᵢ, Uᵢ⟩` is a sum of blocks per layer (see
//! [`point`](super::passes::point)), and each is a sum over the points. Every block can be
//! formed as a product per neuron of stacked per-point factors; some layers need less, and the
//! plan says which, layer by layer ([`LayerPlan`]):
//! - **shared tangents.** In the first layer, and in the second when the block of the
//!   parameters of layer 1 is summed over its neurons first, the tangents of every neuron
//!   `Hˡₖ` are the same up to its weights, so the activation and output blocks of all neurons
//!   are one product `GᵀB` of every neuron's duals `G` with the shared tangents `B`;
//! - **the previous layer summed.** Above the first layer, the block of the parameters of layer
//!   `l − 1` in the activations of layer `l` sums over the neurons of layer `l` before the
//!   points, one product of `Wₗ₋₁²/2` duals with `(Wₗ₋₂ + 1)²/2` squares of inputs instead of
//!   `Wₗ` products of the whole support. Alone it saves little where layer `l − 1` sees one
//!   input, but it lets layer 2 share its tangents, which is what makes one-input networks fast;
//! - **the affine term folded.** In the second layer, the affine term (`A²` against the
//!   parameters of layer 1) is a few more columns of the shared product, rather than a product
//!   per neuron of layer 1 with per-point duals;
//! - **the first layer joined above.** Where layer 2 sums the block of layer 1, the activation
//!   block of neuron `j` of layer 1, `Σᵢ ⟨κᵢⱼ, x̃ₐx̃_b⟩`, lands on the entries of the pair
//!   `(j, j)` of that product, over the same squares of inputs: its dual is added to `νⱼⱼ`, and
//!   layer 1 forms no product of its own.
//!
//! - **the first layer reached from the third.** In a network of three hidden layers, the third
//!   shares its tangents on its own row and on the parameters of layer 2 (as layer 2 does on
//!   those of layer 1), and its blocks against the parameters of layer 1 are a few products
//!   more ([`crosses`](LayerPlan::crosses), formed in the private `curvature::deep`).
//!
//! With two or three hidden layers nothing is left but those products, so the points can run
//! a block at a time ([`Plan::sweeps_blocks`]); deeper networks, and jets the block pass does
//! not know, go point by point, each neuron above the second forming its own products.

use super::jet::{inputs, Jet};
use super::kernels::lane_jets::MAX_K;
use super::kernels::{BLOCK, PANEL};
use super::model::Layout;

/// The bytes of activation factors one chunk may hold, about a quarter of a typical L2.
const CHUNK_BYTES: usize = 512 * 1024;
/// The rows of a chunk's products, at least (to amortise the accumulation).
const CHUNK_ROWS: usize = 32;
/// The points of a chunk, at most.
const CHUNK_POINTS: usize = 128;
/// The rows of a chunk's products, at least, where a layer forms a product per neuron: each
/// product's sums (`m × S` per neuron, megabytes over a layer at `W = 24`) are read and
/// written at every flush, which costs more than factors that spill from L2 once.
const FACTORED_CHUNK_ROWS: usize = 256;

/// Returns the rows per point of the factored form's `Λ` and `β` in `curvature::deep`: the
/// value and the `D` first derivatives (the form's moment row is stacked apart).
pub(crate) const fn form_rows<J: Jet>() -> usize {
    match inputs(J::K) {
        Some(d) => 1 + d,
        None => J::K,
    }
}

/// How the second-order blocks of one hidden layer are formed (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "four independent yes-or-no choices about one layer's products, not states"
)]
pub(crate) struct LayerPlan {
    /// The activation and output blocks are one product `GᵀB` over tangents that every neuron
    /// shares up to its weights.
    pub(crate) shares: bool,
    /// The block of the parameters of layer `l − 1` sums over this layer's neurons first.
    pub(crate) sums_previous: bool,
    /// The affine term of this layer is part of its shared product.
    pub(crate) folds_affine: bool,
    /// The activation block of this layer is part of the summed product of the layer above.
    pub(crate) joins_above: bool,
    /// The third layer of three, whose blocks against the parameters of layer 1 are the cross
    /// products of `curvature::deep`.
    pub(crate) crosses: bool,
}

impl LayerPlan {
    /// The plan of hidden layer `l` of `depth` (`0` is the feature layer, which has no blocks),
    /// for jets the block pass knows (`in_blocks`) or not.
    fn of(l: usize, depth: usize, in_blocks: bool) -> Self {
        let sums_previous = l >= 2;
        let crosses = l == 3 && depth == 3 && in_blocks;
        // Layer 2 shares only when the block of layer 1 comes from the summed product; layer 3
        // when the cross products reach layer 1.
        let shares = l == 1 || (l == 2 && sums_previous) || crosses;
        Self {
            shares,
            sums_previous,
            folds_affine: l >= 2 && shares,
            joins_above: l == 1 && depth >= 2,
            crosses,
        }
    }
}

/// How a loss forms its Hessian: the layer plans, the chunk of points between products, and
/// whether the points run a block at a time.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(crate) layout: Layout,
    /// Index `l` for `l = 0 ..= L` (entry 0 is the feature layer's, all `false`).
    layers: Vec<LayerPlan>,
    /// Points per chunk of the stacked activation factors (a multiple of [`BLOCK`] or all
    /// points), so that a chunk stays in L2 between being written and being read.
    pub(crate) chunk: usize,
    /// Whether the jets have the shape the block pass knows and every layer shares its tangents.
    blocks: bool,
}

impl Plan {
    /// Works out the plan of a loss over `points` points with jets `J` and rows per point
    /// `rank` in the activation factors.
    pub(crate) fn new<J: Jet>(layout: &Layout, points: usize, rank: usize) -> Self {
        let depth = layout.depth();
        let known = J::K <= MAX_K && inputs(J::K).is_some();
        let layers: Vec<LayerPlan> = (0..=depth)
            .map(|l| LayerPlan::of(l, depth, known))
            .collect();
        let blocks = known && layers[1..].iter().all(|p| p.shares);
        let mut plan = Self {
            layout: layout.clone(),
            layers,
            chunk: 0,
            blocks,
        };
        plan.chunk = plan.chunk_points::<J>(points, rank);
        plan
    }

    /// The points per chunk: as many as [`CHUNK_BYTES`] of stacked factors hold, in chunks of
    /// about equal size (a last chunk of a few points would cost a whole accumulation of the
    /// products) and whole blocks (a block of points never straddles two chunks).
    fn chunk_points<J: Jet>(&self, points: usize, rank: usize) -> usize {
        let panels = |n: usize| n.div_ceil(PANEL) * PANEL;
        // The bytes per point: `R` and `Λ` (`rank` rows per point) of the layers that do not
        // share their tangents, `G` and `B` (`K` rows) of those that do.
        let per_point = (1..=self.depth())
            .map(|l| {
                if self.shares(l) {
                    // Strips padded to whole panels.
                    let (g, b) = self.shared_columns(l);
                    J::K * (panels(g) + panels(b))
                } else {
                    // `Λ` only on the columns of the partial product.
                    let columns = panels(self.support(l)) + panels(self.factored(l));
                    rank * self.layout.width(l) * columns
                }
            })
            .sum::<usize>()
            // The cross products of a third layer (its factored form runs over longer runs of
            // points, apart from the chunk).
            + if self.crosses(3) {
                J::K * self
                    .cross_columns()
                    .iter()
                    .map(|&n| panels(n))
                    .sum::<usize>()
            } else {
                0
            };
        let per_point = per_point * 8;
        // At least a block of points, whatever the bytes: the block sweep writes a block's
        // strip at once.
        let rows = if (1..=self.depth()).all(|l| self.shares(l)) {
            CHUNK_ROWS
        } else {
            FACTORED_CHUNK_ROWS
        };
        let fewest = (rows / rank).max(BLOCK);
        let most = (CHUNK_BYTES / per_point.max(1)).clamp(fewest, CHUNK_POINTS.max(fewest));
        let chunk = points.max(1).div_ceil(points.max(1).div_ceil(most));
        chunk.next_multiple_of(BLOCK).min(points.max(1))
    }

    /// Returns the number of hidden layers `L`.
    pub(crate) fn depth(&self) -> usize {
        self.layout.depth()
    }

    /// Returns whether layer `l` shares its tangents ([`LayerPlan::shares`]).
    pub(crate) fn shares(&self, l: usize) -> bool {
        self.layers.get(l).is_some_and(|p| p.shares)
    }

    /// Returns whether layer `l` sums the block of layer `l − 1` first
    /// ([`LayerPlan::sums_previous`]).
    pub(crate) fn sums_previous(&self, l: usize) -> bool {
        self.layers.get(l).is_some_and(|p| p.sums_previous)
    }

    /// Returns whether the affine term of layer `l` is folded into its shared product
    /// ([`LayerPlan::folds_affine`]).
    pub(crate) fn folds_affine(&self, l: usize) -> bool {
        self.layers.get(l).is_some_and(|p| p.folds_affine)
    }

    /// Returns whether the activation block of layer `l` is part of the summed product of
    /// layer `l + 1` ([`LayerPlan::joins_above`]); such a layer shares its tangents but stacks
    /// no factors of its own.
    pub(crate) fn joins_above(&self, l: usize) -> bool {
        self.layers.get(l).is_some_and(|p| p.joins_above)
    }

    /// Returns whether layer `l` forms the cross products of a third layer of three
    /// ([`LayerPlan::crosses`]).
    pub(crate) fn crosses(&self, l: usize) -> bool {
        self.layers.get(l).is_some_and(|p| p.crosses)
    }

    /// Returns the columns per point of the cross products of a network of three layers, as
    /// `curvature::deep` stacks them: the duals `ξ` and the squares `x̃·Z̃¹` of the block of
    /// layers 1 and 2, then per neuron of layer 3 its duals `κ ⊳ Z̃²` and `ω` and its tangents
    /// on the parameters of layer 1.
    pub(crate) fn cross_columns(&self) -> [usize; 4] {
        let layout = &self.layout;
        let (features, first, second, third) = (
            layout.width(0),
            layout.width(1),
            layout.width(2),
            layout.width(3),
        );
        [
            second * first,
            (features + 1) * (first + 1),
            third * (second + 1 + layout.outputs()),
            third * layout.offset(2),
        ]
    }

    /// Returns the columns of the third layer's block against the parameters of layer 2 (of
    /// three), in the factored form of `curvature::deep`: the duals `Λ` of every neuron's own
    /// row and the tangents `β` they share ([`form_rows`] rows per point), then the values
    /// `Z̃²ₐ` and the moments `mₖ(β)` (one row per point; none for value jets, whose form has
    /// no moments).
    pub(crate) fn split_columns<J: Jet>(&self) -> [usize; 4] {
        let layout = &self.layout;
        let (own, below, third) = (layout.width(2) + 1, self.below(3), layout.width(3));
        let moments = if J::K > 1 { third * below } else { 0 };
        [third * own, below, own, moments]
    }

    /// Returns whether the tangents of the neurons of layer `l` are stacked for the affine term
    /// of layer `l + 1`: unless `l` is the top layer or the term above is folded.
    pub(crate) fn keeps_tangents(&self, l: usize) -> bool {
        l > 0 && l < self.depth() && !self.folds_affine(l + 1)
    }

    /// Returns whether the sweeps run [`BLOCK`] points at a time: the one place where the pass
    /// is chosen.
    pub(crate) fn sweeps_blocks(&self) -> bool {
        self.blocks
    }

    /// Returns the layers whose tangents the point pass must fill: all but a top layer that
    /// shares them.
    pub(crate) fn tangent_layers(&self) -> usize {
        let depth = self.depth();
        if self.shares(depth) {
            depth - 1
        } else {
            depth
        }
    }

    /// Returns the support of a neuron of layer `l`: row `k` of `Aˡ`, `bˡₖ` and every parameter
    /// below layer `l`.
    pub(crate) fn support(&self, l: usize) -> usize {
        self.layout.width(l - 1) + 1 + self.layout.offset(l)
    }

    /// Returns the columns of `G` and `B` of a layer that shares its tangents (none where it
    /// joins the layer above): in `G` the duals `κₖ ⊳ Z̃ₐ`, then for the top layer `ωₒₖ`
    /// output by output, then where the affine term is folded `sH̄ₖ`, then where the layer
    /// above crosses to this one's parameters its affine duals `sH̄ˡ⁺¹ₖ ⊳ σ′(Hˡⱼ)`; in `B` the
    /// inputs and `1`, then for `l ≥ 2` the tangents of `Zˡ⁻¹` on the parameters of layer
    /// `l − 1`.
    pub(crate) fn shared_columns(&self, l: usize) -> (usize, usize) {
        if self.joins_above(l) {
            return (0, 0);
        }
        let layout = &self.layout;
        let (width, own) = (layout.width(l), layout.width(l - 1) + 1);
        let top = if l == layout.depth() {
            layout.outputs() * width
        } else {
            0
        };
        let affine = if self.folds_affine(l) { width } else { 0 };
        (
            width * own + top + affine + self.affine_above(l),
            own + self.below(l),
        )
    }

    /// Returns the parameters of layer `l − 1` (none for the first layer): the columns of `B`
    /// past a sharing layer's own.
    pub(crate) fn below(&self, l: usize) -> usize {
        let layout = &self.layout;
        if l >= 2 {
            layout.offset(l) - layout.offset(l - 1)
        } else {
            0
        }
    }

    /// Returns the columns `sH̄ˡ⁺¹ₖ ⊳ σ′(Hˡⱼ)` of `G` of layer `l` (`Wₗ₊₁·Wₗ`) where the layer
    /// above crosses to the parameters of layer `l − 1`: the affine term of layer `l + 1`
    /// against them, which reach it through `Zˡⱼ`.
    pub(crate) fn affine_above(&self, l: usize) -> usize {
        if self.crosses(l + 1) {
            self.layout.width(l + 1) * self.layout.width(l)
        } else {
            0
        }
    }

    /// Returns the columns of the support of a neuron of layer `l` whose activation block is a
    /// product of stacked factors: all but those of the parameters of layer `l − 1` (which come
    /// last) when the previous layer is summed, all of them otherwise.
    pub(crate) fn factored(&self, l: usize) -> usize {
        let layout = &self.layout;
        if self.sums_previous(l) {
            layout.width(l - 1) + 1 + layout.offset(l - 1)
        } else {
            self.support(l)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{Activation, Architecture, Embedding, Jet2In1};

    fn plan(widths: &[usize], points: usize) -> Plan {
        let arch = Architecture {
            inputs: 1,
            embedding: Embedding::Identity,
            widths: widths.to_vec(),
            activation: Activation::Tanh,
            output_bias: false,
            outputs: 1,
        };
        Plan::new::<Jet2In1>(&Layout::new(&arch), points, 3)
    }

    /// Two layers share, fold and sum, and so do three, whose top layer crosses to the first:
    /// both run in blocks. A fourth layer does not share, and the network goes point by point;
    /// so do three layers over jets the block pass does not know.
    #[test]
    fn two_and_three_layers_run_in_blocks_and_four_point_by_point() {
        let two = plan(&[4, 4], 100);
        assert!(two.sweeps_blocks());
        assert!(two.shares(1) && two.shares(2) && two.folds_affine(2));
        assert!(two.joins_above(1) && two.shared_columns(1) == (0, 0));
        assert!(!two.crosses(2) && two.affine_above(1) == 0);
        assert_eq!(two.tangent_layers(), 1);
        let three = plan(&[4, 5, 3], 100);
        assert!(three.sweeps_blocks());
        assert!(three.shares(3) && three.folds_affine(3) && three.crosses(3));
        assert_eq!(three.affine_above(2), 3 * 5);
        assert_eq!(three.below(3), 5 * 4 + 5);
        assert!(!three.keeps_tangents(1) && !three.keeps_tangents(2));
        let four = plan(&[4, 4, 4, 4], 100);
        assert!(!four.sweeps_blocks());
        assert!(!four.shares(3) && !four.crosses(3) && four.sums_previous(3));
        assert!(
            four.keeps_tangents(2),
            "layer 3 does not fold its affine term"
        );
        assert_eq!(four.tangent_layers(), 4);
        let layout = plan(&[4, 4, 4], 1).layout;
        let unknown = Plan::new::<crate::network::Jet2<4, 15>>(&layout, 100, 15);
        assert!(!unknown.sweeps_blocks() && !unknown.shares(3) && !unknown.crosses(3));
    }

    /// Chunks hold whole blocks of points, no more than all of them.
    #[test]
    fn chunks_hold_whole_blocks() {
        for points in [1, 7, 8, 9, 100, 1000, 5000] {
            for widths in [&[4, 4][..], &[32, 32], &[3, 5, 2]] {
                let chunk = plan(widths, points).chunk;
                assert!(
                    chunk == points || chunk.is_multiple_of(BLOCK),
                    "{points} {widths:?}"
                );
                assert!((1..=points).contains(&chunk));
            }
        }
    }
}
