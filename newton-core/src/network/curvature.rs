//! The second-order term `Σᵢ sᵢ ∇²_θ⟨ρᵢ, Uᵢ⟩` of the loss Hessian, summed over the points block
//! by block (the blocks are described in [`engine`](super::engine)).
//!
//! Added point by point, each block is a scattered rank-`K` update of the `P × P` Hessian, and
//! at `W = 32` those updates are most of the cost. Every block is instead a sum over points of
//! products of per-point factors, so it is one product of stacked matrices:
//! - the activation of neuron `(l, k)` with tangents `Tᵢ` of `Hˡₖ` over its support `S`
//!   (row `k` of `Aˡ`, `bˡₖ`, every parameter below layer `l`) adds
//!   `Σᵢ ⟨sᵢκᵢ, Tᵢ Tᵢ⟩ = ΛᵀT` on `S × S`, with `T` the stacked tangents (one row per point and
//!   jet component) and `Λ = sκ ⊳ T` their duals (`κ = σ″(Hˡₖ)*Z̄ˡₖ`);
//! - the affine map of layer `l` adds, for each neuron `j` below, `Xⱼᵀ Tˡ⁻¹ⱼ` on the column
//!   `Aˡ·ⱼ` against the support of `(l − 1, j)`, because `∂Zˡ⁻¹ⱼ = σ′(Hˡ⁻¹ⱼ)·Tˡ⁻¹ⱼ`; the rows
//!   of `Xⱼ` are the duals `sH̄ˡₖ ⊳ σ′(Hˡ⁻¹ⱼ)`;
//! - the output adds `ωⱼᵀ Tᴸⱼ` on the row of `cⱼ`, with `ω = s s̄ ⊳ σ′(Hᴸⱼ)`.
//!
//! The sweep over the points records `T` and the per-point duals; [`Curvature::assemble`] then
//! runs one kernel call per block and writes each Hessian entry of a block once.

use super::architecture::Layout;
use super::engine::Workspace as PointWorkspace;
use super::gram::{add_product, Panels, Part, PANEL};
use super::jet::Jet;

/// The stacked per-point factors of the second-order term, allocated once for an architecture
/// and a number of points. Index `l` runs over the hidden layers from 1 (entry 0 is empty).
#[derive(Clone, Debug)]
pub(crate) struct Curvature<J: Jet> {
    layout: Layout,
    /// `tangents[l][k]`: the tangents of `Hˡₖ` over its support, one row per point and jet
    /// component; columns `[Zˡ⁻¹ (row k of Aˡ), 1 (bˡₖ), parameters below layer l]`.
    tangents: Vec<Vec<Panels>>,
    /// `Λ` for one neuron of layer `l` at a time.
    weighted: Vec<Panels>,
    /// `Xⱼ` of the affine term of layer `l` for one `j` at a time.
    cross: Vec<Panels>,
    /// Per point and neuron (`i·Wₗ + k`): `sᵢ·κ`, `sᵢ·H̄` and `σ′(H)`.
    kappa: Vec<Vec<J>>,
    adj_h: Vec<Vec<J>>,
    s1: Vec<Vec<J>>,
    /// `sᵢ·s̄` per point.
    adj_s: Vec<J>,
    /// The output term's dual weights (one per row of `T`) and column sums.
    omega: Vec<f64>,
    sums: Vec<f64>,
}

impl<J: Jet> Curvature<J> {
    pub(crate) fn new(layout: &Layout, points: usize) -> Self {
        let depth = layout.depth();
        let rows = points * J::K;
        let support = |l: usize| layout.width(l - 1) + 1 + layout.offset(l);
        let per_layer = |f: &dyn Fn(usize) -> Panels| -> Vec<Panels> {
            (0..=depth)
                .map(|l| if l == 0 { Panels::default() } else { f(l) })
                .collect()
        };
        let per_neuron = |l: usize| vec![J::default(); points * layout.width(l)];
        Self {
            layout: layout.clone(),
            tangents: (0..=depth)
                .map(|l| {
                    let width = if l == 0 { 0 } else { layout.width(l) };
                    (0..width).map(|_| Panels::new(rows, support(l))).collect()
                })
                .collect(),
            weighted: per_layer(&|l| Panels::new(rows, support(l))),
            cross: per_layer(&|l| Panels::new(rows, layout.width(l))),
            kappa: (0..=depth).map(per_neuron).collect(),
            adj_h: (0..=depth).map(per_neuron).collect(),
            s1: (0..=depth).map(per_neuron).collect(),
            adj_s: vec![J::default(); points],
            omega: vec![0.0; rows],
            sums: vec![0.0; support(depth)],
        }
    }

