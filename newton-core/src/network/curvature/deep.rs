//! The cross products of a network of three hidden layers: the blocks of the third layer's
//! activation and output terms against the parameters of layer 1, which reach it through two
//! layers, formed so that the points can still run a block at a time.
//!
//! On the parameters of layer 1 (neuron `m`, input `c` of `x̃ = [ξ(x), 1]`) the tangent of
//! `H³ₖ` is `gₖₘ σ′(H¹ₘ) x̃_c` with `gₖₘ = Σⱼ A³ₖⱼ A²ⱼₘ σ′(H²ⱼ)`, a jet that mixes every neuron
//! of layer 2; nothing is shared across `k` there, and per neuron the block of layers 1 and 2
//! alone is most of the work. So the activation term `Σₖ ⟨κₖ, T³ₖ T³ₖ⟩` is cut three ways:
//! - **layers 1 and 2**: summed over `k` first, as the previous layer's block is
//!   ([`previous`](super::previous)): with `ν³ⱼⱼ′` the duals of that block,
//!   `Tⱼ′ₘ = Σⱼ ν³ⱼ′ⱼ A²ⱼₘ`, the entry of `(1, m, c)` against `(2, j′, m′)` is
//!   `⟨ξⱼ′ₘ, x̃_c Z̃¹ₘ′⟩` with `ξⱼ′ₘ = Tⱼ′ₘ ⊳ σ′(H¹ₘ)`: one product of `W₂W₁` duals with
//!   `(F + 1)(W₁ + 1)` squares;
//! - **layer 1 with itself**: `(A²ᵀ ν³ A²)ₘₘ′` adds to the duals `μ²ₘₘ′` of layer 2's summed
//!   product, which pairs them with the same squares `x̃_a x̃_b`
//!   ([`Deep::folded`], read by `Previous::record_block`);
//! - **the neuron's own row and layer 1**: one product per neuron `k` of its duals
//!   `κₖ ⊳ Z̃²ₐ` (and the output duals `ωₒₖ`, whose term pairs with the same tangents) with its
//!   tangents `gₖₘ σ′(H¹ₘ) x̃_c`.
//!
//! The rest of the third layer (its own row and the parameters of layer 2) shares its tangents
//! ([`shared`](super::shared)), and the affine term of layer 3 against layer 1 is part of the
//! second layer's shared product.

use super::super::jet::Jet;
use super::super::kernels::lane_jets as jets;
use super::super::kernels::{accumulate_product_of_strips, Lanes, Strips, BLOCK};
use super::super::model::Layout;
use super::super::passes::block::Block;
use super::super::plan::Plan;
use super::runs::{Runs, Term};
use super::stack::{extended, lane_jet, parameter, Columns, Entry};

/// The stacked factors, sums and tables of the cross products (empty unless the plan
/// [`crosses`](Plan::crosses)); factors a chunk of points at a time, as [`Shared`](super::shared)
/// stacks its own.
#[derive(Clone, Debug, Default)]
pub(super) struct Deep {
    /// `A²ⱼₘ` transposed (entry `m·W₂ + j`) and `A³ₖⱼ A²ⱼₘ` (entry `(k·W₁ + m)·W₂ + j`), for
    /// this evaluation's parameters.
    second_transposed: Vec<f64>,
    paths: Vec<f64>,
    /// The duals `ν³ⱼⱼ′` of the block in full (entry `j·W₂ + j′`, `K` lanes each), then
    /// `Tⱼ′ₘ` transposed (entry `m·W₂ + j′`), then room for a lane jet.
    nu: Vec<Lanes>,
    through: Vec<Lanes>,
    temp: Vec<Lanes>,
    /// `(A²ᵀ ν³ A²)ₘₘ′` of the block for the pairs `m ≤ m′` of layer 1, in the order of
    /// layer 2's summed product (column by column), `K` lanes each.
    pub(super) folded: Vec<Lanes>,
    /// The chunk's duals `ξⱼ′ₘ` (column `j′·W₁ + m`) and squares `x̃_c Z̃¹ₘ′` (column
    /// `m′·(F + 1) + c`).
    xi: Strips,
    squares: Strips,
    /// Per neuron `k` of layer 3, the chunk's duals `κₖ ⊳ Z̃²ₐ` then `ωₒₖ`, and tangents on the
    /// parameters of layer 1 (in their order).
    duals: Vec<Strips>,
    tangents: Vec<Strips>,
    /// The products summed over the chunks: `ξ` against the squares (row-major), then each
    /// neuron's (row-major), and where they land.
    sums: Vec<f64>,
    targets: Runs,
}

