//! One collocation point through the network: the forward pass of jets, the backward pass of
//! one dual (a row of the residual Jacobian), and the tangents that the second-order term needs.
//!
//! The second-order term of the Hessian of `Φ(θ) = ⟨ρ, U(θ)⟩` (with the dual `ρ` held fixed)
//! is a sum over the network's operations of the operation's own curvature, contracted with the
//! adjoint of its output and applied to the tangents of its inputs (the second-order adjoint
//! identity, Griewank & Walther, *Evaluating Derivatives*, 2nd ed., 2008, §5.3):
//! - activation `Zˡₖ = σ(Hˡₖ)`: `⟨σ″(Hˡₖ)*Z̄ˡₖ, ∂Hˡₖ ∂Hˡₖ⟩`, a rank-`K` form on the tangents
//!   of `Hˡₖ`, which are `Zˡ⁻¹` for row `k` of `Aˡ`, `1` for `bˡₖ`, and the tangents through
//!   the layers below;
//! - affine map `Hˡₖ = Σⱼ Aˡₖⱼ Zˡ⁻¹ⱼ + bˡₖ`: `2⟨H̄ˡₖ, ∂Aˡₖⱼ ∂Zˡ⁻¹ⱼ⟩`, coupling row `k` of `Aˡ`
//!   with the parameters below layer `l`;
//! - output `sₒ = Σⱼ cₒⱼ Zᴸⱼ` of each output `o`: `2⟨s̄ₒ, ∂cₒⱼ ∂Zᴸⱼ⟩`, coupling row `o` of `c`
//!   with everything below (the outputs share the hidden layers, whose adjoint is
//!   `Z̄ᴸⱼ = Σₒ cₒⱼ s̄ₒ`).
//!
//! Only these blocks are non-zero. This module computes, per point, the adjoints and the
//! tangents of every `Hˡₖ`; the blocks themselves are summed over the points as products of
//! stacked matrices (one kernel call per block, in the private `curvature` module) and written
//! into the Hessian once.

use super::super::jet::Jet;
use super::super::kernels::activations::LANES;
use super::super::kernels::PANEL;
use super::super::model::{Architecture, Embedding, Layout};
use crate::error::check_len;
use crate::Error;

/// The per-point state of the engine, allocated once for an architecture and reused for every
/// point and every evaluation.
#[derive(Clone, Debug)]
pub struct Workspace<J: Jet> {
    pub(crate) layout: Layout,
    /// `z[0] = ξ(x)`, `z[l]` the outputs of hidden layer `l`.
    pub(crate) z: Vec<Vec<J>>,
    /// `σ′(Hˡ)` and `σ″(Hˡ)` as jets (index `l`; entry 0 unused).
    pub(crate) s1: Vec<Vec<J>>,
    pub(crate) s2: Vec<Vec<J>>,
    /// Adjoints of `Zˡ` and `Hˡ` for the last backward pass.
    pub(crate) adj_z: Vec<Vec<J>>,
    pub(crate) adj_h: Vec<Vec<J>>,
    /// The tangents of `Hˡₖ` over its support, row `k` first, each row
    /// [`stride`] jets: `[Zˡ⁻¹ (row k of Aˡ), 1 (bˡₖ), parameters below
    /// layer l, padding to whole panels]`. Contiguous, a row is what the curvature stacks
    /// panel by panel, without the three-way chain of iterators it would otherwise walk.
    pub(crate) support_h: Vec<Vec<J>>,
    /// Tangents of `Zˡₖ` with respect to the parameters below layer `l`: `Wₗ × offset(l)`.
    lower_z: Vec<Vec<J>>,
    /// `∂Zˡ⁻¹ⱼ` on the parameters of layer `l − 1` (`σ′(Hˡ⁻¹ⱼ)·Zˡ⁻²ᵢ` and `σ′(Hˡ⁻¹ⱼ)`, laid
    /// out as those parameters): shared by every neuron `k` of layer `l`, which scales it by
    /// `Aˡₖⱼ`, so the products are formed once per point rather than once per neuron.
    own: Vec<J>,
    /// The distance jet at the current point.
    distance: J,
    /// The output jets `Uₒ = D·sₒ` of the last forward pass, one per output.
    pub(crate) outputs: Vec<J>,
    /// The adjoints of `sₒ = Σⱼ cₒⱼ Zᴸⱼ + c₀ₒ` for the last backward pass, one per output.
    pub(crate) adj_s: Vec<J>,
}

