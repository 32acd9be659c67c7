//! The loss `L(θ) = (1/2N) Σᵢ rᵢ²` of a network over borrowed collocation points, with its
//! exact gradient and Hessian written into caller storage.
//!
//! [`Residual`] is what `network!` compiles; a [`Workspace`] holds every buffer of an
//! evaluation; the sweeps over the points are in the private `sweep` module.

mod residual;
mod residual_curvature;
mod sweep;
mod terms;
mod trainable;
mod workspace;

use nalgebra::{DMatrix, DVector};

use super::jet::Jet;
use super::kernels::gram::gram_upper;
use super::kernels::panels::mirror_upper;
use super::model::Architecture;
use crate::error::check_len;
use crate::Error;
pub use residual::{Regression, Residual};
use sweep::Computes;
pub use terms::{PointSet, TermList, Terms};
pub use trainable::{
    CoefficientBlocks, CoefficientDerivatives, Coefficients, Trainable, TrainableTerms,
    TrainableWorkspace,
};
pub use workspace::Workspace;

/// The mean-squared-residual loss of a network over borrowed points and targets.
#[derive(Clone, Debug)]
pub struct Loss<'a, J: Jet, R: Residual<J>> {
    architecture: &'a Architecture,
    residual: R,
    points: &'a [f64],
    targets: &'a [f64],
    count: usize,
    /// The weight `w` of `L = (w/2N) Σᵢ rᵢ²`: 1 unless the loss is a term of [`Terms`].
    weight: f64,
    marker: core::marker::PhantomData<J>,
}

