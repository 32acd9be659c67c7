//! The loss `L(θ) = (1/2N) Σᵢ rᵢ²` of a network over borrowed collocation points, with its
//! exact gradient and Hessian written into caller storage.

use nalgebra::{DMatrix, DVector};
use pulp::{Arch, Simd, WithSimd};

use super::curvature::Curvature;
use super::jet::Jet;
use super::kernels::panels::mirror_upper;
use super::kernels::{add_product_of_strips, through_panels, Panels, Part, Strips, BLOCK};
use super::model::Architecture;
use super::passes::block::Block;
use super::passes::point::{backward, forward_point, tangents, Workspace as PointWorkspace};
use crate::error::check_len;
use crate::Error;

/// The residual of one collocation point as a function of the output jet, and the distance
/// function that multiplies every basis function.
///
/// `network!` implements this from the declaration's `residual:` and `distance:`, with the
/// derivatives in the jet's components generated at compile time.
pub trait Residual<J: Jet>: Sync {
    /// Whether the residual uses the per-point target `y`.
    const USES_TARGET: bool;
    /// Whether `∂²r/∂U∂U` can be non-zero (the residual is not affine in the jet); when
    /// `false`, [`Residual::curvature`] is never called.
    const NONLINEAR: bool;

    /// Returns the jet of the distance function `D` at `x` (`J::constant(1.0)` for none).
    fn distance(&self, x: &[f64]) -> J;

    /// Returns `r(x, y, U)` and its derivative with respect to the jet's components, as a dual.
    fn residual(&self, x: &[f64], y: f64, u: &J) -> (f64, J);

    /// Writes `∂²r/∂Uₖ∂Uₗ` (`K × K`, row-major) into `out`.
    fn curvature(&self, x: &[f64], y: f64, u: &J, out: &mut [f64]);
}

/// Everything one evaluation of a [`Loss`] needs besides its inputs and outputs: allocated once,
/// reused for every evaluation, so evaluations allocate nothing.
///
/// A workspace is sized for one point count and one network's layout; a loss given a workspace
/// made for another returns [`Error::WorkspaceMismatch`] (its buffers would be read out of
/// bounds, or, made for more points, add residuals of points the loss does not have). Losses of
/// the same network over the same number of points may share one.
///
/// The Jacobian and the stacked factors of the second-order term are stored a block of eight
/// points per vector, as the sweep computes them; those of large products (`JᵀJ` from
/// `P = 40`) are also kept in rows of eight columns for the faster kernel there, which about
/// doubles their memory (`N·P` numbers for the Jacobian).
#[derive(Clone, Debug)]
pub struct Workspace<J: Jet> {
    /// The point count the buffers are sized for; the network is in `point`'s layout.
    points: usize,
    pub(super) point: PointWorkspace<J>,
    /// The state of a block of points, for the networks that run in blocks
    /// ([`Loss::in_blocks`]).
    block: Block<J>,
    /// The per-point factors of the second-order term, summed over the points at the end.
    second_order: Curvature<J>,
    /// `∇_θ rᵢ`, one row per point: the residual Jacobian (unscaled), in strips of a block of
    /// points as the block sweep computes it.
    jacobian: Strips,
    /// The Jacobian copied for `JᵀJ` by the kernel of [`Panels`], where that is faster (empty
    /// otherwise).
    jacobian_rows: Panels,
    residuals: DVector<f64>,
    row: Vec<f64>,
    /// `∇_θ Uₖ` for each jet component `k` (only for nonlinear residuals), and `∂²r/∂U²`.
    component_rows: Vec<f64>,
    curvature: Vec<f64>,
}

impl<J: Jet> Workspace<J> {
    /// Allocates the workspace for `architecture` and `points` collocation points.
    #[must_use]
    pub fn new(architecture: &Architecture, points: usize) -> Self {
        let p = architecture.parameters();
        let point = PointWorkspace::new(architecture);
        Self {
            points,
            second_order: Curvature::new(&point.layout, points),
            point,
            block: Block::new(architecture),
            jacobian: Strips::new(points, 1, p),
            jacobian_rows: if through_panels(p, p) {
                Panels::new(points, p)
            } else {
                Panels::default()
            },
            residuals: DVector::zeros(points),
            row: vec![0.0; p],
            component_rows: vec![0.0; J::K * p],
            curvature: vec![0.0; J::K * J::K],
        }
    }
}

