//! The second-order term `Σᵢ sᵢ ∇²_θ⟨ρᵢ, Uᵢ⟩` of the loss Hessian, summed over the points block
//! by block (the blocks are described in [`point`](super::passes::point)).
//!
//! Added point by point, each block is a scattered rank-`K` update of the `P × P` Hessian, and
//! at `W = 32` those updates are most of the cost. Every block is instead a sum over points of
//! products of per-point factors, so it is one product of stacked matrices:
//! - the activation of neuron `(l, k)` with tangents `Tᵢ` of `Hˡₖ` over its support `S`
//!   (row `k` of `Aˡ`, `bˡₖ`, every parameter below layer `l`) adds
//!   `Σᵢ ⟨sᵢκᵢ, Tᵢ Tᵢ⟩ = ΛᵀR` on `S × S` (`κ = σ″(Hˡₖ)*Z̄ˡₖ`), with `R` and `Λ` the stacked
//!   factors of the form `⟨κ, a·b⟩`: `2 + D` rows per point rather than `K` (private `form`
//!   module);
//! - the affine map of layer `l` adds, for each neuron `j` below, `Xⱼᵀ Tˡ⁻¹ⱼ` on the column
//!   `Aˡ·ⱼ` against the support of `(l − 1, j)`, because `∂Zˡ⁻¹ⱼ = σ′(Hˡ⁻¹ⱼ)·Tˡ⁻¹ⱼ`; the rows
//!   of `Xⱼ` are the duals `sH̄ˡₖ ⊳ σ′(Hˡ⁻¹ⱼ)`;
//! - the output adds `ωⱼᵀ Tᴸⱼ` on the row of `cⱼ`, with `ω = s s̄ ⊳ σ′(Hᴸⱼ)`.
//!
//! The activation factors of every neuron are stacked a chunk of points at a time and
//! multiplied into a dense `S × S` accumulator per neuron whenever the chunk is full: stacked
//! over all points they are megabytes at the PINN sizes, and writing them point by point then
//! misses the cache on every store, while a chunk stays in L2 between being written and being
//! read. [`Curvature::assemble`] writes each accumulator into the Hessian once.
//!
//! Some layers need less than a product per neuron. Above the first layer, the block of the
//! parameters of layer `l − 1` can sum over the neurons of layer `l` before the points
//! ([`Curvature::previous_layer`]); in the first layer, and in the second when its block of
//! layer 1 is summed so, the tangents of every neuron are the same up to its weights, so their
//! activation and output blocks are one product of every neuron's duals with the shared
//! tangents ([`share`]); in the second layer that product also takes the affine term
//! ([`folded`]). With two hidden layers nothing else is left, so the sweep records a block of
//! points at once (private `block` module); deeper networks and residuals with curvature in
//! the jet go point by point.

mod block;
mod form;

use super::jet::Jet;
use super::kernels::panels::{add_partial_product, add_product, combine};
use super::kernels::{
    add_product_of_strips, through_panels, Lanes, Panels, Part, Strips, BLOCK, PANEL,
};
use super::model::Layout;
use super::passes::point::{stride, Workspace as PointWorkspace};
use form::Form;

/// The bytes of activation factors one chunk may hold, about a quarter of a typical L2.
const CHUNK_BYTES: usize = 512 * 1024;
/// The rows of a chunk's products, at least (to amortise the accumulation).
const CHUNK_ROWS: usize = 32;
/// The points of a chunk, at most.
const CHUNK_POINTS: usize = 128;

