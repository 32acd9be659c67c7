//! What `network!` compiles: the residual of one point as a function of the output jet, with
//! its derivatives in the jet's components.

use super::super::jet::Jet;

/// The residual of one collocation point as a function of the output jets, and the distance
/// function that multiplies every basis function.
///
/// `network!` implements this from the declaration's `residual:` and `distance:`, with the
/// derivatives in the jets' components generated at compile time. A network with several
/// outputs (`outputs: (u, v)`) passes one jet per output, in the declared order; the distance
/// multiplies every output.
pub trait Residual<J: Jet>: Sync {
    /// Whether the residual uses the per-point target (`y` or `target` in the declaration).
    const USES_TARGET: bool;
    /// Whether `∂²r/∂U∂U` can be non-zero (the residual is not affine in the jets); when
    /// `false`, [`Residual::curvature`] is never called.
    const NONLINEAR: bool;
    /// The number of network outputs the residual reads: the loss checks that the
    /// architecture has as many.
    const OUTPUTS: usize = 1;

    /// Returns the jet of the distance function `D` at `x` (`J::constant(1.0)` for none).
    fn distance(&self, x: &[f64]) -> J;

    /// Returns `r(x, y, U)` for the output jets `u` ([`Residual::OUTPUTS`] of them) and writes
    /// its derivative with respect to the components of `u[o]` into `dual[o]`.
    fn residual(&self, x: &[f64], y: f64, u: &[J], dual: &mut [J]) -> f64;

    /// Writes `∂²r/∂Uₐ∂U_b` into `out`: row-major over the `OUTPUTS·K` components, output
    /// after output (component `k` of output `o` is `o·K + k`).
    fn curvature(&self, x: &[f64], y: f64, u: &[J], out: &mut [f64]);
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

    fn residual(&self, _: &[f64], y: f64, u: &[f64], dual: &mut [f64]) -> f64 {
        dual[0] = 1.0;
        u[0] - y
    }

    fn curvature(&self, _: &[f64], _: f64, _: &[f64], out: &mut [f64]) {
        out.fill(0.0);
    }
}
