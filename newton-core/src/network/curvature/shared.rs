//! The activation and output blocks of the layers that share their tangents: one product `GᵀB`
//! per layer of every neuron's duals `G` with the tangents `B` they all share.
//!
//! The tangent of `Hˡₖ` is `Z̃ˡ⁻¹` (the inputs and `1`) on row `k` of `[Aˡ, bˡ]` and, for
//! `l ≥ 2`, `Aˡₖⱼ vⱼ` on the parameters of layer `l − 1`, with `vⱼ = σ′(Hˡ⁻¹ⱼ)·Z̃ˡ⁻²` the same
//! for every `k`. So the activation and output terms on those rows are one product `GᵀB`,
//! recorded once per point rather than once per neuron and support column, and spread into the
//! Hessian by a table of targets worked out once ([`Runs`]), each entry scaled by its weight
//! `Aₖⱼ` where the tangent carries one. Where the affine term of the layer is folded, its rows
//! `sH̄ₖ` are more columns of `G` against the same `B`; so, in the second layer of three, are
//! the rows `sH̄³ₖ ⊳ σ′(H²ⱼ)` of the affine term of layer 3 against the parameters of layer 1
//! (weighted by `A²ⱼₘ`). The parameters of layer 1 in the third layer's activation and output
//! terms are the cross products of [`deep`](super::deep).

use super::super::jet::Jet;
use super::super::kernels::faer_product::accumulate_faer_block;
use super::super::kernels::lane_jets as jets;
use super::super::kernels::{accumulate_product_of_strips, Lanes, Panels, Strips, BLOCK};
use super::super::model::Layout;
use super::super::passes::block::Block;
use super::super::passes::point::{stride, Workspace as PointWorkspace};
use super::super::plan::Plan;
use super::runs::{Runs, Term};
use super::stack::{extended, parameter, Columns, Row};

/// The stacked factors and products of the layers that share their tangents. Index `l` runs
/// over the hidden layers from 1 (entries of the other layers are empty).
#[derive(Clone, Debug)]
pub(super) struct Shared {
    /// Per chunk: `gather[l]` the duals `κᵢₖ ⊳ Z̃ₐ` (column `k·(Wₗ₋₁ + 1) + a`), for the top
    /// layer `ωᵢₖ` (column `Wₗ(Wₗ₋₁ + 1) + k`), and where the affine term is folded `sH̄ₖ`;
    /// `spread[l]` the tangents `[Z̃ | v]` all the neurons share.
    gather: Vec<Strips>,
    spread: Vec<Strips>,
    /// The product `GᵀB` summed over the chunks, row-major.
    products: Vec<Vec<f64>>,
    /// Per layer that crosses ([`Plan::crosses`]), the rows `κₖ ⊳ Z̃ₐ` of `G` and the own
    /// columns of `B`: their block against the columns past them is the factored product of
    /// [`deep`](super::deep), so the product here is the rest.
    split: Vec<Option<(usize, usize)>>,
    /// The terms of [`Shared::add`] per layer, and room for their weights: `[1, θ]`, then per
    /// layer `l ≥ 2` that shares and each of its neurons `k`, the weight `Aˡₖⱼ` of the neuron
    /// `j` of each parameter of layer `l − 1`, so that a row's terms against layer `l − 1` have
    /// consecutive weights and form one run.
    targets: Vec<Runs>,
    weights: Vec<f64>,
    /// The entries of `θ` that the weights past `[1, θ]` repeat.
    repeated: Vec<usize>,
}

/// Where the weights `Aˡₖⱼ` of layer `l` start among [`Shared::weights`] (index `l`; `0` where
/// the layer repeats none).
type RepeatedFrom = Vec<usize>;

