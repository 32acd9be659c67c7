//! The sweeps over the points: every pass a loss evaluation needs, run point by point or a
//! block of points at a time behind one trait, [`Sweep`], and chosen in one place,
//! [`Loss::sweep`], by the loss's [`Plan`](super::super::plan::Plan).

use nalgebra::DMatrix;
use pulp::{Arch, Simd, WithSimd};

use super::super::jet::Jet;
use super::super::kernels::BLOCK;
use super::super::model::MAX_OUTPUTS;
use super::super::passes::point::{backward, forward_point, tangents};
use super::{Loss, Residual, Workspace};

/// What a sweep computes into the workspace.
pub(super) enum Computes<'h> {
    /// The residuals.
    Value,
    /// The residuals and their Jacobian.
    Jacobian,
    /// The residuals, their Jacobian and the second-order term of the Hessian (recorded in the
    /// workspace; a residual with curvature in the jet adds its part to the matrix).
    Hessian(&'h mut DMatrix<f64>),
}

/// A way of running the passes over every point of a loss.
trait Sweep {
    fn run<J: Jet, R: Residual<J>>(
        loss: &Loss<'_, J, R>,
        theta: &[f64],
        ws: &mut Workspace<J>,
        computes: Computes<'_>,
    );
}

/// One point at a time through the point pass: any depth, any residual.
struct ByPoint;

/// [`BLOCK`] points at a time through the block pass, every quantity a vector over the points:
/// two hidden layers and a residual affine in the jet, whose second-order term needs nothing
/// but the shared products.
struct ByBlock;

impl<J: Jet, R: Residual<J>> Loss<'_, J, R> {
    /// Computes what `computes` asks into the workspace, by the sweep the plan allows: the one
    /// place where the pass is chosen.
    pub(super) fn sweep(&self, theta: &[f64], ws: &mut Workspace<J>, computes: Computes<'_>) {
        if ws.second_order.plan().sweeps_blocks(R::NONLINEAR) {
            ByBlock::run(self, theta, ws, computes);
        } else {
            ByPoint::run(self, theta, ws, computes);
        }
    }
}

impl Sweep for ByPoint {
    fn run<J: Jet, R: Residual<J>>(
        loss: &Loss<'_, J, R>,
        theta: &[f64],
        ws: &mut Workspace<J>,
        mut computes: Computes<'_>,
    ) {
        let arch = loss.architecture;
        let n = loss.divisor();
        for i in 0..loss.count {
            let (x, y) = loss.point(i);
            forward_point(arch, theta, x, loss.residual.distance(x), &mut ws.point);
            let r = loss
                .residual
                .residual(x, y, &ws.point.outputs, &mut ws.duals);
            ws.residuals[i] = r;
            if matches!(computes, Computes::Value) {
                continue;
            }
            backward(arch, theta, &ws.duals, &mut ws.point, &mut ws.row);
            ws.jacobian.set_row(i, &ws.row);
            let Computes::Hessian(h) = &mut computes else {
                continue;
            };
            let layers = ws.second_order.plan().tangent_layers();
            tangents(theta, &mut ws.point, layers);
            ws.second_order.record(i, loss.count, r / n, &ws.point);
            if R::NONLINEAR {
                residual_curvature(loss, theta, (x, y), r / n, ws, h);
            }
        }
    }
}

/// Adds `scale · Σₖₗ ∂²r/∂Uₖ∂Uₗ ∇Uₖ ∇Uₗᵀ`, the part of `∇²r` from a residual that is not affine
/// in the jets (`k`, `l` over every component of every output), at the point `x` with target
/// `y` and the output jets of the last forward pass.
fn residual_curvature<J: Jet, R: Residual<J>>(
    loss: &Loss<'_, J, R>,
    theta: &[f64],
    (x, y): (&[f64], f64),
    scale: f64,
    ws: &mut Workspace<J>,
    h: &mut DMatrix<f64>,
) {
    let arch = loss.architecture;
    let p = arch.parameters();
    let components = arch.outputs * J::K;
    loss.residual
        .curvature(x, y, &ws.point.outputs, &mut ws.curvature);
    for a in 0..components {
        // A unit dual on component `a`: the backward pass gives `∇_θ` of that component.
        ws.duals.fill(J::default());
        *ws.duals[a / J::K].get_mut(a % J::K) = 1.0;
        let row = &mut ws.component_rows[a * p..(a + 1) * p];
        backward(arch, theta, &ws.duals, &mut ws.point, row);
    }
    for k in 0..components {
        for l in 0..components {
            let c = scale * ws.curvature[k * components + l];
            if c == 0.0 {
                continue;
            }
            let (gk, gl) = (
                &ws.component_rows[k * p..(k + 1) * p],
                &ws.component_rows[l * p..(l + 1) * p],
            );
            for a in 0..p {
                for b in 0..p {
                    h[(a, b)] += c * gk[a] * gl[b];
                }
            }
        }
    }
}