/// The stacked per-point factors of the second-order term, allocated once for an architecture
/// and a number of points. Index `l` runs over the hidden layers from 1 (entry 0 is empty).
#[derive(Clone, Debug)]
pub(crate) struct Curvature<J: Jet> {
    layout: Layout,
    /// Points per chunk of `reduced`, `weighted`, `gather` and `spread`.
    chunk: usize,
    /// `tangents[l][k]` for `l < L`: the tangents of `Hˡₖ` over its support, one row per point
    /// and jet component; columns `[Zˡ⁻¹ (row k of Aˡ), 1 (bˡₖ), parameters below layer l]`.
    /// The affine term of layer `l + 1` pairs them with whole duals.
    tangents: Vec<Vec<Panels>>,
    /// `R` and `Λ` of the activation of neuron `(l, k)` for the current chunk of points,
    /// [`Form::RANK`] rows per point, on the columns of `tangents`.
    reduced: Vec<Vec<Panels>>,
    weighted: Vec<Vec<Panels>>,
    /// `ΛᵀR` of neuron `(l, k)` summed over the chunks so far: `S × S`, column-major, upper.
    sums: Vec<Vec<Vec<f64>>>,
    /// `Xⱼ` of the affine term of layer `l` for one `j` at a time (unless [`folded`]).
    cross: Vec<Panels>,
    /// Per point and neuron (`i·Wₗ + k`): `sᵢ·H̄` and `σ′(H)`.
    adj_h: Vec<Vec<J>>,
    s1: Vec<Vec<J>>,
    /// The output term `Σᵢ ⟨ωᵢⱼ, Tᴸᵢⱼ⟩` per neuron `j` of layer `L` (`S` entries each, padded
    /// to whole panels), summed while recording: it needs no product, so the top layer keeps
    /// no `K`-row tangents.
    output: Vec<f64>,
    /// For `l ≥ 2`, the block of the parameters of layer `l − 1` in the activations of layer
    /// `l`, summed over the neurons before the points (see [`Curvature::previous_layer`]):
    /// `inputs[l]`, point by point, the jets `Zˡ⁻²ₐ` that layer `l − 1` sees; `kappa[l]`,
    /// neuron by neuron, the components of the duals `κᵢₖ` (entry `(k·N + i)·K + c`); `mu`
    /// the components of one `μᵢⱼⱼ′` per point, the same way; `squares[l]` the stacked
    /// `Zₐ·Z_b` (`a ≤ b`, with `Z_F = 1` for the bias) and `duals[l]` the stacked `νⱼⱼ′`
    /// (`j ≤ j′`), with the `(a, b)` and `(j, j′)` of their columns in `square_index[l]` and
    /// `pair_index[l]`.
    inputs: Vec<Vec<J>>,
    kappa: Vec<Vec<f64>>,
    mu: Vec<f64>,
    squares: Vec<Strips>,
    duals: Vec<Strips>,
    square_index: Vec<Vec<(usize, usize)>>,
    pair_index: Vec<Vec<(usize, usize)>>,
    /// Where entry `(t, q)` of the product of [`Curvature::previous_layer`] goes in the upper
    /// triangle of the Hessian (index `t·pairs + q`): the entry of `(j, a)` against
    /// `(j′, b)` and, between two neurons with `a ≠ b`, that of `(j, b)` against `(j′, a)`.
    /// Worked out once: per entry and evaluation they cost more than the product itself with
    /// Fourier features.
    previous_targets: Vec<Vec<(Entry, Option<Entry>)>>,
    /// The terms of [`Curvature::add_shared`] per layer, and room for `[1, θ]`, whose entries
    /// scale them.
    shared_targets: Vec<Vec<SharedTarget>>,
    weights: Vec<f64>,
    /// For the layers that [`share`] their tangents, per chunk: `gather[l]` the duals
    /// `κᵢₖ ⊳ Z̃ₐ` (column `k·(Wₗ₋₁ + 1) + a`) and, for the top layer, `ωᵢₖ` (column
    /// `Wₗ(Wₗ₋₁ + 1) + k`); `spread[l]` the tangents `[Z̃ | v]` all the neurons share; `shared[l]`
    /// the product `GᵀB` summed over the chunks, row-major.
    gather: Vec<Strips>,
    spread: Vec<Strips>,
    shared: Vec<Vec<f64>>,
    /// Copies of `gather` and `spread`, and of `squares` and `duals`, for the products that
    /// run faster through [`Panels`] (see [`add_product_of_strips`]; empty otherwise).
    shared_rows: Vec<(Panels, Panels)>,
    previous_rows: Vec<(Panels, Panels)>,
    /// For the layers [`summed`] over their neurons, `Aₖⱼ Aₖⱼ′` of every pair `(j, j′)` of
    /// `pair_index` and neuron `k` (entry `q·Wₗ + k`), for the blocks' `μ`.
    pair_weights: Vec<Vec<f64>>,
    /// The lane jet of the constant 1, and room for two lane jets of temporaries.
    lane_one: Vec<Lanes>,
    lane_temp: Vec<Lanes>,
    /// A block's duals `κₖ` of the last layer recorded, `K` lanes per neuron.
    lane_kappa: Vec<Lanes>,
    /// Whether the last sweep recorded blocks rather than single points.
    in_blocks: bool,
}

/// Returns whether the activations of layer `l` share their tangents up to the weights: the
/// tangent of `Hˡₖ` is `Z̃ˡ⁻¹` (the inputs and `1`) on row `k` of `[Aˡ, bˡ]` and, for `l = 2`,
/// `Aˡₖⱼ vⱼ` on the parameters of layer 1, with `v` the same for every `k`. Their activation
/// and output terms on those rows are then one product `GᵀB` of the stacked duals `G` of every
/// neuron with the shared tangents `B`, recorded once per point rather than once per neuron
/// and support column; for `l = 2` the block of the parameters of layer 1 must then come from
/// [`Curvature::previous_layer`], so layer 2 shares only when that block is [`summed`].
fn share(l: usize) -> bool {
    l == 1 || (l == 2 && summed(2))
}

/// Returns whether [`Curvature::previous_layer`] forms the block of the parameters of layer
/// `l − 1` in the activations of layer `l`: above the first layer, always. Alone, the duals
/// `μ` save little where layer `l − 1` sees one input (its blocks per pair of neurons are
/// `2 × 2`; at `W = 4 … 32` from 6 % fewer instructions to 5 % more), but they let layer 2
/// [`share`] its tangents, which makes one-input networks (scalar regression, SIREN, the 1-D
/// PINN) 18–25 % faster.
fn summed(l: usize) -> bool {
    l >= 2
}