impl Shared {
    pub(super) fn new<J: Jet>(plan: &Plan, p: usize) -> Self {
        let (layout, depth, chunk) = (&plan.layout, plan.depth(), plan.chunk);
        // `1` and the parameters; then `Aˡₖⱼ` per layer `l ≥ 2` that shares, neuron `k` of
        // layer `l` and parameter of layer `l − 1`.
        let mut repeated = Vec::new();
        let mut repeated_from: RepeatedFrom = vec![0; depth + 1];
        for l in (2..=depth).filter(|&l| plan.shares(l)) {
            repeated_from[l] = 1 + layout.parameters() + repeated.len();
            for k in 0..layout.width(l) {
                repeated.extend(
                    (0..plan.below(l)).map(|t| layout.weight(l, k, neuron_below(layout, l, t))),
                );
            }
        }
        let columns = |l: usize| {
            if l > 0 && plan.shares(l) {
                plan.shared_columns(l)
            } else {
                (0, 0)
            }
        };
        let strips = |pick: &dyn Fn((usize, usize)) -> usize| -> Vec<Strips> {
            (0..=depth)
                .map(|l| match pick(columns(l)) {
                    0 => Strips::default(),
                    n => Strips::new(chunk, J::K, n),
                })
                .collect()
        };
        Self {
            gather: strips(&|(g, _)| g),
            spread: strips(&|(_, b)| b),
            products: (0..=depth)
                .map(|l| {
                    let (g, b) = columns(l);
                    vec![0.0; g * b]
                })
                .collect(),
            split: (0..=depth)
                .map(|l| {
                    let own = layout.width(l.max(1) - 1) + 1;
                    plan.crosses(l).then(|| (layout.width(l) * own, own))
                })
                .collect(),
            targets: (0..=depth)
                .map(|l| Runs::new(shared_targets(plan, l, p, &repeated_from)))
                .collect(),
            weights: vec![1.0; 1 + layout.parameters() + repeated.len()],
            repeated,
        }
    }

    /// Records point `slot` of the chunk for layer `l`: its rows of `G` (from the weighted duals
    /// `kappa` of the layer's neurons and `adj_s`, `s̄ₒ` per output scaled by the point's
    /// weight) and of
    /// `B`, and the tangents of the neurons of `l` into `tangents` where the affine term above
    /// reads them (point `i`).
    pub(super) fn record<J: Jet>(
        &mut self,
        plan: &Plan,
        l: usize,
        (i, slot): (usize, usize),
        (kappa, adj_s, scale): (&[J], &[J], f64),
        ws: &PointWorkspace<J>,
        tangents: &mut [Panels],
    ) {
        let layout = &plan.layout;
        let below = layout.width(l - 1);
        let one = J::constant(1.0);
        let z = &ws.z[l - 1];
        let tilde = |a: usize| if a < below { z[a] } else { one };
        let mut row = Row::new(&mut self.spread[l], slot);
        for a in 0..=below {
            row.push(&tilde(a));
        }
        debug_assert_eq!(
            plan.affine_above(l),
            0,
            "the point pass forms no cross products"
        );
        if l >= 2 {
            let (s1, inputs) = (&ws.s1[l - 1], &ws.z[l - 2]);
            for s in s1 {
                for x in inputs {
                    row.push(&s.mul(*x));
                }
            }
            for s in s1 {
                row.push(s);
            }
        }
        let mut row = Row::new(&mut self.gather[l], slot);
        for dual in kappa {
            for a in 0..=below {
                row.push(&dual.through_product(tilde(a)));
            }
        }
        if l == plan.depth() {
            for adj_s in adj_s {
                for s1 in &ws.s1[l] {
                    row.push(&adj_s.through_product(*s1));
                }
            }
        } else if plan.keeps_tangents(l) {
            let stride = stride(below, layout.offset(l));
            let support = plan.support(l);
            let rows = ws.support_h[l].chunks_exact(stride);
            for (tangent, jets) in tangents.iter_mut().zip(rows) {
                let mut tangent = Row::new(tangent, i);
                for jet in &jets[..support] {
                    tangent.push(jet);
                }
            }
        }
        if plan.folds_affine(l) {
            for adj_h in &ws.adj_h[l] {
                row.push(&adj_h.scale(scale));
            }
        }
    }