/// The mean-squared-residual loss of a network over borrowed points and targets.
#[derive(Clone, Debug)]
pub struct Loss<'a, J: Jet, R: Residual<J>> {
    pub(super) architecture: &'a Architecture,
    pub(super) residual: R,
    points: &'a [f64],
    targets: &'a [f64],
    pub(super) count: usize,
    marker: core::marker::PhantomData<J>,
}

impl<'a, J: Jet, R: Residual<J>> Loss<'a, J, R> {
    /// Builds the loss over `points` (`N × d`, one point after another) and `targets` (`N`
    /// values, or none when the residual does not use `y`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] for an invalid architecture, [`Error::PointDimension`] if the
    /// points do not split into points of `d` coordinates, [`Error::TargetCount`] if the targets
    /// are neither `N` values nor (for a residual without `y`) empty,
    /// [`Error::NonFiniteData`] for a NaN or infinite coordinate or target, and
    /// [`Error::NoPoints`] for no points at all.
    pub fn new(
        architecture: &'a Architecture,
        residual: R,
        points: &'a [f64],
        targets: &'a [f64],
    ) -> Result<Self, Error> {
        architecture.validate()?;
        let d = architecture.inputs;
        if !points.len().is_multiple_of(d) {
            return Err(Error::PointDimension {
                len: points.len(),
                inputs: d,
            });
        }
        let count = points.len() / d;
        if count == 0 {
            return Err(Error::NoPoints);
        }
        if targets.len() != count && (R::USES_TARGET || !targets.is_empty()) {
            return Err(Error::TargetCount {
                expected: count,
                found: targets.len(),
            });
        }
        for (what, data) in [("point coordinate", points), ("target", targets)] {
            if let Some(index) = data.iter().position(|v| !v.is_finite()) {
                return Err(Error::NonFiniteData { what, index });
            }
        }
        Ok(Self {
            architecture,
            residual,
            points,
            targets,
            count,
            marker: core::marker::PhantomData,
        })
    }

    /// Returns the number of parameters `P`.
    #[must_use]
    pub fn parameters(&self) -> usize {
        self.architecture.parameters()
    }

    /// Returns the number of collocation points `N`.
    #[must_use]
    pub fn points(&self) -> usize {
        self.count
    }

    /// Returns the architecture.
    #[must_use]
    pub fn architecture(&self) -> &Architecture {
        self.architecture
    }

    /// Allocates a workspace for this loss.
    #[must_use]
    pub fn workspace(&self) -> Workspace<J> {
        Workspace::new(self.architecture, self.count)
    }

    pub(super) fn point(&self, i: usize) -> (&[f64], f64) {
        let d = self.architecture.inputs;
        let y = if self.targets.is_empty() {
            0.0
        } else {
            self.targets[i]
        };
        (&self.points[i * d..(i + 1) * d], y)
    }

    /// Rejects a vector that does not have `P` entries; `what` names it in the error.
    fn check(&self, what: &'static str, vector: &DVector<f64>) -> Result<(), Error> {
        check_len(what, self.parameters(), vector.len())
    }

    /// Rejects a workspace made for another loss: its buffers would be read out of bounds, or
    /// (made for more points) hold residuals of points this loss does not have.
    fn check_workspace(&self, ws: &Workspace<J>) -> Result<(), Error> {
        if ws.points != self.count {
            Err(Error::WorkspaceMismatch {
                what: "point count",
            })
        } else if !ws.point.layout.fits(self.architecture) {
            Err(Error::WorkspaceMismatch { what: "network" })
        } else {
            Ok(())
        }
    }