    /// Records point `i` with weight `scale` from the point workspace after its forward pass,
    /// backward pass and [`tangents`](super::engine::tangents).
    pub(crate) fn record(&mut self, i: usize, scale: f64, ws: &PointWorkspace<J>) {
        let layout = &self.layout;
        for l in 1..=layout.depth() {
            let (width, lo) = (layout.width(l), layout.offset(l));
            for k in 0..width {
                let t = &mut self.tangents[l][k];
                let lower = &ws.lower_h[l][k * lo..(k + 1) * lo];
                let one = J::constant(1.0);
                let columns = ws.z[l - 1].iter().chain([&one]).chain(lower);
                for (col, jet) in columns.enumerate() {
                    put_jet(t.block_mut(i, J::K, col / PANEL), col % PANEL, jet);
                }
                let at = i * width + k;
                self.kappa[l][at] = ws.adj_z[l][k].through_product(ws.s2[l][k]).scale(scale);
                self.adj_h[l][at] = ws.adj_h[l][k].scale(scale);
                self.s1[l][at] = ws.s1[l][k];
            }
        }
        self.adj_s[i] = ws.adj_s.scale(scale);
    }

    /// Adds the recorded second-order term to the upper triangle of `h` (`p × p`,
    /// column-major).
    pub(crate) fn assemble(&mut self, h: &mut [f64], p: usize) {
        let mut add = |a: usize, b: usize, v: f64| {
            let (r, c) = if a <= b { (a, b) } else { (b, a) };
            h[c * p + r] += v;
        };
        let depth = self.layout.depth();
        for l in 1..=depth {
            for k in 0..self.layout.width(l) {
                self.activation(l, k, &mut add);
            }
            if l > 1 {
                for j in 0..self.layout.width(l - 1) {
                    self.affine(l, j, &mut add);
                }
            }
        }
        for j in 0..self.layout.width(depth) {
            self.output(j, &mut add);
        }
    }

    /// `ΛᵀT` for the activation of neuron `(l, k)`.
    fn activation(&mut self, l: usize, k: usize, add: &mut impl FnMut(usize, usize, f64)) {
        let width = self.layout.width(l);
        let t = &self.tangents[l][k];
        let lambda = &mut self.weighted[l];
        for i in 0..t.rows() / J::K {
            let kappa = self.kappa[l][i * width + k];
            for panel in 0..t.cols().div_ceil(PANEL) {
                let (from, to) = (t.block(i, J::K, panel), lambda.block_mut(i, J::K, panel));
                for c in 0..PANEL {
                    put_jet(to, c, &kappa.through_product(get_jet(from, c)));
                }
            }
        }
        let layout = &self.layout;
        add_product(lambda, t, Part::Upper, |a, b, v| {
            add(parameter(layout, l, k, a), parameter(layout, l, k, b), v);
        });
    }

    /// `Xⱼᵀ Tˡ⁻¹ⱼ` for the affine map of layer `l` and neuron `j` of layer `l − 1`.
    fn affine(&mut self, l: usize, j: usize, add: &mut impl FnMut(usize, usize, f64)) {
        let (width, below) = (self.layout.width(l), self.layout.width(l - 1));
        let x = &mut self.cross[l];
        for i in 0..x.rows() / J::K {
            let s1 = self.s1[l - 1][i * below + j];
            for k in 0..width {
                let dual = self.adj_h[l][i * width + k].through_product(s1);
                for c in 0..J::K {
                    x.set(i * J::K + c, k, dual.get(c));
                }
            }
        }
        let layout = &self.layout;
        add_product(x, &self.tangents[l - 1][j], Part::Full, |k, col, v| {
            add(layout.weight(l, k, j), parameter(layout, l - 1, j, col), v);
        });
    }

    /// `ωⱼᵀ Tᴸⱼ` for the output weight `cⱼ`.
    fn output(&mut self, j: usize, add: &mut impl FnMut(usize, usize, f64)) {
        let depth = self.layout.depth();
        let width = self.layout.width(depth);
        let t = &self.tangents[depth][j];
        for (i, adj_s) in self.adj_s.iter().enumerate() {
            let dual = adj_s.through_product(self.s1[depth][i * width + j]);
            for c in 0..J::K {
                self.omega[i * J::K + c] = dual.get(c);
            }
        }
        let sums = &mut self.sums[..t.cols()];
        sums.fill(0.0);
        t.add_transpose_times(1.0, &self.omega, sums);
        let c = self.layout.offset(depth + 1) + j;
        for (col, &v) in sums.iter().enumerate() {
            add(c, parameter(&self.layout, depth, j, col), v);
        }
    }
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

/// Returns the jet in column `c` of a block of `K` rows (see [`Panels::block`]).
#[inline]
fn get_jet<J: Jet>(block: &[f64], c: usize) -> J {
    let mut jet = J::default();
    for k in 0..J::K {
        *jet.get_mut(k) = block[k * PANEL + c];
    }
    jet
}

/// Writes `jet` into column `c` of a block of `K` rows.
#[inline]
fn put_jet<J: Jet>(block: &mut [f64], c: usize, jet: &J) {
    for k in 0..J::K {
        block[k * PANEL + c] = jet.get(k);
    }
}
