//! The runtime of `network!`: exact, allocation-free loss, gradient and Hessian of small fully
//! connected networks (MLP, SIREN, Fourier features, PINNs with input derivatives).
//!
//! `network!` declares an architecture and a residual. What it compiles is the residual and
//! the distance function, differentiated in the output jet at compile time and handed to this
//! engine as a [`Residual`]. The layers run here, at run time, over an [`Architecture`] whose
//! widths, `ω` and Fourier frequencies are run-time settings (the declared widths are only the
//! default): the same machine code serves every width. The engine exploits the layered
//! structure:
//! - a forward pass of [`Jet`]s gives `u` and its input derivatives `u.x`, `u.xx`, … exactly;
//! - one backward pass per point gives the residual Jacobian's row `∇_θ rᵢ`; with two hidden
//!   layers and a residual affine in the jet (every network of the paper), both passes run
//!   eight points at a time, each jet component a vector over the points (private `block`
//!   module);
//! - the Hessian is `(1/N)(JᵀJ + Σᵢ rᵢ ∇²rᵢ)`: `JᵀJ` by one packed product, the second-order term
//!   by the curvature of each layer's operations (see [`engine`] for the blocks).
//!
//! Nothing is allocated per evaluation: a [`Workspace`] holds every buffer.
//!
//! # Examples
//!
//! A `tanh` network fitted to `sin 2πx`, its Hessian, and its trivial stationary point:
//!
//! ```
//! use nalgebra::{DMatrix, DVector};
//! use newton_core::network::{Activation, Architecture, Embedding, Loss, Regression};
//!
//! let arch = Architecture {
//!     inputs: 1,
//!     embedding: Embedding::Identity,
//!     widths: vec![3, 3],
//!     activation: Activation::Tanh,
//!     output_bias: false,
//! };
//! let xs: Vec<f64> = (0..20).map(|i| f64::from(i) / 19.0).collect();
//! let ys: Vec<f64> = xs.iter().map(|x| (std::f64::consts::TAU * x).sin()).collect();
//! let loss = Loss::new(&arch, Regression, &xs, &ys)?;
//! let mut ws = loss.workspace();
//! let theta = DVector::from_fn(arch.parameters(), |k, _| 0.5 * (0.7 * k as f64 + 0.3).sin());
//! let (mut g, mut h) = (DVector::zeros(21), DMatrix::zeros(21, 21));
//! let value = loss.value_gradient_hessian_into(&theta, &mut ws, &mut g, &mut h)?;
//! assert!(value > 0.0 && h == h.transpose());
//! # Ok::<(), newton_core::Error>(())
//! ```

mod architecture;
mod block;
mod curvature;
pub mod engine;
mod form;
mod gram;
mod init;
mod jet;
mod lanes;
mod loss;
mod objective;

pub use architecture::{Activation, Architecture, Embedding, MAX_FREQUENCY, MAX_OMEGA};
pub use init::init_xavier;
pub use jet::{Jet, Jet2, Jet2In1, Jet2In2, Jet2In3};
pub use loss::{Loss, Residual, Workspace};
pub use objective::NetworkObjective;

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