/// Returns whether the affine term of layer `l` is part of the product `GᵀB` of a layer that
/// [`share`]s its tangents: for `l = 2`, the entry of `A²ₖⱼ` against parameter `t` of neuron `j`
/// of layer 1 is `Σᵢ ⟨sH̄²ₖ ⊳ σ′(H¹ⱼ), Z̃⁰ₐ⟩ = Σᵢ ⟨sH̄²ₖ, vₜ⟩`, the column `vₜ` of `B` against
/// one more column of `G` per neuron `k`. The affine map then needs neither the tangents of
/// layer 1 nor a product per neuron `j` (with its per-point duals), which at `W = 4` cost more
/// than the shared product.
fn folded(l: usize) -> bool {
    l == 2 && share(2)
}

/// Returns the columns of `G` and `B` of a layer that [`share`]s its tangents: in `G` the duals
/// `κₖ ⊳ Z̃ₐ`, then for the top layer `ωₖ`, then where the affine term is [`folded`] `sH̄ₖ`.
fn shared_columns(layout: &Layout, l: usize) -> (usize, usize) {
    let (width, own) = (layout.width(l), layout.width(l - 1) + 1);
    let top = if l == layout.depth() { width } else { 0 };
    let affine = if folded(l) { width } else { 0 };
    let below = if l == 2 { layout.offset(2) } else { 0 };
    (width * own + top + affine, own + below)
}

/// Returns the columns of the support of a neuron of layer `l` whose activation block is a
/// product of stacked factors: all but those of the parameters of layer `l − 1` (which come
/// last) when [`summed`], all of them otherwise.
fn factored(layout: &Layout, l: usize) -> usize {
    if summed(l) {
        layout.width(l - 1) + 1 + layout.offset(l - 1)
    } else {
        layout.width(l - 1) + 1 + layout.offset(l)
    }
}

