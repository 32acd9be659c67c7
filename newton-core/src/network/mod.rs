//! The runtime of `network!`: exact, allocation-free loss, gradient and Hessian of small fully
//! connected networks (MLP, SIREN, Fourier features, PINNs with input derivatives).
//!
//! # What is compiled and what runs at run time
//!
//! `network!` compiles the residual and the distance function: their derivatives in the
//! components of the output jet (`u`, `u.x`, `u.xx`, …) are generated at compile time, as
//! `#[hessian]` does, and handed to this engine as a [`Residual`]. The layers are not
//! compiled per declaration: they run in this engine over an [`Architecture`] whose widths,
//! depth, activation and embedding are run-time values (the declared widths are only the
//! default, `Network::with_widths` changes them), so a network of width 4 and one of width 32
//! run the same machine code. Its speed comes from the structure of the Hessian of a
//! layered network, not from unrolling: every block of it is a sum over points of products
//! of per-point factors, which the engine forms as a few packed matrix products with SIMD
//! kernels. Networks of up to three hidden layers run eight points at a time (the plan says
//! why); deeper ones point by point.
//!
//! # The pipeline
//!
//! | step | module | what it does |
//! |---|---|---|
//! | model | `model` | [`Architecture`] (inputs, embedding, widths, [`Activation`]) and the layout of `θ` |
//! | plan | `plan` | once per loss: how each layer's second-order blocks are formed, the chunk of points between products, and whether the points run a block at a time |
//! | passes | `passes` | per point ([`engine`]) or per block of eight points: the forward pass of [`Jet`]s, the backward pass of a dual (a row of the residual Jacobian), the tangents |
//! | sweep | `loss` | [`Loss`] runs the passes over every point (one trait, two sweeps, chosen by the plan) and writes residuals and the Jacobian `J` into a [`Workspace`] |
//! | curvature | `curvature` | records each point's factors of the second-order term `Σᵢ rᵢ∇²rᵢ` and sums them by products |
//! | kernels | `kernels` | `JᵀJ` (by faer), the products `AᵀB` of the curvature, the lane-jet algebra, vector `tanh` and `sin`: independent of the rest |
//!
//! The Hessian is then `(1/N)(JᵀJ + Σᵢ rᵢ ∇²rᵢ)`: `JᵀJ` by faer's triangular product, the
//! second-order term by the curvature's products, both written into the upper triangle and
//! mirrored. A residual not affine in the jets (Burgers' `u·u.x`) adds
//! `Σᵢ sᵢ Σₖₗ ∂²rᵢ/∂Uₖ∂Uₗ ∇Uₖ∇Uₗᵀ`, which the sweep factors point by point into a few rows
//! (one per eigenvalue of `∂²r/∂U²`) and multiplies in by the same triangular product. Nothing is allocated per evaluation: the [`Workspace`] holds every buffer (faer
//! allocates its packing buffer once per thread, on the first product).
//! The modules are layered: `kernels` depend on nothing but [`Jet`], `model` on the kernels,
//! `passes` and `plan` on the model, `curvature` on those, and `loss` on all of them; a test
//! checks that no module uses one above it.
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
//!     outputs: 1,
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

#[doc(hidden)]
pub mod bench_hooks;
mod curvature;
mod init;
mod jet;
mod kernels;
#[cfg(test)]
mod layering;
mod loss;
mod model;
mod objective;
mod passes;
mod plan;

/// One point through a network outside a loss: the forward pass of jets that `network!`'s
/// `Network::jet` and `forward` run.
pub mod engine {
    pub use super::passes::point::{forward, Workspace};
}

pub use init::init_xavier;
pub use jet::{Jet, Jet2, Jet2In1, Jet2In2, Jet2In3};
pub use loss::{
    CoefficientBlocks, CoefficientDerivatives, Coefficients, Loss, PointSet, Regression, Residual,
    TermList, Terms, Trainable, TrainableTerms, TrainableWorkspace, Workspace,
};
pub use model::{Activation, Architecture, Embedding, MAX_FREQUENCY, MAX_OMEGA, MAX_OUTPUTS};
pub use objective::{NetworkLoss, NetworkObjective};