impl<J: Jet> Workspace<J> {
    /// Allocates the state for `architecture`.
    #[must_use]
    pub fn new(architecture: &Architecture) -> Self {
        let layers = architecture.depth() + 1;
        let per_layer = |f: &dyn Fn(usize) -> usize| -> Vec<Vec<J>> {
            (0..layers).map(|l| vec![J::default(); f(l)]).collect()
        };
        let width = |l| architecture.width(l);
        let lower = |l| {
            if l == 0 {
                0
            } else {
                architecture.width(l) * architecture.offset(l)
            }
        };
        let support = |l| {
            if l == 0 {
                0
            } else {
                architecture.width(l) * stride(architecture.width(l - 1), architecture.offset(l))
            }
        };
        Self {
            layout: Layout::new(architecture),
            z: per_layer(&width),
            s1: per_layer(&width),
            s2: per_layer(&width),
            adj_z: per_layer(&width),
            adj_h: per_layer(&width),
            support_h: per_layer(&support),
            lower_z: per_layer(&lower),
            own: vec![
                J::default();
                (1..architecture.depth())
                    .map(|l| architecture.width(l) * (architecture.width(l - 1) + 1))
                    .max()
                    .unwrap_or(0)
            ],
            distance: J::constant(1.0),
            outputs: vec![J::default(); architecture.outputs],
            adj_s: vec![J::default(); architecture.outputs],
        }
    }
}

/// Returns the jets per row of [`Workspace::support_h`] for a layer with `below` inputs and
/// `offset` parameters below it.
pub(crate) fn stride(below: usize, offset: usize) -> usize {
    (below + 1 + offset).div_ceil(PANEL) * PANEL
}

/// Runs the forward pass at the point `x` with distance jet `distance` and returns the output
/// jets `Uₒ = D·(Σⱼ cₒⱼ Zᴸⱼ + c₀ₒ)`, one per output.
///
/// # Errors
///
/// [`Error::DimensionMismatch`] unless `θ` has `P` entries and `x` one per input, and
/// [`Error::WorkspaceMismatch`] if `ws` was made for another network.
pub fn forward<'w, J: Jet>(
    arch: &Architecture,
    theta: &[f64],
    x: &[f64],
    distance: J,
    ws: &'w mut Workspace<J>,
) -> Result<&'w [J], Error> {
    check_len("entries of θ", arch.parameters(), theta.len())?;
    check_len("coordinates of the point", arch.inputs, x.len())?;
    if !ws.layout.fits(arch) {
        return Err(Error::WorkspaceMismatch { what: "network" });
    }
    forward_point(arch, theta, x, distance, ws);
    Ok(&ws.outputs)
}

/// [`forward`] without its checks, for the loss, which checks once per evaluation: leaves
/// the output jets in `ws.outputs`.
pub(crate) fn forward_point<J: Jet>(
    arch: &Architecture,
    theta: &[f64],
    x: &[f64],
    distance: J,
    ws: &mut Workspace<J>,
) {
    features(arch, x, &mut ws.z[0]);
    let layout = &ws.layout;
    for l in 1..=layout.depth() {
        let (below, here) = ws.z.split_at_mut(l);
        let previous = &below[l - 1];
        let width = layout.width(l);
        for (k, out) in here[0].iter_mut().enumerate() {
            let mut h = J::constant(theta[layout.bias(l, k)]);
            let row = layout.weight(l, k, 0);
            for (a, z) in theta[row..row + previous.len()].iter().zip(previous) {
                h = h.add_scaled(*a, *z);
            }
            *out = h;
        }
        // The derivatives of a whole layer at once, so that they vectorise (see `lanes`).
        for k0 in (0..width).step_by(LANES) {
            let n = (width - k0).min(LANES);
            let mut values = [0.0; LANES];
            for (v, h) in values.iter_mut().zip(&here[0][k0..k0 + n]) {
                *v = h.value();
            }
            let d = arch.activation.derivatives_lanes(&values);
            for q in 0..n {
                let (k, h) = (k0 + q, here[0][k0 + q]);
                here[0][k] = h.compose([d[0][q], d[1][q], d[2][q]]);
                ws.s1[l][k] = h.compose([d[1][q], d[2][q], d[3][q]]);
                ws.s2[l][k] = h.compose([d[2][q], d[3][q], d[4][q]]);
            }
        }
    }
    ws.distance = distance;
    let last = &ws.z[arch.depth()];
    for (o, u) in ws.outputs.iter_mut().enumerate() {
        *u = distance.mul(output_sum(arch, theta, o, last));
    }
}