impl<J: Jet> Curvature<J> {
    #[expect(
        clippy::too_many_lines,
        reason = "one buffer per field, each sized for its layers"
    )]
    pub(crate) fn new(layout: &Layout, points: usize) -> Self {
        let depth = layout.depth();
        let rows = points * J::K;
        let rank = Form::<J>::RANK;
        let support = |l: usize| layout.width(l - 1) + 1 + layout.offset(l);
        let neurons = |l: usize| if l == 0 { 0 } else { layout.width(l) };
        // The bytes per point of a chunk: `R` and `Λ` (`rank` rows per point) of the layers
        // that do not share their tangents, `G` and `B` (`K` rows) of those that do.
        let panels = |n: usize| n.div_ceil(PANEL) * PANEL;
        let per_point: usize = (1..=depth)
            .map(|l| {
                if share(l) {
                    // Strips padded to whole panels, and their copies where the product
                    // runs through `Panels`.
                    let (g, b) = shared_columns(layout, l);
                    let copies = if through_panels(g, b) { 2 } else { 1 };
                    J::K * (panels(g) + panels(b)) * copies
                } else {
                    2 * rank * neurons(l) * panels(support(l))
                }
            })
            .sum::<usize>()
            * 8;
        // At least a block of points, whatever the bytes: the block sweep writes a block's
        // strip at once.
        let fewest = (CHUNK_ROWS / rank).max(BLOCK);
        let most = (CHUNK_BYTES / per_point.max(1)).clamp(fewest, CHUNK_POINTS.max(fewest));
        // As few chunks as that allows, of about equal size (a last chunk of a few points
        // would cost a whole accumulation of the products), and whole blocks per chunk, so
        // that a block of points never straddles two chunks.
        let chunk = points.max(1).div_ceil(points.max(1).div_ceil(most));
        let chunk = chunk.next_multiple_of(BLOCK).min(points.max(1));
        // The tangents (`top` false) of the layers whose affine term above is a product per
        // neuron, or the activation factors (`top` true) of the layers that do not share them.
        let per_neuron_panels = |rows: usize, top: bool| -> Vec<Vec<Panels>> {
            (0..=depth)
                .map(|l| {
                    let unused = if top {
                        l > 0 && share(l)
                    } else {
                        l == depth || folded(l + 1)
                    };
                    let n = if unused { 0 } else { neurons(l) };
                    (0..n).map(|_| Panels::new(rows, support(l))).collect()
                })
                .collect()
        };
        let per_neuron = |l: usize| vec![J::default(); points * layout.width(l)];
        // The pairs `a ≤ b < n` (`j ≤ j′`), column by column.
        let triangle = |n: usize| -> Vec<(usize, usize)> {
            (0..n).flat_map(|b| (0..=b).map(move |a| (a, b))).collect()
        };
        let per_summed = |f: &dyn Fn(usize) -> Vec<(usize, usize)>| -> Vec<Vec<(usize, usize)>> {
            (0..=depth)
                .map(|l| if summed(l) { f(l) } else { Vec::new() })
                .collect()
        };
        let square_index = per_summed(&|l| triangle(layout.width(l - 2) + 1));
        let pair_index = per_summed(&|l| triangle(layout.width(l - 1)));
        let previous_targets = (0..=depth)
            .map(|l| previous_targets(layout, l, &square_index[l], &pair_index[l]))
            .collect();
        // The buffer of `record_block`: a layer's duals.
        let widest = (1..=depth).map(|l| layout.width(l)).max().unwrap_or(0);
        let lane_kappa = vec![[0.0; BLOCK]; widest * J::K];
        let pair_weights = (0..=depth)
            .map(|l| vec![0.0; pair_index[l].len() * layout.width(l)])
            .collect();
        Self {
            layout: layout.clone(),
            chunk,
            tangents: per_neuron_panels(rows, false),
            reduced: per_neuron_panels(chunk * rank, true),
            weighted: per_neuron_panels(chunk * rank, true),
            sums: (0..=depth)
                .map(|l| {
                    let n = if share(l) { 0 } else { neurons(l) };
                    (0..n).map(|_| vec![0.0; support(l) * support(l)]).collect()
                })
                .collect(),
            cross: (0..=depth)
                .map(|l| {
                    if l >= 2 && !folded(l) {
                        Panels::new(rows, layout.width(l))
                    } else {
                        Panels::default()
                    }
                })
                .collect(),
            adj_h: (0..=depth).map(per_neuron).collect(),
            s1: (0..=depth).map(per_neuron).collect(),
            output: vec![0.0; layout.width(depth) * support(depth).div_ceil(PANEL) * PANEL],
            inputs: (0..=depth)
                .map(|l| {
                    let n = if summed(l) { layout.width(l - 2) } else { 0 };
                    vec![J::default(); points * n]
                })
                .collect(),
            kappa: (0..=depth)
                .map(|l| vec![0.0; if summed(l) { rows * layout.width(l) } else { 0 }])
                .collect(),
            mu: vec![0.0; rows],
            squares: square_index
                .iter()
                .map(|index| Strips::new(points, J::K, index.len()))
                .collect(),
            duals: pair_index
                .iter()
                .map(|index| Strips::new(points, J::K, index.len()))
                .collect(),
            shared_rows: (0..=depth)
                .map(|l| {
                    let (g, b) = if l > 0 && share(l) {
                        shared_columns(layout, l)
                    } else {
                        (0, 0)
                    };
                    scratch(chunk * J::K, g, b)
                })
                .collect(),
            previous_rows: (0..=depth)
                .map(|l| scratch(rows, square_index[l].len(), pair_index[l].len()))
                .collect(),
            square_index,
            pair_index,
            previous_targets,
            shared_targets: (0..=depth).map(|l| shared_targets(layout, l)).collect(),
            // `1`, the parameters, and an output bias past those of `layout`.
            weights: vec![1.0; layout.offset(depth + 1) + layout.width(depth) + 2],
            gather: (0..=depth)
                .map(|l| {
                    if l > 0 && share(l) {
                        Strips::new(chunk, J::K, shared_columns(layout, l).0)
                    } else {
                        Strips::default()
                    }
                })
                .collect(),
            spread: (0..=depth)
                .map(|l| {
                    if l > 0 && share(l) {
                        Strips::new(chunk, J::K, shared_columns(layout, l).1)
                    } else {
                        Strips::default()
                    }
                })
                .collect(),
            shared: (0..=depth)
                .map(|l| {
                    if l > 0 && share(l) {
                        let (g, b) = shared_columns(layout, l);
                        vec![0.0; g * b]
                    } else {
                        Vec::new()
                    }
                })
                .collect(),
            pair_weights,
            lane_kappa,
            lane_one: (0..J::K)
                .map(|c| [if c == 0 { 1.0 } else { 0.0 }; BLOCK])
                .collect(),
            lane_temp: vec![[0.0; BLOCK]; 2 * J::K],
            in_blocks: false,
        }
    }

    /// Returns the layers whose tangents [`Curvature::record`] reads: all but a top layer that
    /// [`share`]s them.
    pub(crate) fn tangent_layers(&self) -> usize {
        let depth = self.layout.depth();
        if share(depth) {
            depth - 1
        } else {
            depth
        }
    }

    /// Records point `i` of `points` with weight `scale` from the point workspace after its
    /// forward pass, backward pass and [`tangents`](super::passes::point::tangents). The sweep
    /// records the points in order, so point 0 starts the sums afresh.
    pub(crate) fn record(&mut self, i: usize, points: usize, scale: f64, ws: &PointWorkspace<J>) {
        let depth = self.layout.depth();
        if i == 0 {
            self.output.fill(0.0);
            self.in_blocks = false;
        }
        let (rank, slot) = (Form::<J>::RANK, i % self.chunk);
        for l in 1..=depth {
            if share(l) {
                self.record_shared(l, (i, slot), points, scale, ws);
            }
        }
        let layout = &self.layout;
        let adj_s = ws.adj_s.scale(scale);
        let Self {
            tangents,
            reduced,
            weighted,
            output,
            inputs,
            kappa,
            ..
        } = self;
        for l in (1..=depth).filter(|&l| !share(l)) {
            let width = layout.width(l);
            let stride = stride(layout.width(l - 1), layout.offset(l));
            let support = layout.width(l - 1) + 1 + layout.offset(l);
            let summed = summed(l);
            let rows = ws.support_h[l].chunks_exact(stride);
            for (k, row) in rows.enumerate().take(width) {
                let dual = ws.adj_z[l][k].through_product(ws.s2[l][k]).scale(scale);
                let form = Form::new(dual);
                if summed {
                    let at = (k * points + i) * J::K;
                    for (c, v) in kappa[l][at..at + J::K].iter_mut().enumerate() {
                        *v = dual.get(c);
                    }
                }
                let omega = adj_s.through_product(ws.s1[l][k]);
                let (r, w) = (&mut reduced[l][k], &mut weighted[l][k]);
                // Jet by jet: gathering a panel of jets into rows first would read eight
                // scalar stores back as one vector load, which the store buffer cannot forward.
                // The padding columns are never written, so they stay zero; skipping them
                // matters for the first layer, whose support of `d + 1` is mostly padding.
                for (panel, jets) in row[..support].chunks(PANEL).enumerate() {
                    let (rb, wb) = (
                        r.block_mut(slot, rank, panel),
                        w.block_mut(slot, rank, panel),
                    );
                    if l < depth {
                        let tb = tangents[l][k].block_mut(i, J::K, panel);
                        for (c, jet) in jets.iter().enumerate() {
                            form.put(jet, rb, wb, c);
                            put_jet(tb, c, jet);
                        }
                    } else {
                        let at = (k * stride / PANEL + panel) * PANEL;
                        let sums = &mut output[at..at + PANEL];
                        for ((c, jet), sum) in jets.iter().enumerate().zip(sums) {
                            form.put(jet, rb, wb, c);
                            *sum += omega.dot(jet);
                        }
                    }
                }
                let at = i * width + k;
                self.adj_h[l][at] = ws.adj_h[l][k].scale(scale);
                self.s1[l][at] = ws.s1[l][k];
            }
            if summed {
                let n = ws.z[l - 2].len();
                inputs[l][i * n..(i + 1) * n].copy_from_slice(&ws.z[l - 2]);
            }
        }
        if slot + 1 == self.chunk || i + 1 == points {
            self.flush(slot + 1, i < self.chunk);
        }
    }

    /// Records point `i` (`slot` in its chunk) for a layer that [`share`]s its tangents: its
    /// rows of `G` and `B`, and the tangents of its neurons when a layer above pairs them.
    fn record_shared(
        &mut self,
        l: usize,
        (i, slot): (usize, usize),
        points: usize,
        scale: f64,
        ws: &PointWorkspace<J>,
    ) {
        let layout = &self.layout;
        let depth = layout.depth();
        let adj_s = ws.adj_s.scale(scale);
        let Self {
            tangents,
            inputs,
            kappa,
            gather,
            spread,
            ..
        } = self;
        let width = layout.width(l);
        let support = layout.width(l - 1) + 1 + layout.offset(l);
        let stride = stride(layout.width(l - 1), layout.offset(l));
        let (g, b) = (&mut gather[l], &mut spread[l]);
        let below = layout.width(l - 1);
        let one = J::constant(1.0);
        let z = &ws.z[l - 1];
        let tilde = |a: usize| if a < below { z[a] } else { one };
        let mut row = Row::new(b, slot);
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
        let mut row = Row::new(g, slot);
        for k in 0..width {
            let dual = ws.adj_z[l][k].through_product(ws.s2[l][k]).scale(scale);
            if summed(l) {
                let at = (k * points + i) * J::K;
                for (c, v) in kappa[l][at..at + J::K].iter_mut().enumerate() {
                    *v = dual.get(c);
                }
            }
            for a in 0..=below {
                row.push(&dual.through_product(tilde(a)));
            }
        }
        if l == depth {
            for s1 in &ws.s1[l] {
                row.push(&adj_s.through_product(*s1));
            }
        } else if !folded(l + 1) {
            let rows = ws.support_h[l].chunks_exact(stride);
            for (tangent, jets) in tangents[l].iter_mut().zip(rows) {
                let mut tangent = Row::new(tangent, i);
                for jet in &jets[..support] {
                    tangent.push(jet);
                }
            }
        }
        if folded(l) {
            for adj_h in &ws.adj_h[l] {
                row.push(&adj_h.scale(scale));
            }
        }
        for k in 0..width {
            let at = i * width + k;
            self.adj_h[l][at] = ws.adj_h[l][k].scale(scale);
            self.s1[l][at] = ws.s1[l][k];
        }
        if summed(l) {
            let n = ws.z[l - 2].len();
            inputs[l][i * n..(i + 1) * n].copy_from_slice(&ws.z[l - 2]);
        }
    }

    /// Adds `ΛᵀR` and `GᵀB` over the first `points` points of the chunk to every neuron's and
    /// layer's sums; the `first` chunk writes them instead, which spares zeroing megabytes of
    /// sums at `W = 32` (the product reports every upper entry, and only those are read).
    fn flush(&mut self, points: usize, first: bool) {
        let shared = self
            .gather
            .iter_mut()
            .zip(&mut self.spread)
            .zip(&mut self.shared)
            .zip(&mut self.shared_rows);
        for (((g, b), s), (gr, br)) in shared.skip(1) {
            if g.cols() == 0 {
                continue;
            }
            // A last chunk ends inside a strip whose other lanes hold an earlier chunk's points.
            g.clear_from(points);
            b.clear_from(points);
            let n = b.cols();
            let (part, scratch) = (Part::Full, (gr, br));
            if first {
                add_product_of_strips(g, b, points, part, scratch, |p, q, v| s[p * n + q] = v);
            } else {
                add_product_of_strips(g, b, points, part, scratch, |p, q, v| s[p * n + q] += v);
            }
        }
        let rows = points * Form::<J>::RANK;
        let chunks = self.weighted.iter().zip(&self.reduced).zip(&mut self.sums);
        for (l, ((weighted, reduced), sums)) in chunks.enumerate().skip(1) {
            let m = factored(&self.layout, l);
            for ((w, r), s) in weighted.iter().zip(reduced).zip(sums) {
                let n = r.cols();
                let (w, r) = ((w, m), (r, n));
                if first {
                    add_partial_product(w, r, rows, Part::Upper, |a, b, v| s[b * n + a] = v);
                } else {
                    add_partial_product(w, r, rows, Part::Upper, |a, b, v| s[b * n + a] += v);
                }
            }
        }
    }

    /// Adds the recorded second-order term to the upper triangle of `h` (`p × p`,
    /// column-major).
    pub(crate) fn assemble(&mut self, theta: &[f64], h: &mut [f64], p: usize) {
        let depth = self.layout.depth();
        let add_upper = |h: &mut [f64], a: usize, b: usize, v: f64| h[upper(a, b, p)] += v;
        self.weights[1..=theta.len()].copy_from_slice(theta);
        // Layer by layer first, in the order of the products per neuron, so that where a layer
        // that shares its tangents adds the same terms it rounds as they did.
        for l in 1..=depth {
            if share(l) {
                self.add_shared(l, h, p);
            } else {
                for (k, sums) in self.sums[l].iter().enumerate() {
                    add_activation(&self.layout, l, k, sums, h, p);
                }
            }
        }
        for l in 2..=depth {
            for j in (0..self.layout.width(l - 1)).filter(|_| !folded(l)) {
                self.affine(l, j, &mut |a, b, v| add_upper(h, a, b, v));
            }
            if summed(l) {
                self.previous_layer(l, theta, h, p);
            }
        }
        let mut add = |a: usize, b: usize, v: f64| add_upper(h, a, b, v);
        if share(depth) {
            return;
        }
        let layout = &self.layout;
        let support = layout.width(depth - 1) + 1 + layout.offset(depth);
        let c = layout.offset(depth + 1);
        let padded = support.div_ceil(PANEL) * PANEL;
        for (j, sums) in self.output.chunks_exact(padded).enumerate() {
            for (col, &v) in sums[..support].iter().enumerate() {
                add(c + j, parameter(layout, depth, j, col), v);
            }
        }
    }

    /// Adds `GᵀB` of a layer that [`share`]s its tangents, by its table of
    /// [`Curvature::shared_targets`] and the weights `[1, θ]` that [`Curvature::assemble`]
    /// wrote.
    fn add_shared(&self, l: usize, h: &mut [f64], p: usize) {
        let (s, weights) = (&self.shared[l], &self.weights);
        for target in &self.shared_targets[l] {
            h[target.entry.at(p)] += s[target.source as usize] * weights[target.weight as usize];
        }
    }

    /// Adds the block of the parameters of layer `l − 1` in the activation terms of layer `l`.
    ///
    /// On those parameters the tangent of `Hˡₖ` is `Aˡₖⱼ sⱼ Zₐ`, with `sⱼ = σ′(Hˡ⁻¹ⱼ)` and `Zₐ`
    /// the inputs of layer `l − 1` (`Z_F = 1` for the bias), so the sum over the neurons `k`
    /// of layer `l` is
    /// `Σₖ ⟨κₖ, AₖⱼsⱼZₐ · Aₖⱼ′sⱼ′Z_b⟩ = ⟨μⱼⱼ′, sⱼsⱼ′ · ZₐZ_b⟩ = ⟨νⱼⱼ′, ZₐZ_b⟩` with
    /// `μⱼⱼ′ = Σₖ AₖⱼAₖⱼ′κₖ` and `νⱼⱼ′ = μⱼⱼ′ ⊳ sⱼsⱼ′`: per point `Wₗ₋₁²/2` duals and
    /// `(Wₗ₋₂ + 1)²/2` products of inputs, paired by one product over the points and the jet
    /// components, where the neurons one at a time need `Wₗ` products of
    /// `(Wₗ₋₁(Wₗ₋₂ + 1))²/2` entries — for Fourier features or two inputs, most of the
    /// second-order term.
    fn previous_layer(&mut self, l: usize, theta: &[f64], h: &mut [f64], p: usize) {
        let layout = &self.layout;
        let (below, features) = (layout.width(l - 1), layout.width(l - 2));
        let (kappa, mu) = (&self.kappa[l], &mut self.mu);
        let (squares, duals) = (&mut self.squares[l], &mut self.duals[l]);
        let input = |z: &[J], a: usize| if a < features { z[a] } else { J::constant(1.0) };
        // Blocks record the stacked factors themselves (`record_block`).
        let points = squares.points();
        let (filled_points, filled_pairs) = if self.in_blocks {
            (0, 0)
        } else {
            (points, self.pair_index[l].len())
        };
        let inputs = self.inputs[l].chunks_exact(features).take(filled_points);
        for (i, z) in inputs.enumerate() {
            for (q, &(a, b)) in self.square_index[l].iter().enumerate() {
                squares.put_jet(i, q, &input(z, a).mul(input(z, b)));
            }
        }
        let s1 = &self.s1[l - 1];
        for (q, &(j, jp)) in self.pair_index[l].iter().enumerate().take(filled_pairs) {
            combine(
                kappa,
                |k| theta[layout.weight(l, k, j)] * theta[layout.weight(l, k, jp)],
                mu,
            );
            for (i, (m, s)) in mu
                .chunks_exact(J::K)
                .zip(s1.chunks_exact(below))
                .enumerate()
            {
                let mut dual = J::default();
                for (c, &m) in m.iter().enumerate() {
                    *dual.get_mut(c) = m;
                }
                duals.put_jet(i, q, &dual.through_product(s[j].mul(s[jp])));
            }
        }
        // The lanes past the last point hold a block's repeated last point (with zero duals).
        squares.clear_from(points);
        duals.clear_from(points);
        let (targets, pairs) = (&self.previous_targets[l], self.pair_index[l].len());
        let (sr, dr) = &mut self.previous_rows[l];
        add_product_of_strips(squares, duals, points, Part::Full, (sr, dr), |t, q, v| {
            let (first, second) = targets[t * pairs + q];
            h[first.at(p)] += v;
            if let Some(second) = second {
                h[second.at(p)] += v;
            }
        });
    }

    /// `Xⱼᵀ Tˡ⁻¹ⱼ` for the affine map of layer `l` and neuron `j` of layer `l − 1`.
    fn affine(&mut self, l: usize, j: usize, add: &mut impl FnMut(usize, usize, f64)) {
        let (width, below) = (self.layout.width(l), self.layout.width(l - 1));
        let x = &mut self.cross[l];
        for i in 0..x.rows() / J::K {
            let s1 = self.s1[l - 1][i * below + j];
            let mut row = Row::new(x, i);
            for adj_h in &self.adj_h[l][i * width..(i + 1) * width] {
                row.push(&adj_h.through_product(s1));
            }
        }
        let (layout, t) = (&self.layout, &self.tangents[l - 1][j]);
        // The operand with fewer columns on the side of four-column tiles: the same sums
        // either way (in the same order but for the kernel's split rows, see `gram`).
        if tiles(t.cols(), x.cols()) < tiles(x.cols(), t.cols()) {
            add_product(t, x, Part::Full, |col, k, v| {
                add(layout.weight(l, k, j), parameter(layout, l - 1, j, col), v);
            });
        } else {
            add_product(x, t, Part::Full, |k, col, v| {
                add(layout.weight(l, k, j), parameter(layout, l - 1, j, col), v);
            });
        }
    }
}

