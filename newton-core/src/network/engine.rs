//! One collocation point through the network: the forward pass of jets, the backward pass of
//! one dual (a row of the residual Jacobian), and the exact second-order term, assembled
//! layer by layer from the curvature of each operation.
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
//! - output `s = Σⱼ cⱼ Zᴸⱼ`: `2⟨s̄, ∂cⱼ ∂Zᴸⱼ⟩`, coupling `c` with everything below.
//!
//! Only these blocks are non-zero, so the work per point is about `Σₗ Wₗ (Wₗ₋₁ + Pₗ)²` pairings
//! instead of the `P²` of a dense per-point Hessian.

use nalgebra::DMatrix;

use super::architecture::{Architecture, Embedding};
use super::jet::Jet;

/// The per-point state of the engine, allocated once for an architecture and reused for every
/// point and every evaluation.
#[derive(Clone, Debug)]
pub struct Workspace<J: Jet> {
    /// `z[0] = ξ(x)`, `z[l]` the outputs of hidden layer `l`.
    z: Vec<Vec<J>>,
    /// `σ′(Hˡ)` and `σ″(Hˡ)` as jets (index `l`; entry 0 unused).
    s1: Vec<Vec<J>>,
    s2: Vec<Vec<J>>,
    /// Adjoints of `Zˡ` and `Hˡ` for the last backward pass.
    adj_z: Vec<Vec<J>>,
    adj_h: Vec<Vec<J>>,
    /// Tangents of `Hˡₖ` and `Zˡₖ` with respect to the parameters below layer `l`:
    /// `Wₗ × offset(l)`, row `k` first.
    lower_h: Vec<Vec<J>>,
    lower_z: Vec<Vec<J>>,
    /// Scratch for one activation's tangent columns and their duals.
    columns: Vec<(usize, J)>,
    duals: Vec<J>,
    /// The distance jet at the current point.
    distance: J,
    /// The adjoint of `s = Σⱼ cⱼ Zᴸⱼ + c₀` for the last backward pass.
    adj_s: J,
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
        let widest = (1..layers)
            .map(|l| architecture.width(l - 1) + 1 + architecture.offset(l))
            .max()
            .unwrap_or(0);
        Self {
            z: per_layer(&width),
            s1: per_layer(&width),
            s2: per_layer(&width),
            adj_z: per_layer(&width),
            adj_h: per_layer(&width),
            lower_h: per_layer(&lower),
            lower_z: per_layer(&lower),
            columns: Vec::with_capacity(widest),
            duals: Vec::with_capacity(widest),
            distance: J::constant(1.0),
            adj_s: J::default(),
        }
    }
}

/// Runs the forward pass at the point `x` with distance jet `distance` and returns the output
/// jet `U = D·(Σⱼ cⱼ Zᴸⱼ + c₀)`.
pub fn forward<J: Jet>(
    arch: &Architecture,
    theta: &[f64],
    x: &[f64],
    distance: J,
    ws: &mut Workspace<J>,
) -> J {
    features(arch, x, &mut ws.z[0]);
    for l in 1..=arch.depth() {
        let (below, here) = ws.z.split_at_mut(l);
        let previous = &below[l - 1];
        for k in 0..arch.width(l) {
            let mut h = J::constant(theta[arch.bias(l, k)]);
            let row = arch.weight(l, k, 0);
            for (a, z) in theta[row..row + previous.len()].iter().zip(previous) {
                h = h.add_scaled(*a, *z);
            }
            let d = arch.activation.derivatives(h.value());
            here[0][k] = h.compose([d[0], d[1], d[2]]);
            ws.s1[l][k] = h.compose([d[1], d[2], d[3]]);
            ws.s2[l][k] = h.compose([d[2], d[3], d[4]]);
        }
    }
    ws.distance = distance;
    distance.mul(output_sum(arch, theta, &ws.z[arch.depth()]))
}

