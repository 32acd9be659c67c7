//! [`BLOCK`] points at a time through a network whose jets are plain numbers: the forward and
//! backward passes of [`engine`](super::engine) with every quantity a vector over the points.
//!
//! Regression networks (`residual: u − y`, tanh, SIREN, Fourier features) carry no input
//! derivatives, so a point's pass is a few dozen scalar operations per layer at `W = 4 … 8`: one
//! point at a time, each neuron's sum and activation is a short dependent chain, and the loop
//! overhead, the `tanh` latency and the scatter into the stacked factors cost several times the
//! arithmetic. Across points the same operations are independent, so here each neuron holds one
//! value per point of the block ([`Lanes`]): the sums are vector multiply-adds and `tanh` runs
//! at its throughput. The curvature records a block from this state
//! (`Curvature::record_block`), in the same layout as point by point.

use super::architecture::{Architecture, Embedding, Layout};
use super::gram::Panels;

/// Points per block: one AVX-512 register of `f64`s, or two AVX2 ones.
pub(crate) const BLOCK: usize = 8;

/// Neurons per call of the activation.
const NEURONS: usize = 4;

/// One value per point of a block.
pub(crate) type Lanes = [f64; BLOCK];

/// The state of one block of points, allocated once for an architecture. Index `l` as in the
/// point [`Workspace`](super::engine::Workspace): `z[0] = ξ(x)`, `z[l]` the outputs of hidden
/// layer `l`, `s1`, `s2`, `adj_z`, `adj_h` entry 0 unused.
#[derive(Clone, Debug)]
pub(crate) struct Block {
    pub(crate) layout: Layout,
    /// The points of the block in use (the last block of a sweep may be short; its unused
    /// lanes repeat its last point and are never written out).
    pub(crate) lanes: usize,
    pub(crate) z: Vec<Vec<Lanes>>,
    pub(crate) s1: Vec<Vec<Lanes>>,
    pub(crate) s2: Vec<Vec<Lanes>>,
    pub(crate) adj_z: Vec<Vec<Lanes>>,
    pub(crate) adj_h: Vec<Vec<Lanes>>,
    pub(crate) distance: Lanes,
    /// The adjoint of `s = Σⱼ cⱼ Zᴸⱼ + c₀`.
    pub(crate) adj_s: Lanes,
    /// The block's rows of the Jacobian, column by column (parameter by parameter).
    row: Vec<Lanes>,
}

impl Block {
    pub(crate) fn new(architecture: &Architecture) -> Self {
        let layout = Layout::new(architecture);
        let per_layer = || -> Vec<Vec<Lanes>> {
            (0..=layout.depth())
                .map(|l| vec![[0.0; BLOCK]; layout.width(l)])
                .collect()
        };
        Self {
            z: per_layer(),
            s1: per_layer(),
            s2: per_layer(),
            adj_z: per_layer(),
            adj_h: per_layer(),
            lanes: 0,
            row: vec![[0.0; BLOCK]; architecture.parameters()],
            distance: [1.0; BLOCK],
            adj_s: [0.0; BLOCK],
            layout,
        }
    }

    /// Runs the forward pass at the `lanes` points `x` (`lanes × d`, one after another) with
    /// distances `distance` and returns the outputs `U = D·(Σⱼ cⱼ Zᴸⱼ + c₀)`.
    pub(crate) fn forward(
        &mut self,
        arch: &Architecture,
        theta: &[f64],
        x: &[f64],
        distance: Lanes,
    ) -> Lanes {
        let d = arch.inputs;
        let lanes = x.len() / d;
        debug_assert!((1..=BLOCK).contains(&lanes));
        self.lanes = lanes;
        let point = |q: usize| &x[q.min(lanes - 1) * d..][..d];
        self.features(arch, point);
        let layout = &self.layout;
        for l in 1..=layout.depth() {
            let (below, here) = self.z.split_at_mut(l);
            let previous = &below[l - 1];
            for (k, out) in here[0].iter_mut().enumerate() {
                let mut h = [theta[layout.bias(l, k)]; BLOCK];
                let row = &theta[layout.weight(l, k, 0)..][..previous.len()];
                for (&a, z) in row.iter().zip(previous) {
                    add_scaled(&mut h, a, z);
                }
                *out = h;
            }
            // The activations of [`NEURONS`] neurons per call: one neuron's `tanh` is a long
            // dependent chain, and several side by side keep the vector units busy.
            for k0 in (0..here[0].len()).step_by(NEURONS) {
                let neurons = (here[0].len() - k0).min(NEURONS);
                let mut h = [0.0; NEURONS * BLOCK];
                for (to, from) in h.chunks_exact_mut(BLOCK).zip(&here[0][k0..k0 + neurons]) {
                    to.copy_from_slice(from);
                }
                let d = arch.activation.derivatives_lanes(&h);
                for q in 0..neurons {
                    let lanes = |row: &[f64; NEURONS * BLOCK]| -> Lanes {
                        core::array::from_fn(|p| row[q * BLOCK + p])
                    };
                    here[0][k0 + q] = lanes(&d[0]);
                    self.s1[l][k0 + q] = lanes(&d[1]);
                    self.s2[l][k0 + q] = lanes(&d[2]);
                }
            }
        }
        self.distance = distance;
        let (c, top) = (layout.offset(layout.depth() + 1), &self.z[layout.depth()]);
        let mut s = [if arch.output_bias {
            theta[c + top.len()]
        } else {
            0.0
        }; BLOCK];
        for (&c, z) in theta[c..c + top.len()].iter().zip(top) {
            add_scaled(&mut s, c, z);
        }
        core::array::from_fn(|q| distance[q] * s[q])
    }