/// Adds the activation sums of neuron `(l, k)` (upper triangle of the [`factored`] rows,
/// `S × S` column-major) to the upper triangle of `h`. The block of the parameters below layer
/// `l` is most of the entries and its columns are contiguous in `h`, so it is added a column
/// slice at a time rather than entry by entry.
fn add_activation(layout: &Layout, l: usize, k: usize, sums: &[f64], h: &mut [f64], p: usize) {
    let w = layout.width(l - 1);
    let n = w + 1 + layout.offset(l);
    let m = factored(layout, l);
    for b in 0..n {
        let pb = parameter(layout, l, k, b);
        let column = &sums[b * n..b * n + (b + 1).min(m)];
        let (own, lower) = column.split_at(column.len().min(w + 1));
        for (a, &v) in own.iter().enumerate() {
            h[upper(parameter(layout, l, k, a), pb, p)] += v;
        }
        // Columns past the neuron's own row are parameters `0 ..= pb` in order.
        for (t, &v) in h[pb * p..][..lower.len()].iter_mut().zip(lower) {
            *t += v;
        }
    }
}

/// Returns the index of the entry of parameters `a` and `b` (in either order) in the upper
/// triangle of a column-major `p × p` matrix.
#[inline]
fn upper(a: usize, b: usize, p: usize) -> usize {
    a.max(b) * p + a.min(b)
}

