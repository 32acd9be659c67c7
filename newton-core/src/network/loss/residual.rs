//! What `network!` compiles: the residual of one point as a function of the output jet, with
//! its derivatives in the jet's components.

use super::super::jet::Jet;

/// The residual of one collocation point as a function of the output jet, and the distance
/// function that multiplies every basis function.
///
/// `network!` implements this from the declaration's `residual:` and `distance:`, with the
/// derivatives in the jet's components generated at compile time.
pub trait Residual<J: Jet>: Sync {
    /// Whether the residual uses the per-point target (`y` or `target` in the declaration).
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

/// The regression residual `r = u − y`, without a distance function.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Regression;

impl Residual<f64> for Regression {
    const USES_TARGET: bool = true;
    const NONLINEAR: bool = false;

    fn distance(&self, _: &[f64]) -> f64 {
        1.0
    }

    fn residual(&self, _: &[f64], y: f64, u: &f64) -> (f64, f64) {
        (u - y, 1.0)
    }

    fn curvature(&self, _: &[f64], _: f64, _: &f64, out: &mut [f64]) {
        out.fill(0.0);
    }
}