    /// Writes the features `ξ(x)` of the block's points into `z[0]` (`cos` rows before `sin`
    /// rows for Fourier features, as [`engine`](super::engine) does).
    fn features<'x>(&mut self, arch: &Architecture, point: impl Fn(usize) -> &'x [f64]) {
        let xi = &mut self.z[0];
        match &arch.embedding {
            Embedding::Identity => {
                for (i, f) in xi.iter_mut().enumerate() {
                    *f = core::array::from_fn(|q| point(q)[i]);
                }
            }
            Embedding::Fourier { frequencies } => {
                let m = frequencies.nrows();
                let (cos, sin) = xi.split_at_mut(m);
                for (row, (cos, sin)) in cos.iter_mut().zip(sin).enumerate() {
                    for q in 0..BLOCK {
                        let t = point(q).iter().enumerate().fold(0.0, |t, (i, &v)| {
                            t + core::f64::consts::TAU * frequencies[(row, i)] * v
                        });
                        (sin[q], cos[q]) = t.sin_cos();
                    }
                }
            }
        }
    }

    /// Runs the backward pass of the duals `rho` (one per point) from the last forward pass:
    /// writes the rows `∇_θ ⟨ρ, U⟩` of the block's points into rows `first ..` of `jacobian`
    /// and keeps the adjoints for the second-order term.
    pub(crate) fn backward(
        &mut self,
        arch: &Architecture,
        theta: &[f64],
        rho: &Lanes,
        jacobian: &mut Panels,
        first: usize,
    ) {
        let layout = &self.layout;
        let (depth, lanes) = (layout.depth(), self.lanes);
        let row = &mut self.row;
        let mut put = |q: usize, v: &Lanes| row[q] = *v;
        let c = layout.offset(depth + 1);
        self.adj_s = core::array::from_fn(|q| rho[q] * self.distance[q]);
        for (j, z) in self.z[depth].iter().enumerate() {
            put(c + j, &times(&self.adj_s, z));
            self.adj_z[depth][j] = self.adj_s.map(|v| v * theta[c + j]);
        }
        if arch.output_bias {
            put(c + layout.width(depth), &self.adj_s);
        }
        for l in (1..=depth).rev() {
            let width_below = layout.width(l - 1);
            for k in 0..layout.width(l) {
                let adj_h = times(&self.adj_z[l][k], &self.s1[l][k]);
                self.adj_h[l][k] = adj_h;
                put(layout.bias(l, k), &adj_h);
                for (i, z) in self.z[l - 1].iter().enumerate() {
                    put(layout.weight(l, k, i), &times(&adj_h, z));
                }
            }
            if l > 1 {
                for (j, adj) in self.adj_z[l - 1].iter_mut().enumerate().take(width_below) {
                    *adj = [0.0; BLOCK];
                    for (k, adj_h) in self.adj_h[l].iter().enumerate() {
                        add_scaled(adj, theta[layout.weight(l, k, j)], adj_h);
                    }
                }
            }
        }
        jacobian.set_block(first, &self.row, lanes);
    }
}

/// `acc += a·z`, lane by lane.
#[inline]
pub(crate) fn add_scaled(acc: &mut Lanes, a: f64, z: &Lanes) {
    for (t, &v) in acc.iter_mut().zip(z) {
        *t += a * v;
    }
}

/// `a·b`, lane by lane.
#[inline]
pub(crate) fn times(a: &Lanes, b: &Lanes) -> Lanes {
    core::array::from_fn(|q| a[q] * b[q])
}
