//! [`BLOCK`] points at a time through the network: the forward and backward passes of
//! [`point`](super::point) with every quantity a vector over the points.
//!
//! At `W = 4 … 10` a point's pass is a few dozen jet operations per layer: one point at a time,
//! each neuron's sum and activation is a short dependent chain, and the loop overhead, the
//! `tanh` latency and the scatter into the stacked factors cost several times the arithmetic.
//! Across points the same operations are independent, so here each component of each neuron's
//! jet holds one value per point of the block ([`Lanes`], and the lane jets of [`jets`]): the
//! sums are vector multiply-adds and `tanh` runs at its throughput. The curvature records a
//! block from this state (`Curvature::record_block`), in the same layout as point by point.

use core::marker::PhantomData;

use super::super::jet::Jet;
use super::super::kernels::lane_jets::{self as jets, MAX_K};
use super::super::kernels::{Lanes, Strips, BLOCK};
use super::super::model::{Architecture, Embedding, Layout};

/// Neurons per call of the activation.
const NEURONS: usize = 4;

/// The state of one block of points, allocated once for an architecture. Index `l` as in the
/// point [`Workspace`](super::point::Workspace): `z[0] = ξ(x)`, `z[l]` the outputs of hidden
/// layer `l`, `s1`, `s2`, `adj_z`, `adj_h` entry 0 unused; neuron `k`'s lane jet is entries
/// `k·K .. (k + 1)·K` of its layer.
#[derive(Clone, Debug)]
pub(crate) struct Block<J: Jet> {
    pub(crate) layout: Layout,
    /// The points of the block in use (the last block of a sweep may be short; its unused
    /// lanes repeat its last point and are never written out).
    pub(crate) lanes: usize,
    pub(crate) z: Vec<Vec<Lanes>>,
    pub(crate) s1: Vec<Vec<Lanes>>,
    pub(crate) s2: Vec<Vec<Lanes>>,
    pub(crate) adj_z: Vec<Vec<Lanes>>,
    pub(crate) adj_h: Vec<Vec<Lanes>>,
    /// The pre-activations of one layer, then the output sum.
    pre: Vec<Lanes>,
    /// The activation's derivatives `σ⁽ⁱ⁾` of [`NEURONS`] neurons (entry `[i][n·BLOCK + q]`).
    derivatives: Box<[[f64; NEURONS * BLOCK]; 5]>,
    distance: Vec<Lanes>,
    /// The output jets `Uₒ`, and the adjoints of `sₒ = Σⱼ cₒⱼ Zᴸⱼ + c₀ₒ`, output by output.
    output: Vec<Lanes>,
    pub(crate) adj_s: Vec<Lanes>,
    /// The duals of the last backward pass, output by output.
    rho: Vec<Lanes>,
    /// Whether the dispatched target of the last forward pass has fused multiply-adds.
    pub(crate) fused: bool,
    /// Room for the weights of a layer, column by column, for the backward pass.
    columns: Vec<f64>,
    marker: PhantomData<J>,
}

impl<J: Jet> Block<J> {
    pub(crate) fn new(architecture: &Architecture) -> Self {
        let layout = Layout::new(architecture);
        let per_layer = || -> Vec<Vec<Lanes>> {
            (0..=layout.depth())
                .map(|l| vec![[0.0; BLOCK]; layout.width(l) * J::K])
                .collect()
        };
        let widest = (0..=layout.depth()).map(|l| layout.width(l)).max();
        let jet = || vec![[0.0; BLOCK]; J::K];
        let per_output = || vec![[0.0; BLOCK]; J::K * layout.outputs()];
        Self {
            z: per_layer(),
            s1: per_layer(),
            s2: per_layer(),
            adj_z: per_layer(),
            adj_h: per_layer(),
            pre: vec![[0.0; BLOCK]; widest.unwrap_or(0) * J::K],
            derivatives: Box::new([[0.0; NEURONS * BLOCK]; 5]),
            lanes: 0,
            distance: jet(),
            output: per_output(),
            adj_s: per_output(),
            rho: per_output(),
            fused: false,
            columns: vec![
                0.0;
                (1..=layout.depth())
                    .map(|l| layout.width(l) * layout.width(l - 1))
                    .max()
                    .unwrap_or(0)
            ],
            marker: PhantomData,
            layout,
        }
    }