/// `sₒ = Σⱼ cₒⱼ Zᴸⱼ + c₀ₒ`.
fn output_sum<J: Jet>(arch: &Architecture, theta: &[f64], o: usize, last: &[J]) -> J {
    let bias = if arch.output_bias {
        theta[arch.output_bias_index(o)]
    } else {
        0.0
    };
    let c = arch.output_weight(o, 0);
    last.iter()
        .zip(&theta[c..c + last.len()])
        .fold(J::constant(bias), |s, (z, c)| s.add_scaled(*c, *z))
}

/// Writes the feature jets `ξ(x)`.
fn features<J: Jet>(arch: &Architecture, x: &[f64], xi: &mut [J]) {
    match &arch.embedding {
        Embedding::Identity => {
            for (i, (f, &v)) in xi.iter_mut().zip(x).enumerate() {
                *f = J::coordinate(i, v);
            }
        }
        Embedding::Fourier { frequencies } => {
            let m = frequencies.nrows();
            let two_pi = core::f64::consts::TAU;
            for row in 0..m {
                let mut t = J::constant(0.0);
                for (i, &v) in x.iter().enumerate() {
                    t = t.add_scaled(two_pi * frequencies[(row, i)], J::coordinate(i, v));
                }
                let (s, c) = t.value().sin_cos();
                xi[row] = t.compose([c, -s, -c]);
                xi[m + row] = t.compose([s, c, -s]);
            }
        }
    }
}

/// Runs the backward pass of the duals `rho` (one per output) from the last forward pass:
/// writes `∇_θ Σₒ ⟨ρₒ, Uₒ⟩` into `gradient` and keeps the adjoints for the second-order term.
pub(crate) fn backward<J: Jet>(
    arch: &Architecture,
    theta: &[f64],
    rho: &[J],
    ws: &mut Workspace<J>,
    gradient: &mut [f64],
) {
    let layout = &ws.layout;
    let depth = layout.depth();
    for (o, (adj_s, rho)) in ws.adj_s.iter_mut().zip(rho).enumerate() {
        *adj_s = rho.through_product(ws.distance);
        let c = arch.output_weight(o, 0);
        let top = ws.z[depth].iter().zip(&mut ws.adj_z[depth]);
        for (j, (z, adj_z)) in top.enumerate() {
            gradient[c + j] = adj_s.dot(z);
            // The first output writes the adjoint, the others add to it.
            *adj_z = if o == 0 {
                adj_s.scale(theta[c + j])
            } else {
                adj_z.add_scaled(theta[c + j], *adj_s)
            };
        }
        if arch.output_bias {
            gradient[arch.output_bias_index(o)] = adj_s.value();
        }
    }
    for l in (1..=depth).rev() {
        let width_below = layout.width(l - 1);
        for k in 0..layout.width(l) {
            let adj_h = ws.adj_z[l][k].through_product(ws.s1[l][k]);
            ws.adj_h[l][k] = adj_h;
            gradient[layout.bias(l, k)] = adj_h.value();
            let row = layout.weight(l, k, 0);
            for (g, z) in gradient[row..row + width_below]
                .iter_mut()
                .zip(&ws.z[l - 1])
            {
                *g = adj_h.dot(z);
            }
        }
        if l > 1 {
            let below = &mut ws.adj_z[l - 1];
            below.fill(J::default());
            for (k, adj_h) in ws.adj_h[l].iter().enumerate() {
                let row = layout.weight(l, k, 0);
                for (adj, a) in below.iter_mut().zip(&theta[row..row + width_below]) {
                    *adj = adj.add_scaled(*a, *adj_h);
                }
            }
        }
    }
}

