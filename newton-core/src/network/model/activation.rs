//! The activations `σ` of the hidden neurons and their derivatives up to the fourth, which an
//! order-two jet of `σ″(H)` needs: one value at a time here, a layer or a block of points at
//! a time by the vector kernels of [`activations`].

use super::super::kernels::activations;
use super::smooth;

/// A neuron's nonlinearity. Every one is smooth: the exact Hessian of a PINN residual with
/// `u.xx` differentiates it four times.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Activation {
    /// `tanh`.
    Tanh,
    /// `sin(ω·)`, the SIREN activation; `ω` scales the pre-activation.
    Sin {
        /// The frequency `ω`.
        omega: f64,
    },
    /// `ln(1 + eʰ)`, a smooth `ReLU`.
    Softplus,
    /// The logistic sigmoid `1/(1 + e⁻ʰ)`.
    Sigmoid,
    /// `h·sigmoid(h)`, also called swish.
    Silu,
    /// GELU in its tanh form, `h/2·(1 + tanh(√(2/π)(h + 0.044715h³)))`, the form most
    /// frameworks use for speed.
    Gelu,
}

impl Activation {
    /// Returns `σ(h), σ′(h), …, σ⁗(h)`: an order-two jet of `σ″(H)` needs four derivatives.
    #[must_use]
    pub fn derivatives(self, h: f64) -> [f64; 5] {
        match self {
            Self::Tanh => {
                // With `e = exp(−2|h|)`, `tanh|h| = (1 − e)/(1 + e)` and `1/cosh² = 4e/(1 + e)²`,
                // the latter keeping its relative precision for large |h|, where `1 − t²` loses
                // it. `e − 1` comes from `exp_m1` (exact near 0); `e` from it where that is
                // exact, from `exp` beyond (where `1 + (e − 1)` would round `e` away, to zero
                // from |h| ≈ 18.4).
                let m = (-2.0 * h.abs()).exp_m1();
                let e = if m < -0.5 {
                    (-2.0 * h.abs()).exp()
                } else {
                    1.0 + m
                };
                let t = (-m / (2.0 + m)).copysign(h);
                let d1 = 4.0 * e / ((1.0 + e) * (1.0 + e));
                let d2 = -2.0 * t * d1;
                let d3 = -2.0 * (d1 * d1 + t * d2);
                let d4 = -2.0 * (3.0 * d1 * d2 + t * d3);
                [t, d1, d2, d3, d4]
            }
            Self::Sin { omega } => activations::sin_derivatives(omega, h),
            Self::Softplus => smooth::softplus(h),
            Self::Sigmoid => smooth::sigmoid(h),
            Self::Silu => smooth::silu(h),
            Self::Gelu => smooth::gelu(h),
        }
    }

    /// Returns [`Activation::derivatives`] of each of `h`, component by component: entry
    /// `[i][q]` is `σ⁽ⁱ⁾(h[q])`, by the vector kernels of [`activations`]. `N` is the neurons of a
    /// layer at one point.
    pub(crate) fn derivatives_lanes<const N: usize>(self, h: &[f64; N]) -> [[f64; N]; 5] {
        let mut d = [[0.0; N]; 5];
        match self {
            Self::Tanh => activations::tanh_dispatched(h, &mut d),
            Self::Sin { omega } => activations::sin_dispatched(omega, h, &mut d),
            _ => self.each_value(h, &mut d),
        }
        d
    }

    /// [`Activation::derivatives_lanes`] inlined into a caller already compiled under `pulp`'s
    /// dispatch (the block pass); derivatives above order `highest` may be left zero, and
    /// `fused` says that the caller's target has fused multiply-adds (see
    /// [`activations::tanh_inline`]).
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(crate) fn derivatives_inline<const N: usize>(
        self,
        h: &[f64; N],
        highest_fused: (usize, bool),
        out: &mut [[f64; N]; 5],
    ) {
        match self {
            Self::Tanh => activations::tanh_inline(h, highest_fused, out),
            Self::Sin { omega } => activations::sin_inline(omega, h, out),
            _ => self.each_value(h, out),
        }
    }

    /// [`Activation::derivatives`] of each of `h` in turn: the activations without a vector
    /// kernel of their own (all but `tanh` and `sin`).
    fn each_value<const N: usize>(self, h: &[f64; N], out: &mut [[f64; N]; 5]) {
        for (q, &hq) in h.iter().enumerate() {
            for (order, d) in self.derivatives(hq).into_iter().enumerate() {
                out[order][q] = d;
            }
        }
    }
}
