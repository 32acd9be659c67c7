//! The activation blocks of the layers that do not share their tangents, one product `ΛᵀR`
//! per neuron, and the output term of such a top layer.
//!
//! The activation of neuron `(l, k)` with tangents `Tᵢ` of `Hˡₖ` over its support `S` adds
//! `Σᵢ ⟨sᵢκᵢ, Tᵢ Tᵢ⟩ = ΛᵀR` on `S × S` (`κ = σ″(Hˡₖ)*Z̄ˡₖ`), with `R` and `Λ` the stacked
//! factors of the form `⟨κ, a·b⟩` ([`Form`]: `2 + D` rows per point rather than `K`). The
//! factors are stacked a chunk of points at a time and multiplied into a dense `S × S`
//! accumulator per neuron whenever the chunk is full: stacked over all points they are
//! megabytes at the PINN sizes, and writing them point by point then misses the cache on every
//! store, while a chunk stays in L2 between being written and being read.

use super::super::jet::Jet;
use super::super::kernels::panels::add_partial_product;
use super::super::kernels::{Panels, Part, PANEL};
use super::super::passes::point::{stride, Workspace as PointWorkspace};
use super::super::plan::Plan;
use super::form::Form;
use super::stack::{parameter, put_jet, upper};

/// The stacked factors and sums of the layers that do not share their tangents. Index `l` runs
/// over the hidden layers from 1 (entry 0 is empty), then neuron `k`.
#[derive(Clone, Debug)]
pub(super) struct Factored {
    /// `R` and `Λ` of the activation of neuron `(l, k)` for the current chunk of points,
    /// [`Form::RANK`] rows per point: `R` on the neuron's support `S`, `Λ` on the first
    /// [`Plan::factored`] columns `m` of it, which the partial product reads.
    reduced: Vec<Vec<Panels>>,
    weighted: Vec<Vec<Panels>>,
    /// `ΛᵀR` of neuron `(l, k)` summed over the chunks so far: the upper part of its first `m`
    /// rows, `m × S`, column-major.
    sums: Vec<Vec<Vec<f64>>>,
    /// The output term `Σᵢ ⟨ωᵢₒⱼ, Tᴸᵢⱼ⟩` per output `o` and neuron `j` of layer `L` (`S`
    /// entries each, padded to whole panels; output by output), summed while recording: it
    /// needs no product, so the top layer keeps no `K`-row tangents.
    output: Vec<f64>,
}

impl Factored {
    pub(super) fn new<J: Jet>(plan: &Plan) -> Self {
        let (depth, rows) = (plan.depth(), plan.chunk * Form::<J>::RANK);
        let layout = &plan.layout;
        Self {
            reduced: per_neuron(plan, |l| Panels::new(rows, plan.support(l))),
            weighted: per_neuron(plan, |l| Panels::new(rows, plan.factored(l))),
            sums: per_neuron(plan, |l| vec![0.0; plan.factored(l) * plan.support(l)]),
            output: vec![
                0.0;
                layout.outputs()
                    * layout.width(depth)
                    * plan.support(depth).div_ceil(PANEL)
                    * PANEL
            ],
        }
    }

    /// Starts the output sums afresh, before the first point.
    pub(super) fn start(&mut self) {
        self.output.fill(0.0);
    }