    /// [`Shared::record`] for the block of points in `slot ..` of the chunk, from the block's
    /// lane jets, with weights `scale`; leaves the layer's weighted duals `κₖ` in `kappa`, and
    /// uses `one` (the lane jet of 1) and `t` (room for a lane jet).
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(super) fn record_block<J: Jet>(
        &mut self,
        plan: &Plan,
        l: usize,
        slot: usize,
        scale: &Lanes,
        block: &Block<J>,
        (one, t, kappa): (&[Lanes], &mut [Lanes], &mut [Lanes]),
    ) {
        let (width, below, k) = (plan.layout.width(l), plan.layout.width(l - 1), J::K);
        let tilde = extended::<J>(&block.z[l - 1], one);
        let mut row = Columns::<J>::new(&mut self.spread[l], slot);
        for a in 0..=below {
            row.next().copy_from_slice(tilde(a));
        }
        if l >= 2 {
            for s in block.s1[l - 1].chunks_exact(k) {
                for x in block.z[l - 2].chunks_exact(k) {
                    jets::mul::<J>(s, x, row.next());
                }
            }
            for s in block.s1[l - 1].chunks_exact(k) {
                row.next().copy_from_slice(s);
            }
        }
        let mut row = Columns::<J>::new(&mut self.gather[l], slot);
        let duals = block.adj_z[l]
            .chunks_exact(k)
            .zip(block.s2[l].chunks_exact(k));
        for ((adj_z, s2), dual) in duals.take(width).zip(kappa.chunks_exact_mut(k)) {
            jets::through_product::<J>(adj_z, s2, t);
            jets::scale_lanes(t, scale, dual);
            for a in 0..=below {
                jets::through_product::<J>(dual, tilde(a), row.next());
            }
        }
        if l == plan.depth() {
            for adj_s in block.adj_s.chunks_exact(k) {
                jets::scale_lanes(adj_s, scale, t);
                for s1 in block.s1[l].chunks_exact(k) {
                    jets::through_product::<J>(t, s1, row.next());
                }
            }
        }
        // Every affine term is folded into a product, so no layer records tangents.
        debug_assert!(!plan.keeps_tangents(l));
        if plan.folds_affine(l) {
            for adj_h in block.adj_h[l].chunks_exact(k) {
                jets::scale_lanes(adj_h, scale, row.next());
            }
        }
        if plan.affine_above(l) > 0 {
            for adj_h in block.adj_h[l + 1].chunks_exact(k) {
                jets::scale_lanes(adj_h, scale, t);
                for s1 in block.s1[l].chunks_exact(k) {
                    jets::through_product::<J>(t, s1, row.next());
                }
            }
        }
    }

    /// Returns the shared tangents `vₜ` of layer `l` on the parameters `t` of layer `l − 1`
    /// that [`Shared::record_block`] wrote for the block of points in `slot ..` of the chunk.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(super) fn block_tangents<'s>(
        &'s self,
        plan: &Plan,
        l: usize,
        slot: usize,
    ) -> impl Fn(usize) -> &'s [Lanes] {
        let (spread, own) = (&self.spread[l], plan.layout.width(l - 1) + 1);
        move |t| spread.block_column(slot / BLOCK, own + t)
    }

    /// Adds `GᵀB` over the first `points` points of the chunk to every layer's products; the
    /// `first` chunk writes them instead. `in_blocks` says that the block sweep recorded the
    /// chunk: it gives the lanes past the last point a weight of zero, so their rows of `G` are
    /// zero and the product needs no clearing.
    pub(super) fn flush(&mut self, points: usize, first: bool, in_blocks: bool) {
        let layers = self
            .gather
            .iter_mut()
            .zip(&mut self.spread)
            .zip(&mut self.products)
            .zip(&self.split);
        for (((g, b), s), split) in layers.skip(1) {
            if g.cols() == 0 {
                continue;
            }
            // Point by point, a last chunk ends inside a strip whose other lanes hold an earlier
            // chunk's points.
            if !in_blocks {
                g.clear_from(points);
                b.clear_from(points);
            }
            if let Some((rows, own)) = *split {
                let (m, n) = (g.cols(), b.cols());
                accumulate_faer_block((g, 0..m), (b, 0..own), points, s, first);
                accumulate_faer_block((g, rows..m), (b, own..n), points, s, first);
            } else {
                accumulate_product_of_strips(g, b, points, s, first);
            }
        }
    }

    /// Writes the weights of the targets for this evaluation's parameters.
    pub(super) fn weigh(&mut self, theta: &[f64]) {
        self.weights[1..=theta.len()].copy_from_slice(theta);
        let from = self.weights.len() - self.repeated.len();
        for (w, &at) in self.weights[from..].iter_mut().zip(&self.repeated) {
            *w = theta[at];
        }
    }

    /// Adds `GᵀB` of layer `l` to the upper triangle of `h` by its table of targets and the
    /// weights [`Shared::weigh`] wrote.
    pub(super) fn add(&self, l: usize, h: &mut [f64]) {
        self.targets[l].add(&self.products[l], &self.weights, h);
    }
}

/// Writes the weighted duals `κₖ = sᵢ·(Z̄ₖ ⊳ σ″(Hₖ))` of the neurons of layer `l` of a block
/// into `kappa`, with weights `scale`, using `t` (room for a lane jet): all that a layer which
/// joins the layer above records ([`Plan::joins_above`]).
#[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
#[inline(always)]
pub(super) fn weighted_duals<J: Jet>(
    (l, width): (usize, usize),
    scale: &Lanes,
    block: &Block<J>,
    t: &mut [Lanes],
    kappa: &mut [Lanes],
) {
    let k = J::K;
    let duals = block.adj_z[l]
        .chunks_exact(k)
        .zip(block.s2[l].chunks_exact(k));
    for ((adj_z, s2), dual) in duals.take(width).zip(kappa.chunks_exact_mut(k)) {
        jets::through_product::<J>(adj_z, s2, t);
        jets::scale_lanes(t, scale, dual);
    }
}

