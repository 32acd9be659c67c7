//! The buffers of one loss evaluation, allocated once.

use nalgebra::DVector;

use super::super::curvature::Curvature;
use super::super::jet::Jet;
use super::super::kernels::Strips;
use super::super::model::Architecture;
use super::super::passes::block::Block;
use super::super::passes::point::Workspace as PointWorkspace;
use super::residual_curvature::ResidualCurvature;

/// Everything one evaluation of a [`Loss`](super::Loss) needs besides its inputs and outputs: allocated once,
/// reused for every evaluation, so evaluations allocate nothing.
///
/// A workspace is sized for one point count and one network's layout; a loss given a workspace
/// made for another returns [`Error::WorkspaceMismatch`](crate::Error::WorkspaceMismatch) (its buffers would be read out of
/// bounds, or, made for more points, add residuals of points the loss does not have). Losses of
/// the same network over the same number of points may share one, except that a residual not
/// affine in the jets needs room for the rows of its curvature: a workspace from
/// [`Workspace::new`] or from such a loss has it, one from a loss of an affine residual does not
/// (and is refused the same way).
///
/// The Jacobian and the stacked factors of the second-order term are stored a block of eight
/// points per vector, as the sweep computes them, and column-major, as the products read them.
#[derive(Clone, Debug)]
pub struct Workspace<J: Jet> {
    /// The point count the buffers are sized for; the network is in `point`'s layout.
    pub(crate) points: usize,
    pub(crate) point: PointWorkspace<J>,
    /// The state of a block of points, for the networks that run in blocks
    /// ([`Plan::sweeps_blocks`](super::super::plan::Plan::sweeps_blocks)).
    pub(crate) block: Block<J>,
    /// The per-point factors of the second-order term, summed over the points at the end.
    pub(crate) second_order: Curvature<J>,
    /// `∇_θ rᵢ`, one row per point: the residual Jacobian (unscaled), in strips of a block of
    /// points as the block sweep computes it.
    pub(crate) jacobian: Strips,
    pub(crate) residuals: DVector<f64>,
    pub(crate) row: Vec<f64>,
    /// `∂r/∂Uₒ` of the current point, one dual per output.
    pub(crate) duals: Vec<J>,
    /// The factors and stacked rows of the curvature of a residual not affine in the jets.
    pub(crate) residual_curvature: ResidualCurvature<J>,
}

impl<J: Jet> Workspace<J> {
    /// Allocates the workspace for `architecture` and `points` collocation points, for any
    /// residual. [`Loss::workspace`](super::Loss::workspace) allocates one for its own
    /// residual, without the room a residual affine in the jets does not need.
    #[must_use]
    pub fn new(architecture: &Architecture, points: usize) -> Self {
        Self::for_residual(architecture, points, true)
    }

    /// Allocates the workspace for `architecture`, `points` points and a residual that is
    /// `nonlinear` in the jets or not.
    pub(crate) fn for_residual(
        architecture: &Architecture,
        points: usize,
        nonlinear: bool,
    ) -> Self {
        let p = architecture.parameters();
        let point = PointWorkspace::new(architecture);
        Self {
            points,
            second_order: Curvature::new(&point.layout, points, p),
            point,
            block: Block::new(architecture),
            jacobian: Strips::new(points, 1, p),
            residuals: DVector::zeros(points),
            row: vec![0.0; p],
            duals: vec![J::default(); architecture.outputs],
            residual_curvature: ResidualCurvature::new(architecture.outputs, p, points, nonlinear),
        }
    }
}