    /// Returns the output jet `Uₒ` of point `q` of the last forward pass.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(crate) fn output(&self, o: usize, q: usize) -> J {
        jets::get(&self.output[o * J::K..(o + 1) * J::K], q)
    }

    /// Runs the forward pass at the `lanes` points `x` (`lanes × d`, one after another) with
    /// distance jets `distance` and keeps the outputs `Uₒ = D·(Σⱼ cₒⱼ Zᴸⱼ + c₀ₒ)`; `fused` says
    /// that the dispatched target has fused multiply-adds.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(crate) fn forward(
        &mut self,
        arch: &Architecture,
        theta: &[f64],
        x: &[f64],
        distance: &[J; BLOCK],
        fused: bool,
    ) {
        let d = arch.inputs;
        let lanes = x.len() / d;
        debug_assert!((1..=BLOCK).contains(&lanes));
        self.lanes = lanes;
        self.fused = fused;
        let point = |q: usize| &x[q.min(lanes - 1) * d..][..d];
        self.features(arch, point);
        let (layout, k) = (&self.layout, J::K);
        for l in 1..=layout.depth() {
            let previous = &self.z[l - 1];
            let width = layout.width(l);
            for (n, h) in self.pre.chunks_exact_mut(k).take(width).enumerate() {
                let row = &theta[layout.weight(l, n, 0)..][..layout.width(l - 1)];
                jets::combine(h, theta[layout.bias(l, n)], row, previous, fused);
            }
            // The activations of [`NEURONS`] neurons per call: one neuron's `tanh` is a long
            // dependent chain, and several side by side keep the vector units busy.
            for n0 in (0..width).step_by(NEURONS) {
                let neurons = (width - n0).min(NEURONS);
                let mut values = [0.0; NEURONS * BLOCK];
                for (to, h) in values.chunks_exact_mut(BLOCK).zip(0..neurons) {
                    to.copy_from_slice(&self.pre[(n0 + h) * k]);
                }
                // `s2` of a jet with input derivatives composes `σ⁽³⁾` and `σ⁽⁴⁾` too.
                let highest = if k > 1 { 4 } else { 2 };
                arch.activation.derivatives_inline(
                    &values,
                    (highest, fused),
                    &mut self.derivatives,
                );
                let d = &self.derivatives;
                for q in 0..neurons {
                    let f = |i: usize| -> &Lanes {
                        d[i][q * BLOCK..][..BLOCK]
                            .try_into()
                            .expect("a block of lanes")
                    };
                    let n = n0 + q;
                    let h = &self.pre[n * k..(n + 1) * k];
                    let at = n * k..(n + 1) * k;
                    jets::compose::<J>(h, [f(0), f(1), f(2)], &mut self.z[l][at.clone()]);
                    jets::compose::<J>(h, [f(1), f(2), f(3)], &mut self.s1[l][at.clone()]);
                    jets::compose::<J>(h, [f(2), f(3), f(4)], &mut self.s2[l][at]);
                }
            }
        }
        for (q, distance) in distance.iter().enumerate() {
            jets::set(&mut self.distance, q, distance);
        }
        let top = &self.z[layout.depth()];
        let width = layout.width(layout.depth());
        for (o, output) in self.output.chunks_exact_mut(k).enumerate() {
            let bias = if arch.output_bias {
                theta[arch.output_bias_index(o)]
            } else {
                0.0
            };
            let c = layout.output_weight(o, 0);
            let s = &mut self.pre[..k];
            jets::combine(s, bias, &theta[c..c + width], top, fused);
            jets::mul::<J>(&self.distance, s, output);
        }
    }

    /// Writes the feature jets `ξ(x)` of the block's points into `z[0]` (`cos` rows before
    /// `sin` rows for Fourier features, as [`point`](super::point) does).
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    fn features<'x>(&mut self, arch: &Architecture, point: impl Fn(usize) -> &'x [f64]) {
        let k = J::K;
        let xi = &mut self.z[0];
        match &arch.embedding {
            Embedding::Identity => {
                for (i, f) in xi.chunks_exact_mut(k).enumerate() {
                    jets::constant(0.0, f);
                    for (q, v) in f[0].iter_mut().enumerate() {
                        *v = point(q)[i];
                    }
                    if k > 1 {
                        f[1 + i] = [1.0; BLOCK];
                    }
                }
            }
            Embedding::Fourier { frequencies } => {
                let m = frequencies.nrows();
                let (cos, sin) = xi.split_at_mut(m * k);
                let rows = cos.chunks_exact_mut(k).zip(sin.chunks_exact_mut(k));
                let mut t = [[0.0; BLOCK]; MAX_K];
                let t = &mut t[..k];
                for (row, (cos, sin)) in rows.enumerate() {
                    // `t = 2π Bᵣ·x`, linear in `x`.
                    jets::constant(0.0, t);
                    for (i, f) in frequencies.row(row).iter().enumerate() {
                        let w = core::f64::consts::TAU * f;
                        for (q, t) in t[0].iter_mut().enumerate() {
                            *t += w * point(q)[i];
                        }
                        if k > 1 {
                            t[1 + i] = [w; BLOCK];
                        }
                    }
                    let (mut s, mut c) = ([0.0; BLOCK], [0.0; BLOCK]);
                    for q in 0..BLOCK {
                        (s[q], c[q]) = t[0][q].sin_cos();
                    }
                    let (minus_s, minus_c) = (s.map(|v| -v), c.map(|v| -v));
                    jets::compose::<J>(t, [&c, &minus_s, &minus_c], cos);
                    jets::compose::<J>(t, [&s, &c, &minus_s], sin);
                }
            }
        }
    }

    /// Runs the backward pass of the duals `rho` (per output, one per point) from the last
    /// forward pass: writes the rows `∇_θ Σₒ ⟨ρₒ, Uₒ⟩` of the block's points into the strip of
    /// `jacobian` that
    /// starts at point `first` (a multiple of [`BLOCK`]), and keeps the adjoints for the
    /// second-order term. The lanes past the block's points get the rows of a zero dual.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(crate) fn backward(
        &mut self,
        arch: &Architecture,
        theta: &[f64],
        rho: &[[J; BLOCK]],
        jacobian: &mut Strips,
        first: usize,
    ) {
        let (layout, k) = (&self.layout, J::K);
        let depth = layout.depth();
        debug_assert!(first.is_multiple_of(BLOCK));
        let mut row = jacobian.strip_mut(first / BLOCK);
        let duals = self.rho.chunks_exact_mut(k).zip(rho);
        for (o, ((lanes, rho), adj_s)) in duals.zip(self.adj_s.chunks_exact_mut(k)).enumerate() {
            for (q, rho) in rho.iter().enumerate() {
                jets::set(lanes, q, rho);
            }
            jets::through_product::<J>(lanes, &self.distance, adj_s);
            let c = layout.output_weight(o, 0);
            let top = self.z[depth].chunks_exact(k);
            for ((j, z), adj) in top.enumerate().zip(self.adj_z[depth].chunks_exact_mut(k)) {
                *row.lanes(c + j) = jets::dot(adj_s, z);
                if o == 0 {
                    jets::scale(adj_s, theta[c + j], adj);
                } else {
                    jets::add_scaled(adj, theta[c + j], adj_s);
                }
            }
            if arch.output_bias {
                *row.lanes(arch.output_bias_index(o)) = adj_s[0];
            }
        }
        for l in (1..=depth).rev() {
            let width_below = layout.width(l - 1);
            let (adj_z, s1) = (&self.adj_z[l], &self.s1[l]);
            let neurons = adj_z.chunks_exact(k).zip(s1.chunks_exact(k));
            for (n, ((adj_z, s1), adj_h)) in
                neurons.zip(self.adj_h[l].chunks_exact_mut(k)).enumerate()
            {
                jets::through_product::<J>(adj_z, s1, adj_h);
                *row.lanes(layout.bias(l, n)) = adj_h[0];
                for (i, z) in self.z[l - 1].chunks_exact(k).enumerate() {
                    *row.lanes(layout.weight(l, n, i)) = jets::dot(adj_h, z);
                }
            }
            if l > 1 {
                // The columns of `Aˡ` as rows, so that each sum reads its weights in a slice.
                let width = layout.width(l);
                let columns = &mut self.columns[..width * width_below];
                for (n, row) in theta[layout.weight(l, 0, 0)..][..width * width_below]
                    .chunks_exact(width_below)
                    .enumerate()
                {
                    for (j, &a) in row.iter().enumerate() {
                        columns[j * width + n] = a;
                    }
                }
                let below = self.adj_z[l - 1].chunks_exact_mut(k).take(width_below);
                for (adj, weights) in below.zip(columns.chunks_exact(width)) {
                    jets::combine(adj, 0.0, weights, &self.adj_h[l], self.fused);
                }
            }
        }
    }
}