/// The entry of the Hessian of two parameters, stored narrow: the tables of
/// [`Curvature::previous_targets`] hold thousands.
#[derive(Clone, Copy, Debug)]
struct Entry {
    a: u32,
    b: u32,
}

impl Entry {
    fn new(a: usize, b: usize) -> Self {
        let narrow = |v: usize| u32::try_from(v).expect("parameter counts fit in u32");
        Self {
            a: narrow(a),
            b: narrow(b),
        }
    }

    /// Returns its index in the upper triangle of a column-major `p × p` matrix.
    #[inline]
    fn at(self, p: usize) -> usize {
        upper(self.a as usize, self.b as usize, p)
    }
}

/// [`Curvature::previous_targets`] of layer `l` (empty unless [`summed`]).
fn previous_targets(
    layout: &Layout,
    l: usize,
    square_index: &[(usize, usize)],
    pair_index: &[(usize, usize)],
) -> Vec<(Entry, Option<Entry>)> {
    let mut targets = Vec::with_capacity(square_index.len() * pair_index.len());
    for &(a, b) in square_index {
        for &(j, jp) in pair_index {
            let first = Entry::new(
                parameter(layout, l - 1, j, a),
                parameter(layout, l - 1, jp, b),
            );
            // Between two neurons, `(a, b)` and `(b, a)` are different parameters.
            let second = (j != jp && a != b).then(|| {
                Entry::new(
                    parameter(layout, l - 1, j, b),
                    parameter(layout, l - 1, jp, a),
                )
            });
            targets.push((first, second));
        }
    }
    targets
}