/// `s = Σⱼ cⱼ Zᴸⱼ + c₀`.
fn output_sum<J: Jet>(arch: &Architecture, theta: &[f64], last: &[J]) -> J {
    let c = arch.offset(arch.depth() + 1);
    let bias = if arch.output_bias {
        theta[c + last.len()]
    } else {
        0.0
    };
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

/// Runs the backward pass of the dual `rho` from the last forward pass: writes
/// `∇_θ ⟨ρ, U⟩` into `gradient` and keeps the adjoints for [`second_order`].
pub fn backward<J: Jet>(
    arch: &Architecture,
    theta: &[f64],
    rho: J,
    ws: &mut Workspace<J>,
    gradient: &mut [f64],
) {
    let depth = arch.depth();
    let c = arch.offset(depth + 1);
    let adj_s = rho.through_product(ws.distance);
    ws.adj_s = adj_s;
    for (j, z) in ws.z[depth].iter().enumerate() {
        gradient[c + j] = adj_s.dot(z);
        ws.adj_z[depth][j] = adj_s.scale(theta[c + j]);
    }
    if arch.output_bias {
        gradient[c + arch.width(depth)] = adj_s.value();
    }
    for l in (1..=depth).rev() {
        let width_below = arch.width(l - 1);
        for k in 0..arch.width(l) {
            let adj_h = ws.adj_z[l][k].through_product(ws.s1[l][k]);
            ws.adj_h[l][k] = adj_h;
            gradient[arch.bias(l, k)] = adj_h.value();
            let row = arch.weight(l, k, 0);
            for (g, z) in gradient[row..row + width_below]
                .iter_mut()
                .zip(&ws.z[l - 1])
            {
                *g = adj_h.dot(z);
            }
        }
        if l > 1 {
            for i in 0..width_below {
                let mut adj = J::default();
                for k in 0..arch.width(l) {
                    adj = adj.add_scaled(theta[arch.weight(l, k, i)], ws.adj_h[l][k]);
                }
                ws.adj_z[l - 1][i] = adj;
            }
        }
    }
}

/// Adds `scale · ∇²_θ ⟨ρ, U⟩` (the dual `ρ` of the last [`backward`] held fixed) to `hessian`,
/// both triangles.
pub fn second_order<J: Jet>(
    arch: &Architecture,
    theta: &[f64],
    scale: f64,
    ws: &mut Workspace<J>,
    hessian: &mut DMatrix<f64>,
) {
    tangents(arch, theta, ws);
    for l in 1..=arch.depth() {
        activation_curvature(arch, l, scale, ws, hessian);
        if l > 1 {
            affine_curvature(arch, l, scale, ws, hessian);
        }
    }
    output_curvature(arch, scale, ws, hessian);
}

/// The tangent of `Zˡ⁻¹ⱼ` with respect to its own row of layer `l − 1`: `σ′(Hⱼ)·Zˡ⁻²ᵢ` for
/// `Aˡ⁻¹ⱼᵢ` (index `i < Wₗ₋₂`) and `σ′(Hⱼ)` for `bˡ⁻¹ⱼ`.
fn own_row<'a, J: Jet>(
    arch: &'a Architecture,
    ws: &'a Workspace<J>,
    l: usize,
    j: usize,
) -> impl Iterator<Item = (usize, J)> + 'a {
    let s1 = ws.s1[l][j];
    let weights = ws.z[l - 1]
        .iter()
        .enumerate()
        .map(move |(i, z)| (arch.weight(l, j, i), s1.mul(*z)));
    weights.chain(core::iter::once((arch.bias(l, j), s1)))
}

/// Fills the tangents of every `Hˡ` and `Zˡ` with respect to the parameters below layer `l`.
fn tangents<J: Jet>(arch: &Architecture, theta: &[f64], ws: &mut Workspace<J>) {
    for l in 2..=arch.depth() {
        let lo = arch.offset(l);
        let lo_below = arch.offset(l - 1);
        for k in 0..arch.width(l) {
            let mut row = core::mem::take(&mut ws.lower_h[l]);
            let row_k = &mut row[k * lo..(k + 1) * lo];
            row_k.fill(J::default());
            for j in 0..arch.width(l - 1) {
                let a = theta[arch.weight(l, k, j)];
                let below = &ws.lower_z[l - 1][j * lo_below..(j + 1) * lo_below];
                for (t, b) in row_k[..lo_below].iter_mut().zip(below) {
                    *t = t.add_scaled(a, *b);
                }
                for (q, tangent) in own_row(arch, ws, l - 1, j) {
                    row_k[q] = tangent.scale(a);
                }
            }
            ws.lower_h[l] = row;
        }
        for k in 0..arch.width(l) {
            let s1 = ws.s1[l][k];
            for q in k * lo..(k + 1) * lo {
                ws.lower_z[l][q] = s1.mul(ws.lower_h[l][q]);
            }
        }
    }
}