    /// Evaluates `L(θ)`.
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] if `θ` does not have `P` entries, and
    /// [`Error::WorkspaceMismatch`] if `ws` was made for another loss.
    pub fn value(&self, theta: &DVector<f64>, ws: &mut Workspace<J>) -> Result<f64, Error> {
        self.check("entries of θ", theta)?;
        self.check_workspace(ws)?;
        if Self::in_blocks(ws) {
            self.sweep_blocks(theta.as_slice(), ws, Pass::Value);
            return Ok(self.mean_square(ws));
        }
        for i in 0..self.count {
            let (x, y) = self.point(i);
            let u = forward_point(
                self.architecture,
                theta.as_slice(),
                x,
                self.residual.distance(x),
                &mut ws.point,
            );
            ws.residuals[i] = self.residual.residual(x, y, &u).0;
        }
        Ok(self.mean_square(ws))
    }

    /// Writes the residuals and the rows `∇_θ rᵢ` into the workspace; with `hessian`, also
    /// adds the second-order term `(1/N) Σᵢ rᵢ ∇²rᵢ` to it.
    fn sweep(&self, theta: &[f64], ws: &mut Workspace<J>, mut hessian: Option<&mut DMatrix<f64>>) {
        if Self::in_blocks(ws) {
            let pass = if hessian.is_some() {
                Pass::Hessian
            } else {
                Pass::Jacobian
            };
            self.sweep_blocks(theta, ws, pass);
            return;
        }
        let arch = self.architecture;
        let n = self.len();
        for i in 0..self.count {
            let (x, y) = self.point(i);
            let u = forward_point(arch, theta, x, self.residual.distance(x), &mut ws.point);
            let (r, rho) = self.residual.residual(x, y, &u);
            ws.residuals[i] = r;
            backward(arch, theta, rho, &mut ws.point, &mut ws.row);
            ws.jacobian.set_row(i, &ws.row);
            let Some(h) = hessian.as_deref_mut() else {
                continue;
            };
            tangents(
                theta,
                &mut ws.point,
                ws.second_order.plan().tangent_layers(),
            );
            ws.second_order.record(i, self.count, r / n, &ws.point);
            if R::NONLINEAR {
                self.residual_curvature(theta, x, y, &u, r / n, ws, h);
            }
        }
    }

    /// Returns whether the sweeps run [`BLOCK`] points at a time (see [`block`](super::block)):
    /// for two hidden layers and a residual affine in the jet, whose second-order term needs
    /// nothing but the shared products.
    fn in_blocks(ws: &Workspace<J>) -> bool {
        ws.second_order.plan().sweeps_blocks(R::NONLINEAR)
    }

    /// Runs the forward pass of the block of points from `first`.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    fn forward_block(&self, theta: &[f64], first: usize, ws: &mut Workspace<J>, fused: bool) {
        let d = self.architecture.inputs;
        let lanes = (self.count - first).min(BLOCK);
        let distance = core::array::from_fn(|q| {
            let (x, _) = self.point(first + q.min(lanes - 1));
            self.residual.distance(x)
        });
        let x = &self.points[first * d..(first + lanes) * d];
        ws.block
            .forward(self.architecture, theta, x, &distance, fused);
    }

    /// [`Loss::sweep`] (or the residuals alone) a block of points at a time, under `pulp`'s
    /// runtime dispatch so that the operations on a block's lanes compile to the widest
    /// vectors the processor has.
    fn sweep_blocks(&self, theta: &[f64], ws: &mut Workspace<J>, pass: Pass) {
        Arch::new().dispatch(BlockSweep {
            loss: self,
            theta,
            ws,
            pass,
        });
    }

    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    fn sweep_blocks_here(&self, theta: &[f64], ws: &mut Workspace<J>, pass: Pass, fused: bool) {
        let n = self.len();
        for first in (0..self.count).step_by(BLOCK) {
            self.forward_block(theta, first, ws, fused);
            let (mut rho, mut scale) = ([J::default(); BLOCK], [0.0; BLOCK]);
            for q in 0..ws.block.lanes {
                let (x, y) = self.point(first + q);
                let (r, dual) = self.residual.residual(x, y, &ws.block.output(q));
                ws.residuals[first + q] = r;
                (rho[q], scale[q]) = (dual, r);
            }
            // `r / n` a block at a time: one vector division rather than one per point.
            for s in &mut scale {
                *s /= n;
            }
            if pass == Pass::Value {
                continue;
            }
            let arch = self.architecture;
            ws.block
                .backward(arch, theta, &rho, &mut ws.jacobian, first);
            if pass == Pass::Hessian {
                ws.second_order
                    .record_block(theta, (first, self.count), &scale, &ws.block);
            }
        }
    }

    /// Adds `scale · Σₖₗ ∂²r/∂Uₖ∂Uₗ ∇Uₖ ∇Uₗᵀ`, the part of `∇²r` from a residual that is not
    /// affine in the jet.
    #[expect(
        clippy::too_many_arguments,
        reason = "one point's state, passed through"
    )]
    fn residual_curvature(
        &self,
        theta: &[f64],
        x: &[f64],
        y: f64,
        u: &J,
        scale: f64,
        ws: &mut Workspace<J>,
        h: &mut DMatrix<f64>,
    ) {
        let arch = self.architecture;
        let p = arch.parameters();
        self.residual.curvature(x, y, u, &mut ws.curvature);
        for k in 0..J::K {
            let mut unit = J::default();
            *unit.get_mut(k) = 1.0;
            backward(
                arch,
                theta,
                unit,
                &mut ws.point,
                &mut ws.component_rows[k * p..(k + 1) * p],
            );
        }
        for k in 0..J::K {
            for l in 0..J::K {
                let c = scale * ws.curvature[k * J::K + l];
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

    #[expect(clippy::cast_precision_loss, reason = "point counts are far below 2⁵²")]
    pub(super) fn len(&self) -> f64 {
        self.count as f64
    }

    /// Evaluates `L(θ)` and writes `∇L = (1/N) Σᵢ rᵢ ∇rᵢ` into `gradient`.
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] if `θ` or `gradient` does not have `P` entries, and
    /// [`Error::WorkspaceMismatch`] if `ws` was made for another loss.
    pub fn gradient_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut Workspace<J>,
        gradient: &mut DVector<f64>,
    ) -> Result<f64, Error> {
        self.check("entries of θ", theta)?;
        self.check("entries of the gradient", gradient)?;
        self.check_workspace(ws)?;
        self.sweep(theta.as_slice(), ws, None);
        Ok(self.gradient_from_sweep(ws, gradient))
    }

    fn gradient_from_sweep(&self, ws: &Workspace<J>, gradient: &mut DVector<f64>) -> f64 {
        let n = self.len();
        gradient.fill(0.0);
        ws.jacobian
            .add_transpose_times(1.0 / n, ws.residuals.as_slice(), gradient.as_mut_slice());
        self.mean_square(ws)
    }

    /// `L = (1/2N) Σᵢ rᵢ²` from the residuals in the workspace.
    fn mean_square(&self, ws: &Workspace<J>) -> f64 {
        0.5 * ws.residuals.norm_squared() / self.len()
    }

    /// Writes the exact Hessian `∇²L = (1/N) (JᵀJ + Σᵢ rᵢ ∇²rᵢ)` into `hessian`.
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] if `θ` does not have `P` entries or `hessian` is not `P × P`,
    /// and [`Error::WorkspaceMismatch`] if `ws` was made for another loss.
    pub fn hessian_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut Workspace<J>,
        hessian: &mut DMatrix<f64>,
    ) -> Result<(), Error> {
        self.check("entries of θ", theta)?;
        self.check_square(hessian)?;
        self.check_workspace(ws)?;
        self.hessian_sweep(theta, ws, hessian);
        Ok(())
    }

    fn check_square(&self, hessian: &DMatrix<f64>) -> Result<(), Error> {
        let p = self.parameters();
        check_len("rows of the Hessian", p, hessian.nrows())?;
        check_len("columns of the Hessian", p, hessian.ncols())
    }

    fn hessian_sweep(
        &self,
        theta: &DVector<f64>,
        ws: &mut Workspace<J>,
        hessian: &mut DMatrix<f64>,
    ) {
        // Only a nonlinear residual adds to the Hessian during the sweep; otherwise the
        // Gauss–Newton product writes the upper triangle first and the mirror the lower, which
        // spares a pass over the `P × P` matrix (1 ms at `W = 32`).
        if R::NONLINEAR {
            hessian.fill(0.0);
        }
        self.sweep(theta.as_slice(), ws, Some(hessian));
        // The second-order term is symmetric by construction; the Gauss–Newton part JᵀJ/N is
        // formed on the upper triangle and mirrored, so the Hessian is exactly symmetric.
        let alpha = 1.0 / self.len();
        let p = hessian.nrows();
        let h = hessian.as_mut_slice();
        let (j, n) = (&ws.jacobian, self.count);
        let scratch = (&mut ws.jacobian_rows, &mut Panels::default());
        if R::NONLINEAR {
            add_product_of_strips(j, j, n, Part::Upper, scratch, |a, b, v| {
                h[b * p + a] += alpha * v;
            });
        } else {
            add_product_of_strips(j, j, n, Part::Upper, scratch, |a, b, v| {
                h[b * p + a] = alpha * v;
            });
        }
        ws.second_order.assemble(theta.as_slice(), h, p);
        mirror_upper(h, p);
    }

    /// Evaluates `L(θ)`, writes `∇L` into `gradient` and the exact Hessian into `hessian`, in
    /// one sweep over the points.
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] if `θ` or `gradient` does not have `P` entries or
    /// `hessian` is not `P × P`, and [`Error::WorkspaceMismatch`] if `ws` was made for another
    /// loss.
    pub fn value_gradient_hessian_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut Workspace<J>,
        gradient: &mut DVector<f64>,
        hessian: &mut DMatrix<f64>,
    ) -> Result<f64, Error> {
        self.check("entries of θ", theta)?;
        self.check("entries of the gradient", gradient)?;
        self.check_square(hessian)?;
        self.check_workspace(ws)?;
        self.hessian_sweep(theta, ws, hessian);
        Ok(self.gradient_from_sweep(ws, gradient))
    }

    /// Writes the scaled residuals `rᵢ/√N` and their Jacobian, so that `½‖r‖² = L` (the
    /// [`LeastSquares`](crate::LeastSquares) convention): Gauss–Newton and Levenberg–Marquardt run on this.
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] if `θ` does not have `P` entries, `residuals` not `N`, or
    /// `jacobian` is not `N × P`, and [`Error::WorkspaceMismatch`] if `ws` was made for another
    /// loss.
    pub fn residuals_jacobian_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut Workspace<J>,
        residuals: &mut DVector<f64>,
        jacobian: &mut DMatrix<f64>,
    ) -> Result<(), Error> {
        self.check("entries of θ", theta)?;
        check_len("residuals", self.count, residuals.len())?;
        check_len("rows of the Jacobian", self.count, jacobian.nrows())?;
        check_len(
            "columns of the Jacobian",
            self.parameters(),
            jacobian.ncols(),
        )?;
        self.check_workspace(ws)?;
        self.sweep(theta.as_slice(), ws, None);
        let s = self.len().sqrt().recip();
        residuals.copy_from(&ws.residuals);
        *residuals *= s;
        for q in 0..self.parameters() {
            for i in 0..self.count {
                jacobian[(i, q)] = s * ws.jacobian.get(i, q);
            }
        }
        Ok(())
    }
}

/// What a sweep over the points computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pass {
    /// The residuals.
    Value,
    /// The residuals and their Jacobian.
    Jacobian,
    /// The residuals, their Jacobian and the second-order term of the Hessian.
    Hessian,
}

/// [`Loss::sweep_blocks`], dispatched.
struct BlockSweep<'s, 'a, J: Jet, R: Residual<J>> {
    loss: &'s Loss<'a, J, R>,
    theta: &'s [f64],
    ws: &'s mut Workspace<J>,
    pass: Pass,
}

impl<J: Jet, R: Residual<J>> WithSimd for BlockSweep<'_, '_, J, R> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "the sweep must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        // Every SIMD path of `pulp` on x86-64 (v3 and v4) has FMA; the scalar one may not.
        let fused = S::F64_LANES >= 4;
        self.loss
            .sweep_blocks_here(self.theta, self.ws, self.pass, fused);
    }
}