/// A term of [`Curvature::add_shared`]: entry `source` of the product `GᵀB` of a layer, times
/// entry `weight` of `[1, θ]`, added to the Hessian's `entry`.
#[derive(Clone, Copy, Debug)]
struct SharedTarget {
    source: u32,
    entry: Entry,
    weight: u32,
}

/// [`Curvature::shared_targets`] of layer `l` (empty unless it [`share`]s its tangents): for each
/// neuron `k`, its activation block on its own row (upper half) and against the parameters of
/// layer 1 (scaled by `Aₖⱼ`), for the top layer the output term of `cₖ`, and where the affine
/// term is [`folded`] the rows `sH̄ₖ`. Worked out once: per entry and evaluation, the indices
/// cost several times the addition.
fn shared_targets(layout: &Layout, l: usize) -> Vec<SharedTarget> {
    if l == 0 || !share(l) {
        return Vec::new();
    }
    let narrow = |v: usize| u32::try_from(v).expect("parameter counts fit in u32");
    let (width, own) = (layout.width(l), layout.width(l - 1) + 1);
    let n = shared_columns(layout, l).1;
    let (features, below) = (layout.width(0), layout.width(1));
    // Parameter `t` of layer 1 is weight `(j, a)` at `t = j·F + a` or bias `j` at `t = W₁F + j`:
    // returns its neuron `j`.
    let neuron_of = |t: usize| {
        if t < below * features {
            t / features
        } else {
            t - below * features
        }
    };
    let mut targets = Vec::new();
    let mut push = |source: usize, a: usize, b: usize, weight: Option<usize>| {
        targets.push(SharedTarget {
            source: narrow(source),
            entry: Entry::new(a, b),
            weight: narrow(weight.map_or(0, |w| w + 1)),
        });
    };
    // Row `r` of `GᵀB` belongs to parameter `pa` (of neuron `k`): its own columns from `from`,
    // then for `l = 2` column `own + t`, parameter `t` of layer 1: weight `(j, a)` at
    // `t = j·F + a` or bias `j` at `t = W₁F + j`, either scaled by `A²ₖⱼ`.
    let mut row_of = |r: usize, k: usize, pa: usize, from: usize| {
        for b in from..own {
            push(r * n + b, pa, parameter(layout, l, k, b), None);
        }
        if l == 2 {
            for t in 0..below * (features + 1) {
                push(
                    r * n + own + t,
                    t,
                    pa,
                    Some(layout.weight(l, k, neuron_of(t))),
                );
            }
        }
    };
    for k in 0..width {
        for a in 0..own {
            row_of(k * own + a, k, parameter(layout, l, k, a), a);
        }
        if l == layout.depth() {
            row_of(width * own + k, k, layout.offset(l + 1) + k, 0);
        }
    }
    if folded(l) {
        // Row `sH̄ₖ` against column `own + t` of `B`, parameter `t` of layer 1: weight
        // `(j, a)` or bias `j`, paired with `A²ₖⱼ`.
        let rows = width * own + if l == layout.depth() { width } else { 0 };
        for k in 0..width {
            for t in 0..below * (features + 1) {
                push(
                    (rows + k) * n + own + t,
                    layout.weight(l, k, neuron_of(t)),
                    t,
                    None,
                );
            }
        }
    }
    targets
}

