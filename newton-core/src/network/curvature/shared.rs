//! The activation and output blocks of the layers that share their tangents: one product `GᵀB`
//! per layer of every neuron's duals `G` with the tangents `B` they all share.
//!
//! The tangent of `Hˡₖ` is `Z̃ˡ⁻¹` (the inputs and `1`) on row `k` of `[Aˡ, bˡ]` and, for
//! `l = 2`, `Aˡₖⱼ vⱼ` on the parameters of layer 1, with `v` the same for every `k`. So the
//! activation and output terms on those rows are one product `GᵀB`, recorded once per point
//! rather than once per neuron and support column, and spread into the Hessian by a table of
//! targets worked out once ([`SharedTarget`]), each entry scaled by its weight `Aₖⱼ` where the
//! tangent carries one. Where the affine term of the layer is folded, its rows `sH̄ₖ` are more
//! columns of `G` against the same `B`.

use super::super::jet::Jet;
use super::super::kernels::lane_jets as jets;
use super::super::kernels::{add_product_of_strips, Lanes, Panels, Product, Strips};
use super::super::model::Layout;
use super::super::passes::block::Block;
use super::super::passes::point::{stride, Workspace as PointWorkspace};
use super::super::plan::Plan;
use super::runs::{Runs, Term};
use super::stack::{extended, parameter, Columns, Entry, Row};

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
    /// Room for the products `GᵀB` that run through faer.
    products_by_faer: Vec<Product>,
    /// The terms of [`Shared::add`] per layer, and room for their weights: `[1, θ]`, then for
    /// each neuron `k` of layer 2 the weight `A²ₖⱼ` of the neuron `j` of each parameter of layer
    /// 1, so that a row's terms against layer 1 have consecutive weights and form one run.
    targets: Vec<Runs>,
    weights: Vec<f64>,
    /// The entries of `θ` that the weights past `[1, θ]` repeat.
    repeated: Vec<usize>,
}

impl Shared {
    pub(super) fn new<J: Jet>(plan: &Plan, p: usize) -> Self {
        let (layout, depth, chunk) = (&plan.layout, plan.depth(), plan.chunk);
        // `1` and the parameters; then `A²ₖⱼ` per neuron `k` of layer 2 and parameter of
        // layer 1.
        let repeated_from = 1 + layout.parameters();
        let repeated: Vec<usize> = if depth >= 2 && plan.shares(2) {
            let first_layer = layout.width(1) * (layout.width(0) + 1);
            (0..layout.width(2))
                .flat_map(|k| {
                    (0..first_layer)
                        .map(move |t| layout.weight(2, k, neuron_of_first_layer(layout, t)))
                })
                .collect()
        } else {
            Vec::new()
        };
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
            products_by_faer: (0..=depth)
                .map(|l| {
                    let (g, b) = columns(l);
                    Product::new(g, b)
                })
                .collect(),
            targets: (0..=depth)
                .map(|l| Runs::new(shared_targets(plan, l, p, repeated_from)))
                .collect(),
            weights: vec![1.0; repeated_from + repeated.len()],
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
        if l == 2 {
            let (s1, inputs) = (&ws.s1[1], &ws.z[0]);
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
        // Two layers, so the affine term of layer 2 is folded into its product, and layer 1
        // records no tangents.
        debug_assert!(!plan.keeps_tangents(l));
        if plan.folds_affine(l) {
            for adj_h in block.adj_h[l].chunks_exact(k) {
                jets::scale_lanes(adj_h, scale, row.next());
            }
        }
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
            .zip(&mut self.products_by_faer);
        for (((g, b), s), by_faer) in layers.skip(1) {
            if g.cols() == 0 {
                continue;
            }
            // Point by point, a last chunk ends inside a strip whose other lanes hold an earlier
            // chunk's points.
            if !in_blocks {
                g.clear_from(points);
                b.clear_from(points);
            }
            let n = b.cols();
            if first {
                add_product_of_strips(g, b, points, by_faer, |p, q, v| s[p * n + q] = v);
            } else {
                add_product_of_strips(g, b, points, by_faer, |p, q, v| s[p * n + q] += v);
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

/// Returns, for parameter `t` of layer 1 (weight `(j, a)` at `t = j·F + a` or bias `j` at
/// `t = W₁F + j`), its neuron `j`.
fn neuron_of_first_layer(layout: &Layout, t: usize) -> usize {
    let (features, below) = (layout.width(0), layout.width(1));
    if t < below * features {
        t / features
    } else {
        t - below * features
    }
}

/// The targets of layer `l` (empty unless it shares its tangents): for each neuron `k`, its
/// activation block on its own row (upper half) and against the parameters of layer 1 (scaled
/// by `Aₖⱼ`), for the top layer the output term of `cₖ`, and where the affine term is folded
/// the rows `sH̄ₖ`. Worked out once: per entry and evaluation, the indices cost several times
/// the addition. The weights are indices into [`Shared::weights`], whose `A²ₖⱼ` per neuron and
/// parameter of layer 1 start at `repeated`.
fn shared_targets(plan: &Plan, l: usize, p: usize, repeated: usize) -> Vec<Term> {
    if l == 0 || !plan.shares(l) || plan.joins_above(l) {
        return Vec::new();
    }
    let layout = &plan.layout;
    let (width, own) = (layout.width(l), layout.width(l - 1) + 1);
    let n = plan.shared_columns(l).1;
    let first_layer = layout.width(1) * (layout.width(0) + 1);
    let mut targets = Vec::new();
    let mut push = |source: usize, a: usize, b: usize, weight: usize| {
        targets.push(Term {
            source,
            entry: Entry::new(a, b, p).at(),
            weight,
        });
    };
    // Row `r` of `GᵀB` belongs to parameter `pa` (of neuron `k`): its own columns from `from`,
    // then for `l = 2` column `own + t`, parameter `t` of layer 1, scaled by `A²ₖⱼ`.
    let mut row_of = |r: usize, k: usize, pa: usize, from: usize| {
        for b in from..own {
            push(r * n + b, pa, parameter(layout, l, k, b), 0);
        }
        if l == 2 {
            for t in 0..first_layer {
                push(r * n + own + t, t, pa, repeated + k * first_layer + t);
            }
        }
    };
    for k in 0..width {
        for a in 0..own {
            row_of(k * own + a, k, parameter(layout, l, k, a), a);
        }
    }
    if l == layout.depth() {
        for o in 0..layout.outputs() {
            for k in 0..width {
                row_of(
                    width * own + o * width + k,
                    k,
                    layout.output_weight(o, k),
                    0,
                );
            }
        }
    }
    if plan.folds_affine(l) {
        // Row `sH̄ₖ` against column `own + t` of `B`, parameter `t` of layer 1: weight
        // `(j, a)` or bias `j`, paired with `A²ₖⱼ`.
        let top = if l == layout.depth() {
            layout.outputs() * width
        } else {
            0
        };
        let rows = width * own + top;
        for k in 0..width {
            for t in 0..first_layer {
                let weight = layout.weight(l, k, neuron_of_first_layer(layout, t));
                push((rows + k) * n + own + t, weight, t, 0);
            }
        }
    }
    targets
}