impl Deep {
    pub(super) fn new<J: Jet>(plan: &Plan, p: usize) -> Self {
        if !plan.crosses(3) {
            return Self::default();
        }
        let (layout, chunk) = (&plan.layout, plan.chunk);
        let (first, second, third) = (layout.width(1), layout.width(2), layout.width(3));
        let [xi, squares, duals, tangents] = plan.cross_columns();
        let (duals, tangents) = (duals / third, tangents / third);
        let targets = cross_targets(layout, p);
        Self {
            second_transposed: vec![0.0; first * second],
            paths: vec![0.0; third * first * second],
            nu: vec![[0.0; BLOCK]; second * second * J::K],
            through: vec![[0.0; BLOCK]; first * second * J::K],
            temp: vec![[0.0; BLOCK]; J::K],
            folded: vec![[0.0; BLOCK]; first * (first + 1) / 2 * J::K],
            xi: Strips::new(chunk, J::K, xi),
            squares: Strips::new(chunk, J::K, squares),
            duals: (0..third)
                .map(|_| Strips::new(chunk, J::K, duals))
                .collect(),
            tangents: (0..third)
                .map(|_| Strips::new(chunk, J::K, tangents))
                .collect(),
            sums: vec![0.0; xi * squares + third * duals * tangents],
            targets: Runs::new(targets),
        }
    }

    /// Writes the weights of this evaluation's parameters `theta`.
    pub(super) fn weigh(&mut self, layout: &Layout, theta: &[f64]) {
        if self.paths.is_empty() {
            return;
        }
        let (first, second, third) = (layout.width(1), layout.width(2), layout.width(3));
        for m in 0..first {
            for j in 0..second {
                self.second_transposed[m * second + j] = theta[layout.weight(2, j, m)];
            }
        }
        for k in 0..third {
            for m in 0..first {
                let at = (k * first + m) * second;
                for (j, w) in self.paths[at..at + second].iter_mut().enumerate() {
                    *w = theta[layout.weight(3, k, j)] * theta[layout.weight(2, j, m)];
                }
            }
        }
    }