/// Adds `h[(p, q)]` and its mirror.
fn add_symmetric(hessian: &mut DMatrix<f64>, p: usize, q: usize, v: f64) {
    hessian[(p, q)] += v;
    if p != q {
        hessian[(q, p)] += v;
    }
}

/// The activations of layer `l`: `⟨σ″(Hₖ)*Z̄ₖ, ∂Hₖ ∂Hₖ⟩` for each neuron `k`.
fn activation_curvature<J: Jet>(
    arch: &Architecture,
    l: usize,
    scale: f64,
    ws: &mut Workspace<J>,
    hessian: &mut DMatrix<f64>,
) {
    let lo = arch.offset(l);
    for k in 0..arch.width(l) {
        let kappa = ws.adj_z[l][k].through_product(ws.s2[l][k]);
        ws.columns.clear();
        for (i, z) in ws.z[l - 1].iter().enumerate() {
            ws.columns.push((arch.weight(l, k, i), *z));
        }
        ws.columns.push((arch.bias(l, k), J::constant(1.0)));
        for q in 0..lo {
            ws.columns.push((q, ws.lower_h[l][k * lo + q]));
        }
        ws.duals.clear();
        ws.duals.extend(
            ws.columns
                .iter()
                .map(|(_, t)| kappa.through_product(*t).scale(scale)),
        );
        for (a, &(p, _)) in ws.columns.iter().enumerate() {
            let dual = ws.duals[a];
            for &(q, t) in &ws.columns[a..] {
                add_symmetric(hessian, p, q, dual.dot(&t));
            }
        }
    }
}

/// The affine maps of layer `l ≥ 2`: `2⟨H̄ₖ, ∂Aₖⱼ ∂Zˡ⁻¹ⱼ⟩`.
fn affine_curvature<J: Jet>(
    arch: &Architecture,
    l: usize,
    scale: f64,
    ws: &Workspace<J>,
    hessian: &mut DMatrix<f64>,
) {
    let lo_below = arch.offset(l - 1);
    for k in 0..arch.width(l) {
        let adj = ws.adj_h[l][k].scale(scale);
        for j in 0..arch.width(l - 1) {
            let p = arch.weight(l, k, j);
            let below = &ws.lower_z[l - 1][j * lo_below..(j + 1) * lo_below];
            for (q, t) in below.iter().enumerate() {
                add_symmetric(hessian, p, q, adj.dot(t));
            }
            for (q, t) in own_row(arch, ws, l - 1, j) {
                add_symmetric(hessian, p, q, adj.dot(&t));
            }
        }
    }
}

/// The output `s = Σⱼ cⱼ Zᴸⱼ`: `2⟨s̄, ∂cⱼ ∂Zᴸⱼ⟩`.
fn output_curvature<J: Jet>(
    arch: &Architecture,
    scale: f64,
    ws: &Workspace<J>,
    hessian: &mut DMatrix<f64>,
) {
    let depth = arch.depth();
    let lo = arch.offset(depth);
    let c = arch.offset(depth + 1);
    let adj = ws.adj_s.scale(scale);
    for j in 0..arch.width(depth) {
        let below = &ws.lower_z[depth][j * lo..(j + 1) * lo];
        for (q, t) in below.iter().enumerate() {
            add_symmetric(hessian, c + j, q, adj.dot(t));
        }
        for (q, t) in own_row(arch, ws, depth, j) {
            add_symmetric(hessian, c + j, q, adj.dot(&t));
        }
    }
}
