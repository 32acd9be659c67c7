//! The second-order term `Σᵢ sᵢ ∇²_θ⟨ρᵢ, Uᵢ⟩` of the loss Hessian, summed over the points block
//! by block (the blocks are described in [`point`](super::passes::point)).
//!
//! Added point by point, each block is a scattered rank-`K` update of the `P × P` Hessian, and
//! at `W = 32` those updates are most of the cost. Every block is instead a sum over points of
//! products of per-point factors, so it is one product of stacked matrices, formed in one of
//! four ways, as the [`Plan`] says for each layer:
//! - [`factored`]: the activation of each neuron, `ΛᵀR` on its support, and the output term of
//!   a top layer that does not share its tangents;
//! - [`shared`]: the activation and output terms of every neuron of a layer at once, `GᵀB`
//!   over the tangents they share (and the affine term, where it is folded);
//! - [`previous`]: the block of the parameters of the layer below, summed over the layer's
//!   neurons before the points;
//! - [`affine`]: the affine term, a product per neuron of the layer below;
//! - [`deep`]: in a network of three layers, the blocks of the third against the parameters
//!   of the first.
//!
//! The sweep records each point ([`Curvature::record`]) or block of points
//! ([`Curvature::record_block`]) after its passes; [`Curvature::assemble`] writes every
//! product into the Hessian once.

mod affine;
mod block;
mod deep;
mod factored;
mod form;
mod previous;
mod runs;
mod shared;
mod stack;

use super::jet::Jet;
use super::model::{Layout, MAX_OUTPUTS};
use super::passes::point::Workspace as PointWorkspace;
use super::plan::Plan;
use affine::Affine;
use block::LaneScratch;
use deep::Deep;
use factored::Factored;
use form::Form;
use previous::Previous;
use shared::Shared;

/// The stacked per-point factors of the second-order term, allocated once for an architecture
/// and a number of points, with the plan that says how each layer's blocks are formed.
#[derive(Clone, Debug)]
pub(crate) struct Curvature<J: Jet> {
    plan: Plan,
    /// Per point and neuron (`i·Wₗ + k`): `sᵢ·H̄` and `σ′(H)`, for the affine term and the
    /// previous layer when the points run one at a time.
    adj_h: Vec<Vec<J>>,
    s1: Vec<Vec<J>>,
    /// One point's weighted duals `κₖ = sᵢ·(Z̄ˡₖ ⊳ σ″(Hˡₖ))` of a layer's neurons.
    kappa: Vec<J>,
    factored: Factored,
    shared: Shared,
    previous: Previous<J>,
    affine: Affine,
    deep: Deep,
    lanes: LaneScratch,
    /// Whether the last sweep recorded blocks rather than single points.
    in_blocks: bool,
}

impl<J: Jet> Curvature<J> {
    /// Allocates the curvature of a network of `layout` and `p` parameters over `points` points.
    pub(crate) fn new(layout: &Layout, points: usize, p: usize) -> Self {
        let plan = Plan::new::<J>(layout, points, Form::<J>::RANK);
        let per_neuron = |l: usize| vec![J::default(); points * layout.width(l)];
        let widest = (1..=layout.depth()).map(|l| layout.width(l)).max();
        Self {
            adj_h: (0..=layout.depth()).map(per_neuron).collect(),
            s1: (0..=layout.depth()).map(per_neuron).collect(),
            kappa: vec![J::default(); widest.unwrap_or(0)],
            factored: Factored::new::<J>(&plan),
            shared: Shared::new::<J>(&plan, p),
            previous: Previous::new(&plan, points, p),
            affine: Affine::new::<J>(&plan, points),
            deep: Deep::new::<J>(&plan, p),
            lanes: LaneScratch::new::<J>(widest.unwrap_or(0)),
            in_blocks: false,
            plan,
        }
    }

    /// Returns the plan of the loss this was allocated for.
    pub(crate) fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Records point `i` of `points` with weight `scale` from the point workspace after its
    /// forward pass, backward pass and [`tangents`](super::passes::point::tangents). The sweep
    /// records the points in order, so point 0 starts the sums afresh.
    pub(crate) fn record(&mut self, i: usize, points: usize, scale: f64, ws: &PointWorkspace<J>) {
        if i == 0 {
            self.factored.start();
            self.in_blocks = false;
        }
        let (plan, slot) = (&self.plan, i % self.plan.chunk);
        let mut weighted = [J::default(); MAX_OUTPUTS];
        for (w, adj_s) in weighted.iter_mut().zip(&ws.adj_s) {
            *w = adj_s.scale(scale);
        }
        let adj_s = &weighted[..ws.adj_s.len()];
        for l in 1..=plan.depth() {
            let width = plan.layout.width(l);
            let kappa = &mut self.kappa[..width];
            for (k, dual) in kappa.iter_mut().enumerate() {
                *dual = ws.adj_z[l][k].through_product(ws.s2[l][k]).scale(scale);
            }
            if plan.sums_previous(l) {
                self.previous.record(l, (i, points), kappa, &ws.z[l - 2]);
            }
            let tangents = &mut self.affine.tangents[l];
            if plan.joins_above(l) {
                self.previous.record_below(i, kappa);
            } else if plan.shares(l) {
                let weights = (&*kappa, adj_s, scale);
                self.shared
                    .record(plan, l, (i, slot), weights, ws, tangents);
            } else {
                self.factored
                    .record(plan, l, (i, slot), kappa, adj_s, ws, tangents);
            }
            for k in 0..width {
                let at = i * width + k;
                self.adj_h[l][at] = ws.adj_h[l][k].scale(scale);
                self.s1[l][at] = ws.s1[l][k];
            }
        }
        if slot + 1 == plan.chunk || i + 1 == points {
            self.flush((slot + 1, i < plan.chunk), (i + 1, points));
        }
    }

    /// Adds the products over the first `points` points of the chunk to the sums; the `first`
    /// chunk writes them instead. The chunk ends at point `end` of `all`.
    fn flush(&mut self, (points, first): (usize, bool), (end, all): (usize, usize)) {
        self.shared.flush(points, first, self.in_blocks);
        self.factored.flush::<J>(&self.plan, points, first);
        self.deep.flush((points, first), (end, all));
    }

    /// Adds the recorded second-order term to the upper triangle of `h` (`p × p`,
    /// column-major).
    pub(crate) fn assemble(&mut self, theta: &[f64], h: &mut [f64], p: usize) {
        let (plan, depth) = (&self.plan, self.plan.depth());
        self.shared.weigh(theta);
        // Layer by layer first, in the order of the products per neuron, so that where a layer
        // that shares its tangents adds the same terms it rounds as they did.
        for l in 1..=depth {
            if plan.shares(l) {
                self.shared.add(l, h);
            } else {
                self.factored.add_activations(plan, l, h, p);
            }
        }
        for l in 2..=depth {
            if !plan.folds_affine(l) {
                for j in 0..plan.layout.width(l - 1) {
                    let duals = (&self.adj_h[l][..], &self.s1[l - 1][..]);
                    self.affine.add(plan, (l, j), duals, h, p);
                }
            }
            if plan.sums_previous(l) {
                let s1 = (&self.s1[l - 1][..], self.in_blocks);
                self.previous.add(&plan.layout, l, theta, s1, h);
            }
        }
        if !plan.shares(depth) {
            self.factored.add_output(plan, h, p);
        }
        self.deep.add(h);
    }
}