impl<'a, J: Jet, R: Residual<J>> Loss<'a, J, R> {
    /// Builds the loss over `points` (`N × d`, one point after another) and `targets` (`N`
    /// values, or none when the residual uses no target).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] for an invalid architecture or one whose outputs are not the
    /// residual's [`Residual::OUTPUTS`], [`Error::PointDimension`] if the
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
        if architecture.outputs != R::OUTPUTS {
            return Err(Error::InvalidSetting {
                name: "outputs",
                value: f64::from(u32::try_from(architecture.outputs).unwrap_or(u32::MAX)),
                requirement: "as many as the residual reads",
            });
        }
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
            weight: 1.0,
            marker: core::marker::PhantomData,
        })
    }

    /// Returns the loss scaled by `weight`: `L = (w/2N) Σᵢ rᵢ²`, with its gradient and Hessian
    /// scaled alike. This is how a term of [`Terms`] carries its weight.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] (`weight`) unless `weight` is finite and not negative.
    pub fn with_weight(mut self, weight: f64) -> Result<Self, Error> {
        if !(weight.is_finite() && weight >= 0.0) {
            return Err(Error::InvalidSetting {
                name: "weight",
                value: weight,
                requirement: "finite and not negative",
            });
        }
        self.weight = weight;
        Ok(self)
    }

    /// Returns the weight `w` of `L = (w/2N) Σᵢ rᵢ²`.
    #[must_use]
    pub fn weight(&self) -> f64 {
        self.weight
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
        Workspace::for_residual(self.architecture, self.count, R::NONLINEAR)
    }

    fn point(&self, i: usize) -> (&[f64], f64) {
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
        } else if R::NONLINEAR && !ws.residual_curvature.has_room() {
            // Made by a loss whose residual is affine in the jets: no room for the rows of
            // this one's curvature.
            Err(Error::WorkspaceMismatch {
                what: "kind of residual (affine in the jets)",
            })
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
        self.sweep(theta.as_slice(), ws, Computes::Value);
        Ok(self.mean_square(ws))
    }

    /// `N/w`, which every sum over the points is divided by: `N` itself (bit for bit) at the
    /// default weight 1.
    #[expect(clippy::cast_precision_loss, reason = "point counts are far below 2⁵²")]
    fn divisor(&self) -> f64 {
        self.count as f64 / self.weight
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
        self.sweep(theta.as_slice(), ws, Computes::Jacobian);
        Ok(self.gradient_from_sweep(ws, gradient))
    }

    fn gradient_from_sweep(&self, ws: &Workspace<J>, gradient: &mut DVector<f64>) -> f64 {
        gradient.fill(0.0);
        self.add_gradient(ws, gradient)
    }

    /// Adds `∇L` of the last sweep to `gradient` and returns `L`.
    fn add_gradient(&self, ws: &Workspace<J>, gradient: &mut DVector<f64>) -> f64 {
        let n = self.divisor();
        ws.jacobian
            .add_transpose_times(1.0 / n, ws.residuals.as_slice(), gradient.as_mut_slice());
        self.mean_square(ws)
    }

    /// `L = (1/2N) Σᵢ rᵢ²` from the residuals in the workspace.
    fn mean_square(&self, ws: &Workspace<J>) -> f64 {
        0.5 * ws.residuals.norm_squared() / self.divisor()
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
        // Only a nonlinear residual adds to the Hessian during the sweep (the products of its
        // curvature's rows, on the upper triangle); otherwise the Gauss–Newton product writes
        // the upper triangle first and the mirror the lower, which spares a pass over the
        // `P × P` matrix.
        if R::NONLINEAR {
            hessian.fill(0.0);
        }
        self.upper_hessian(theta, ws, hessian, R::NONLINEAR);
        // The second-order term is symmetric by construction; the Gauss–Newton part JᵀJ/N is
        // formed on the upper triangle and mirrored, so the Hessian is exactly symmetric.
        let p = hessian.nrows();
        mirror_upper(hessian.as_mut_slice(), p);
    }

    /// Sweeps the points and writes the upper triangle of `∇²L` into `hessian`, or adds it
    /// with `accumulate`. The strict lower triangle is left partial (a nonlinear residual adds
    /// its part to both triangles): the caller mirrors the upper one over it.
    pub(super) fn upper_hessian(
        &self,
        theta: &DVector<f64>,
        ws: &mut Workspace<J>,
        hessian: &mut DMatrix<f64>,
        accumulate: bool,
    ) {
        self.sweep(theta.as_slice(), ws, Computes::Hessian(&mut *hessian));
        let alpha = 1.0 / self.divisor();
        let p = hessian.nrows();
        let h = hessian.as_mut_slice();
        gram_upper(&ws.jacobian, alpha, accumulate, h);
        ws.second_order.assemble(theta.as_slice(), h, p);
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

    /// Writes the scaled residuals `rᵢ/√N`, so that `½‖r‖² = L` (the
    /// [`LeastSquares`](crate::LeastSquares) convention), by the same sweep as
    /// [`Loss::residuals_jacobian_into`] without the backward passes.
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] if `θ` does not have `P` entries or `residuals` not `N`,
    /// and [`Error::WorkspaceMismatch`] if `ws` was made for another loss.
    pub fn residuals_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut Workspace<J>,
        residuals: &mut DVector<f64>,
    ) -> Result<(), Error> {
        self.check("entries of θ", theta)?;
        check_len("residuals", self.count, residuals.len())?;
        self.check_workspace(ws)?;
        self.sweep(theta.as_slice(), ws, Computes::Value);
        self.scaled_residuals(ws, residuals);
        Ok(())
    }

    /// Writes the residuals of the last sweep, scaled by `1/√N`, into `residuals`, and returns
    /// the scale.
    fn scaled_residuals(&self, ws: &Workspace<J>, residuals: &mut DVector<f64>) -> f64 {
        let s = self.divisor().sqrt().recip();
        residuals.copy_from(&ws.residuals);
        *residuals *= s;
        s
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
        self.sweep(theta.as_slice(), ws, Computes::Jacobian);
        let s = self.scaled_residuals(ws, residuals);
        ws.jacobian.copy_to_columns(jacobian.as_mut_slice());
        *jacobian *= s;
        Ok(())
    }
}