/// Fills the tangents of every `Hˡₖ` with respect to the parameters below layer `l`, and those
/// of `Zˡₖ` for the layers that feed another hidden layer.
///
/// Row `k` of layer `l` is `Σⱼ Aˡₖⱼ ∂Zˡ⁻¹ⱼ`, where `∂Zˡ⁻¹ⱼ` is `σ′(Hˡ⁻¹ⱼ)·Zˡ⁻²ᵢ` for
/// `Aˡ⁻¹ⱼᵢ`, `σ′(Hˡ⁻¹ⱼ)` for `bˡ⁻¹ⱼ` (its own row of layer `l − 1`), and the tangents of
/// `Zˡ⁻¹ⱼ` below that.
/// Only the layers `1 ..= layers` are filled: the curvature reads no tangents of a top layer
/// that shares them (`Curvature::tangent_layers`).
pub(crate) fn tangents<J: Jet>(theta: &[f64], ws: &mut Workspace<J>, layers: usize) {
    let layout = &ws.layout;
    let depth = layout.depth();
    for l in 1..=layers.min(depth) {
        let width_below = layout.width(l - 1);
        let lo = layout.offset(l);
        let stride = stride(width_below, lo);
        for (row, _) in ws.support_h[l]
            .chunks_exact_mut(stride)
            .zip(0..layout.width(l))
        {
            row[..width_below].copy_from_slice(&ws.z[l - 1]);
            row[width_below] = J::constant(1.0);
        }
        if l == 1 {
            continue;
        }
        let lo_below = layout.offset(l - 1);
        let features = layout.width(l - 2);
        let biases = width_below * features;
        let own = &mut ws.own[..lo - lo_below];
        for j in 0..width_below {
            let s1 = ws.s1[l - 1][j];
            for (t, z) in own[j * features..][..features].iter_mut().zip(&ws.z[l - 2]) {
                *t = s1.mul(*z);
            }
            own[biases + j] = s1;
        }
        for k in 0..layout.width(l) {
            let row_k = &mut ws.support_h[l][k * stride + width_below + 1..][..lo];
            let (below, row_own) = row_k.split_at_mut(lo_below);
            let a_k = &theta[layout.weight(l, k, 0)..][..width_below];
            if lo_below > 0 {
                below.fill(J::default());
                for (lower, &a) in ws.lower_z[l - 1].chunks_exact(lo_below).zip(a_k) {
                    for (t, b) in below.iter_mut().zip(lower) {
                        *t = t.add_scaled(a, *b);
                    }
                }
            }
            // Flat loops over the weights and the biases of layer l − 1, each column scaled
            // by the `Aˡₖⱼ` of its neuron `j`.
            let (weights, biases) = row_own.split_at_mut(width_below * features);
            let (own_weights, own_biases) = own.split_at(width_below * features);
            if features > 0 {
                let rows = weights.chunks_exact_mut(features);
                for ((t, o), &a) in rows.zip(own_weights.chunks_exact(features)).zip(a_k) {
                    for (t, o) in t.iter_mut().zip(o) {
                        *t = o.scale(a);
                    }
                }
            }
            for ((t, o), &a) in biases.iter_mut().zip(own_biases).zip(a_k) {
                *t = o.scale(a);
            }
        }
        if l < depth {
            for k in 0..layout.width(l) {
                let s1 = ws.s1[l][k];
                let row_k = &ws.support_h[l][k * stride + width_below + 1..][..lo];
                for (t, h) in ws.lower_z[l][k * lo..(k + 1) * lo].iter_mut().zip(row_k) {
                    *t = s1.mul(*h);
                }
            }
        }
    }
}