/// Returns the parameter at column `c` of the support of neuron `(l, k)`.
fn parameter(layout: &Layout, l: usize, k: usize, c: usize) -> usize {
    let w = layout.width(l - 1);
    match c.cmp(&w) {
        core::cmp::Ordering::Less => layout.weight(l, k, c),
        core::cmp::Ordering::Equal => layout.bias(l, k),
        core::cmp::Ordering::Greater => c - w - 1,
    }
}

/// A matrix of stacked jets, `K` rows per point: [`Panels`] or [`Strips`].
trait JetRows {
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
struct Row<'a, M: JetRows> {
    rows: &'a mut M,
    point: usize,
    column: usize,
}

impl<'a, M: JetRows> Row<'a, M> {
    fn new(rows: &'a mut M, point: usize) -> Self {
        Self {
            rows,
            point,
            column: 0,
        }
    }

    /// Writes `jet` into the next column.
    #[inline]
    fn push<J: Jet>(&mut self, jet: &J) {
        self.rows.put(self.point, self.column, jet);
        self.column += 1;
    }
}

/// The copies for a product of strips of `a` and `b` columns and `rows` rows, where
/// [`add_product_of_strips`] makes them.
fn scratch(rows: usize, a: usize, b: usize) -> (Panels, Panels) {
    if through_panels(a, b) {
        (Panels::new(rows, a), Panels::new(rows, b))
    } else {
        (Panels::default(), Panels::default())
    }
}

/// Returns the micro-tiles of a product `AᵀB` with `a` columns in `A` and `b` in `B`.
fn tiles(a: usize, b: usize) -> usize {
    a.div_ceil(4) * b.div_ceil(PANEL)
}

/// Writes `jet` into column `c` of a block of `K` rows.
#[inline]
fn put_jet<J: Jet>(block: &mut [f64], c: usize, jet: &J) {
    for k in 0..J::K {
        block[k * PANEL + c] = jet.get(k);
    }
}