impl Sweep for ByBlock {
    /// Under `pulp`'s runtime dispatch, so that the operations on a block's lanes compile to
    /// the widest vectors the processor has.
    fn run<J: Jet, R: Residual<J>>(
        loss: &Loss<'_, J, R>,
        theta: &[f64],
        ws: &mut Workspace<J>,
        computes: Computes<'_>,
    ) {
        let computes = match computes {
            Computes::Value => BlockComputes::Value,
            Computes::Jacobian => BlockComputes::Jacobian,
            // The residual is affine in the jet: nothing to add to the matrix while sweeping.
            Computes::Hessian(_) => BlockComputes::Hessian,
        };
        Arch::new().dispatch(Dispatched {
            loss,
            theta,
            ws,
            computes,
        });
    }
}

/// [`Computes`] of the block sweep, which never writes into the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BlockComputes {
    Value,
    Jacobian,
    Hessian,
}

/// [`ByBlock::run`], dispatched.
struct Dispatched<'s, 'a, J: Jet, R: Residual<J>> {
    loss: &'s Loss<'a, J, R>,
    theta: &'s [f64],
    ws: &'s mut Workspace<J>,
    computes: BlockComputes,
}

impl<J: Jet, R: Residual<J>> WithSimd for Dispatched<'_, '_, J, R> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "the sweep must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        // Every SIMD path of `pulp` on x86-64 (v3 and v4) has FMA; the scalar one may not.
        let fused = S::F64_LANES >= 4;
        let Self {
            loss,
            theta,
            ws,
            computes,
        } = self;
        let n = loss.divisor();
        let outputs = loss.architecture.outputs;
        // Filled once: a point's residual reads and writes the first `outputs` entries only.
        let mut rho = [[J::default(); BLOCK]; MAX_OUTPUTS];
        let (mut u, mut dual) = ([J::default(); MAX_OUTPUTS], [J::default(); MAX_OUTPUTS]);
        for first in (0..loss.count).step_by(BLOCK) {
            forward_block(loss, theta, first, ws, fused);
            let mut scale = [0.0; BLOCK];
            for q in 0..ws.block.lanes {
                let (x, y) = loss.point(first + q);
                for (o, u) in u[..outputs].iter_mut().enumerate() {
                    *u = ws.block.output(o, q);
                }
                let r = loss
                    .residual
                    .residual(x, y, &u[..outputs], &mut dual[..outputs]);
                ws.residuals[first + q] = r;
                scale[q] = r;
                for (rho, dual) in rho.iter_mut().zip(&dual[..outputs]) {
                    rho[q] = *dual;
                }
            }
            // The lanes past a short last block get a zero dual (see `Block::backward`).
            for rho in &mut rho[..outputs] {
                rho[ws.block.lanes..].fill(J::default());
            }
            // `r / n` a block at a time: one vector division rather than one per point.
            for s in &mut scale {
                *s /= n;
            }
            if computes == BlockComputes::Value {
                continue;
            }
            ws.block.backward(
                loss.architecture,
                theta,
                &rho[..outputs],
                &mut ws.jacobian,
                first,
            );
            if computes == BlockComputes::Hessian {
                ws.second_order
                    .record_block(theta, (first, loss.count), &scale, &ws.block);
            }
        }
    }
}

/// Runs the forward pass of the block of points from `first`.
#[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
#[inline(always)]
fn forward_block<J: Jet, R: Residual<J>>(
    loss: &Loss<'_, J, R>,
    theta: &[f64],
    first: usize,
    ws: &mut Workspace<J>,
    fused: bool,
) {
    let d = loss.architecture.inputs;
    let lanes = (loss.count - first).min(BLOCK);
    let distance = core::array::from_fn(|q| {
        let (x, _) = loss.point(first + q.min(lanes - 1));
        loss.residual.distance(x)
    });
    let x = &loss.points[first * d..(first + lanes) * d];
    ws.block
        .forward(loss.architecture, theta, x, &distance, fused);
}
