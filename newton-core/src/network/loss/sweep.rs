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
/// up to three hidden layers, whose second-order term needs nothing but products of stacked
/// factors (a nonlinear residual adds its rows of curvature block by block).
struct ByBlock;

impl<J: Jet, R: Residual<J>> Loss<'_, J, R> {
    /// Computes what `computes` asks into the workspace, by the sweep the plan allows: the one
    /// place where the pass is chosen.
    pub(super) fn sweep(&self, theta: &[f64], ws: &mut Workspace<J>, computes: Computes<'_>) {
        if ws.second_order.plan().sweeps_blocks() {
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
                residual_curvature(loss, theta, (x, y), r / n, ws, h.as_mut_slice());
            }
        }
        if let (true, Computes::Hessian(h)) = (R::NONLINEAR, computes) {
            ws.residual_curvature.flush(h.as_mut_slice());
        }
    }
}

/// Stacks the rows of the curvature of a residual not affine in the jets at the point `x` with
/// target `y` and the output jets of the last forward pass, `scale` its weight `r/N`: one
/// backward pass per eigenvalue of `scale·∂²r/∂U²` (see [`residual_curvature`]).
///
/// [`residual_curvature`]: super::residual_curvature
fn residual_curvature<J: Jet, R: Residual<J>>(
    loss: &Loss<'_, J, R>,
    theta: &[f64],
    (x, y): (&[f64], f64),
    scale: f64,
    ws: &mut Workspace<J>,
    h: &mut [f64],
) {
    let arch = loss.architecture;
    let rc = &mut ws.residual_curvature;
    loss.residual
        .curvature(x, y, &ws.point.outputs, &mut rc.second);
    for m in 0..rc.factor(scale) {
        let Some(positive) = rc.dual(m, &mut ws.duals) else {
            continue;
        };
        backward(arch, theta, &ws.duals, &mut ws.point, &mut ws.row);
        rc.push_row(positive, &ws.row, h);
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
        let (computes, hessian) = match computes {
            Computes::Value => (BlockComputes::Value, None),
            Computes::Jacobian => (BlockComputes::Jacobian, None),
            Computes::Hessian(h) => (BlockComputes::Hessian, Some(h.as_mut_slice())),
        };
        Arch::new().dispatch(Dispatched {
            loss,
            theta,
            ws,
            computes,
            hessian,
        });
    }
}

/// [`Computes`] of the block sweep, whose matrix is passed on its own.
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
    /// The Hessian, which only the curvature of a nonlinear residual writes while sweeping.
    hessian: Option<&'s mut [f64]>,
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
            mut hessian,
        } = self;
        let n = loss.divisor();
        let curved = R::NONLINEAR && computes == BlockComputes::Hessian;
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
                if curved {
                    let rc = &mut ws.residual_curvature;
                    loss.residual.curvature(x, y, &u[..outputs], &mut rc.second);
                    rc.factor_lane(q, r / n);
                }
            }
            // The lanes past a short last block get a zero dual (see `Block::backward`), and
            // no rows of curvature.
            for rho in &mut rho[..outputs] {
                rho[ws.block.lanes..].fill(J::default());
            }
            ws.residual_curvature.lane_counts[ws.block.lanes..].fill((0, 0));
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
            if let (true, Some(h)) = (curved, hessian.as_deref_mut()) {
                stack_block_curvature(loss, theta, ws, h);
            }
        }
        if let (true, Some(h)) = (curved, hessian) {
            ws.residual_curvature.flush(h);
        }
    }
}

/// Stacks the rows of the residual curvature of the block whose lanes were factored (see
/// [`residual_curvature`](super::residual_curvature)): one backward pass of the block per row
/// of each sign, every lane's `m`-th dual of that sign (zero where a lane has fewer). Runs
/// after the block's second-order term is recorded, whose adjoints these passes overwrite.
#[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
#[inline(always)]
fn stack_block_curvature<J: Jet, R: Residual<J>>(
    loss: &Loss<'_, J, R>,
    theta: &[f64],
    ws: &mut Workspace<J>,
    h: &mut [f64],
) {
    let (arch, outputs) = (loss.architecture, loss.architecture.outputs);
    let rc = &mut ws.residual_curvature;
    for positive in [true, false] {
        let rows = rc
            .lane_counts
            .iter()
            .map(|&(p, n)| if positive { p } else { n })
            .max()
            .unwrap_or(0);
        for m in 0..rows {
            let mut rho = [[J::default(); BLOCK]; MAX_OUTPUTS];
            for (o, rho) in rho[..outputs].iter_mut().enumerate() {
                for (q, rho) in rho.iter_mut().enumerate() {
                    *rho = rc.lane_dual(q, positive, m, o);
                }
            }
            let first = rc.reserve(BLOCK, positive, h);
            ws.block
                .backward(arch, theta, &rho[..outputs], rc.rows_mut(), first);
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