/// Returns, for parameter `t` of layer `l − 1` (weight `(j, a)` at `t = j·F + a` or bias `j`
/// at `t = Wₗ₋₁F + j`, with `F = Wₗ₋₂`), its neuron `j`.
pub(super) fn neuron_below(layout: &Layout, l: usize, t: usize) -> usize {
    let (features, below) = (layout.width(l - 2), layout.width(l - 1));
    if t < below * features {
        t / features
    } else {
        t - below * features
    }
}

/// The targets of layer `l` (empty unless it shares its tangents): for each neuron `k`, its
/// activation block on its own row (upper half) and against the parameters of layer `l − 1`
/// (scaled by `Aₖⱼ`), for the top layer the output term of `cₖ`, where the affine term is
/// folded the rows `sH̄ₖ`, and where the layer above crosses the rows `sH̄ˡ⁺¹ₖ ⊳ σ′(Hˡⱼ)`.
/// Worked out once: per entry and evaluation, the indices cost several times the addition. The
/// weights are indices into [`Shared::weights`], whose `Aˡₖⱼ` per neuron and parameter of layer
/// `l − 1` start at `repeated[l]`.
fn shared_targets(plan: &Plan, l: usize, p: usize, repeated: &RepeatedFrom) -> Vec<Term> {
    if l == 0 || !plan.shares(l) || plan.joins_above(l) {
        return Vec::new();
    }
    let layout = &plan.layout;
    let (width, own) = (layout.width(l), layout.width(l - 1) + 1);
    let n = plan.shared_columns(l).1;
    // The parameters of layer `l − 1`, from `first`.
    let (below, first) = (plan.below(l), layout.offset(l - 1));
    let mut targets = Vec::new();
    let mut push = |source: usize, a: usize, b: usize, weight: usize| {
        targets.push(Term::between(source, (a, b), p, weight));
    };
    // Row `r` of `GᵀB` belongs to parameter `pa` (of neuron `k`): its own columns from `from`,
    // then column `own + t`, parameter `t` of layer `l − 1`, scaled by `Aˡₖⱼ`.
    let mut row_of = |r: usize, k: usize, pa: usize, from: usize, with_below: bool| {
        for b in from..own {
            push(r * n + b, pa, parameter(layout, l, k, b), 0);
        }
        for t in (0..below).filter(|_| with_below) {
            push(r * n + own + t, first + t, pa, repeated[l] + k * below + t);
        }
    };
    // Where the layer crosses, the rows `κₖ ⊳ Z̃ₐ` against layer `l − 1` are `deep`'s.
    for k in 0..width {
        for a in 0..own {
            let pa = parameter(layout, l, k, a);
            row_of(k * own + a, k, pa, a, !plan.crosses(l));
        }
    }
    let top = if l == layout.depth() {
        for o in 0..layout.outputs() {
            for k in 0..width {
                row_of(
                    width * own + o * width + k,
                    k,
                    layout.output_weight(o, k),
                    0,
                    true,
                );
            }
        }
        layout.outputs() * width
    } else {
        0
    };
    let mut rows = width * own + top;
    if plan.folds_affine(l) {
        // Row `sH̄ₖ` against column `own + t` of `B`, parameter `t` of layer `l − 1`: weight
        // `(j, a)` or bias `j`, paired with `Aˡₖⱼ`.
        for k in 0..width {
            for t in 0..below {
                let weight = layout.weight(l, k, neuron_below(layout, l, t));
                push((rows + k) * n + own + t, weight, first + t, 0);
            }
        }
        rows += width;
    }
    if plan.affine_above(l) > 0 {
        // Row `sH̄ˡ⁺¹ₖ ⊳ σ′(Hˡⱼ)` against column `own + t`: the weight `Aˡ⁺¹ₖⱼ` against
        // parameter `t` of layer `l − 1`, scaled by `Aˡⱼₘ` of its neuron `m`.
        for k in 0..layout.width(l + 1) {
            for j in 0..width {
                let r = rows + k * width + j;
                for t in 0..below {
                    let weight = layout.weight(l + 1, k, j);
                    push(
                        r * n + own + t,
                        weight,
                        first + t,
                        repeated[l] + j * below + t,
                    );
                }
            }
        }
    }
    targets
}