    /// Records the block of points in `slot ..` of the chunk: from the duals `ν³` of its
    /// layer-2 block (`nu(j, j′)` for `j ≤ j′`), the weighted duals `kappa` of layer 3, the
    /// weights `scale` and the block's lane jets, its columns of every factor and
    /// [`Deep::folded`]; `one` is the lane jet of 1.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(super) fn record_block<'n, J: Jet>(
        &mut self,
        slot: usize,
        block: &Block<J>,
        (nu, kappa, scale, one): (
            impl Fn(usize, usize) -> &'n [Lanes],
            &[Lanes],
            &Lanes,
            &[Lanes],
        ),
    ) {
        let (layout, k, fused) = (&block.layout, J::K, block.fused);
        let (first, second, third) = (layout.width(1), layout.width(2), layout.width(3));
        for j in 0..second {
            for jp in 0..second {
                let at = (j * second + jp) * k;
                self.nu[at..at + k].copy_from_slice(nu(j.min(jp), j.max(jp)));
            }
        }
        // `Tⱼ′ₘ = Σⱼ ν³ⱼ′ⱼ A²ⱼₘ`, then `ξⱼ′ₘ = Tⱼ′ₘ ⊳ σ′(H¹ₘ)`.
        for m in 0..first {
            let weights = &self.second_transposed[m * second..(m + 1) * second];
            for jp in 0..second {
                let out = &mut self.through[(m * second + jp) * k..][..k];
                jets::combine(
                    out,
                    0.0,
                    weights,
                    &self.nu[jp * second * k..][..second * k],
                    fused,
                );
            }
        }
        let mut row = Columns::<J>::new(&mut self.xi, slot);
        for jp in 0..second {
            for m in 0..first {
                let t = &self.through[(m * second + jp) * k..][..k];
                jets::through_product::<J>(t, lane_jet::<J>(&block.s1[1], m), row.next());
            }
        }
        // `(A²ᵀ ν³ A²)ₘₘ′ = Σⱼ A²ⱼₘ Tⱼₘ′`, pair by pair as layer 2 sums them.
        let mut pairs = self.folded.chunks_exact_mut(k);
        for mp in 0..first {
            let t = &self.through[mp * second * k..][..second * k];
            for m in 0..=mp {
                let weights = &self.second_transposed[m * second..(m + 1) * second];
                let out = pairs.next().expect("a dual per pair");
                jets::combine(out, 0.0, weights, t, fused);
            }
        }
        let inputs = extended::<J>(&block.z[0], one);
        let features = extended::<J>(&block.z[1], one);
        let mut row = Columns::<J>::new(&mut self.squares, slot);
        for mp in 0..=first {
            for c in 0..=layout.width(0) {
                jets::mul::<J>(inputs(c), features(mp), row.next());
            }
        }
        let hidden = extended::<J>(&block.z[2], one);
        for n in 0..third {
            let mut row = Columns::<J>::new(&mut self.duals[n], slot);
            let dual = lane_jet::<J>(kappa, n);
            for a in 0..=second {
                jets::through_product::<J>(dual, hidden(a), row.next());
            }
            for adj_s in block.adj_s.chunks_exact(k) {
                jets::scale_lanes(adj_s, scale, &mut self.temp);
                jets::through_product::<J>(&self.temp, lane_jet::<J>(&block.s1[3], n), row.next());
            }
            // `uₘ = gₙₘ σ′(H¹ₘ)` times each input, then alone for the biases: the order of the
            // parameters of layer 1.
            let mut row = Columns::<J>::new(&mut self.tangents[n], slot);
            let paths = &self.paths[n * first * second..(n + 1) * first * second];
            for (m, weights) in paths.chunks_exact(second).enumerate() {
                jets::combine(&mut self.temp, 0.0, weights, &block.s1[2], fused);
                let u = &mut self.through[m * k..(m + 1) * k];
                jets::mul::<J>(&self.temp, lane_jet::<J>(&block.s1[1], m), u);
                for c in 0..layout.width(0) {
                    jets::mul::<J>(u, inputs(c), row.next());
                }
            }
            for u in self.through[..first * k].chunks_exact(k) {
                row.next().copy_from_slice(u);
            }
        }
    }

    /// Adds the products over the first `points` points of the chunk to the sums; the `first`
    /// chunk writes them instead.
    pub(super) fn flush(&mut self, points: usize, first: bool) {
        if self.paths.is_empty() {
            return;
        }
        let (xi, rest) = self
            .sums
            .split_at_mut(self.xi.cols() * self.squares.cols());
        accumulate_product_of_strips(&self.xi, &self.squares, points, xi, first);
        let per_neuron = rest.len() / self.duals.len().max(1);
        let neurons = self.duals.iter().zip(&self.tangents);
        for ((duals, tangents), sums) in neurons.zip(rest.chunks_exact_mut(per_neuron)) {
            accumulate_product_of_strips(duals, tangents, points, sums, first);
        }
    }

    /// Adds the summed products to the upper triangle of `h`.
    pub(super) fn add(&self, h: &mut [f64]) {
        self.targets.add(&self.sums, &[1.0], h);
    }
}

/// The targets of the cross products of a network of `layout` with `p` parameters, in the
/// order of [`Deep::sums`]: `ξⱼ′ₘ` against `x̃_c Z̃¹ₘ′` on the entry of `(1, m, c)` and
/// `(2, j′, m′)`; then per neuron `k` of layer 3 its duals against its tangents on the
/// parameters of layer 1: `κₖ ⊳ Z̃²ₐ` on the entry of `(3, k, a)`, `ωₒₖ` on that of `cₒₖ`.
fn cross_targets(layout: &Layout, p: usize) -> Vec<Term> {
    let (features, first, second, third) = (
        layout.width(0),
        layout.width(1),
        layout.width(2),
        layout.width(3),
    );
    let squares = (features + 1) * (first + 1);
    let mut targets = Vec::new();
    let mut push = |source: usize, a: usize, b: usize| {
        targets.push(Term {
            source,
            entry: Entry::new(a, b, p).at(),
            weight: 0,
        });
    };
    for jp in 0..second {
        for m in 0..first {
            let row = jp * first + m;
            for mp in 0..=first {
                for c in 0..=features {
                    push(
                        row * squares + mp * (features + 1) + c,
                        parameter(layout, 1, m, c),
                        parameter(layout, 2, jp, mp),
                    );
                }
            }
        }
    }
    let below = layout.offset(2);
    let duals = second + 1 + layout.outputs();
    let mut source = first * second * squares;
    for k in 0..third {
        for a in 0..duals {
            let pa = if a <= second {
                parameter(layout, 3, k, a)
            } else {
                layout.output_weight(a - second - 1, k)
            };
            for t in 0..below {
                push(source, t, pa);
                source += 1;
            }
        }
    }
    targets
}