    /// Records point `i` (`slot` in its chunk) for layer `l` with its neurons' weighted duals
    /// `kappa`: the rows of `R` and `Λ` over each neuron's tangents, those tangents into
    /// `tangents` where the affine term above reads them, and for the top layer its output
    /// terms with `adj_s` (`s̄ₒ` per output, scaled by the point's weight).
    #[expect(
        clippy::too_many_arguments,
        reason = "one point's state, passed through"
    )]
    pub(super) fn record<J: Jet>(
        &mut self,
        plan: &Plan,
        l: usize,
        (i, slot): (usize, usize),
        kappa: &[J],
        adj_s: &[J],
        ws: &PointWorkspace<J>,
        tangents: &mut [Panels],
    ) {
        let (layout, depth, rank) = (&plan.layout, plan.depth(), Form::<J>::RANK);
        let stride = stride(layout.width(l - 1), layout.offset(l));
        let support = plan.support(l);
        let keeps = plan.keeps_tangents(l);
        let rows = ws.support_h[l].chunks_exact(stride);
        let width = layout.width(l);
        // `Λ` is read on the first `factored(l)` columns only (the product is partial), so
        // past their panels only `R` is stacked.
        let weighted = plan.factored(l).div_ceil(PANEL);
        for (k, row) in rows.enumerate().take(width) {
            let form = Form::new(kappa[k]);
            let (r, w) = (&mut self.reduced[l][k], &mut self.weighted[l][k]);
            // Jet by jet: gathering a panel of jets into rows first would read eight scalar
            // stores back as one vector load, which the store buffer cannot forward. The
            // padding columns are never written, so they stay zero; skipping them matters for
            // the first layer, whose support of `d + 1` is mostly padding.
            for (panel, jets) in row[..support].chunks(PANEL).enumerate() {
                let rb = r.block_mut(slot, rank, panel);
                let mut wb = (panel < weighted).then(|| w.block_mut(slot, rank, panel));
                let mut put = |c: usize, jet: &J| match wb.as_deref_mut() {
                    Some(wb) => form.put(jet, rb, wb, c),
                    None => form.put_reduced(jet, rb, c),
                };
                if keeps {
                    let tb = tangents[k].block_mut(i, J::K, panel);
                    for (c, jet) in jets.iter().enumerate() {
                        put(c, jet);
                        put_jet(tb, c, jet);
                    }
                } else if l == depth {
                    for (c, jet) in jets.iter().enumerate() {
                        put(c, jet);
                    }
                    for (o, adj_s) in adj_s.iter().enumerate() {
                        let omega = adj_s.through_product(ws.s1[l][k]);
                        let at = ((o * width + k) * stride / PANEL + panel) * PANEL;
                        let sums = &mut self.output[at..at + PANEL];
                        for (jet, sum) in jets.iter().zip(sums) {
                            *sum += omega.dot(jet);
                        }
                    }
                } else {
                    for (c, jet) in jets.iter().enumerate() {
                        put(c, jet);
                    }
                }
            }
        }
    }

    /// Adds `ΛᵀR` over the first `points` points of the chunk to every neuron's sums; the
    /// `first` chunk writes them instead, which spares zeroing megabytes of sums at `W = 32`
    /// (the product reports every upper entry, and only those are read).
    pub(super) fn flush<J: Jet>(&mut self, plan: &Plan, points: usize, first: bool) {
        let rows = points * Form::<J>::RANK;
        let chunks = self.weighted.iter().zip(&self.reduced).zip(&mut self.sums);
        for (l, ((weighted, reduced), sums)) in chunks.enumerate().skip(1) {
            let m = plan.factored(l);
            for ((w, r), s) in weighted.iter().zip(reduced).zip(sums) {
                let n = r.cols();
                let (w, r) = ((w, m), (r, n));
                if first {
                    add_partial_product(w, r, rows, Part::Upper, |a, b, v| s[b * m + a] = v);
                } else {
                    add_partial_product(w, r, rows, Part::Upper, |a, b, v| s[b * m + a] += v);
                }
            }
        }
    }

    /// Adds the activation sums of every neuron of layer `l` to the upper triangle of `h`
    /// (`p × p`, column-major).
    pub(super) fn add_activations(&self, plan: &Plan, l: usize, h: &mut [f64], p: usize) {
        for (k, sums) in self.sums[l].iter().enumerate() {
            add_activation(plan, l, k, sums, h, p);
        }
    }

    /// Adds the output term of a top layer that does not share its tangents.
    pub(super) fn add_output(&self, plan: &Plan, h: &mut [f64], p: usize) {
        let (layout, depth) = (&plan.layout, plan.depth());
        let support = plan.support(depth);
        let (width, padded) = (layout.width(depth), support.div_ceil(PANEL) * PANEL);
        for (at, sums) in self.output.chunks_exact(padded).enumerate() {
            let (o, j) = (at / width, at % width);
            let c = layout.output_weight(o, j);
            for (col, &v) in sums[..support].iter().enumerate() {
                h[upper(c, parameter(layout, depth, j, col), p)] += v;
            }
        }
    }
}

/// Returns `f(l)` for every neuron of every layer `l` that does not share its tangents.
fn per_neuron<T>(plan: &Plan, f: impl Fn(usize) -> T) -> Vec<Vec<T>> {
    (0..=plan.depth())
        .map(|l| {
            let n = if l == 0 || plan.shares(l) {
                0
            } else {
                plan.layout.width(l)
            };
            (0..n).map(|_| f(l)).collect()
        })
        .collect()
}

/// Adds the activation sums of neuron `(l, k)` (upper part of the factored rows, `m × S`
/// column-major) to the upper triangle of `h`. The block of the parameters below layer `l` is
/// most of the entries and its columns are contiguous in `h`, so it is added a column slice at
/// a time rather than entry by entry.
fn add_activation(plan: &Plan, l: usize, k: usize, sums: &[f64], h: &mut [f64], p: usize) {
    let layout = &plan.layout;
    let w = layout.width(l - 1);
    let n = plan.support(l);
    let m = plan.factored(l);
    for b in 0..n {
        let pb = parameter(layout, l, k, b);
        let column = &sums[b * m..b * m + (b + 1).min(m)];
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
