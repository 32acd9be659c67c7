//! The runtime of `network!`: exact, allocation-free loss, gradient and Hessian of small fully
//! connected networks (MLP, SIREN, Fourier features, PINNs with input derivatives).
//!
//! `network!` declares an architecture and a residual; it compiles the residual's derivatives
//! in the output jet at compile time and hands them, as a [`Residual`], to this engine, which
//! is specialised to the layered structure:
//! - a forward pass of [`Jet`]s gives `u` and its input derivatives `u.x`, `u.xx`, … exactly;
//! - one backward pass per point gives the residual Jacobian's row `∇_θ rᵢ`;
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
mod curvature;
pub mod engine;
mod gram;
mod init;
mod jet;
mod loss;

pub use architecture::{Activation, Architecture, Embedding};
pub use init::init_xavier;
pub use jet::{Jet, Jet2, Jet2In1, Jet2In2, Jet2In3};
pub use loss::{Loss, NetworkObjective, Residual, Workspace};

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

/// Times the packed `JᵀJ` kernel on `j` over `reps` calls (seconds per call). A throwaway
/// measurement hook for `examples/nettime.rs`; not part of the API.
#[doc(hidden)]
#[must_use]
pub fn __time_gram(j: &nalgebra::DMatrix<f64>, h: &mut nalgebra::DMatrix<f64>, reps: u32) -> f64 {
    let (n, p) = j.shape();
    let mut packed = gram::Panels::new(n, p);
    let mut row = vec![0.0; p];
    for i in 0..n {
        for (q, r) in row.iter_mut().enumerate() {
            *r = j[(i, q)];
        }
        packed.set_row(i, &row);
    }
    let t = std::time::Instant::now();
    for _ in 0..reps {
        let hs = h.as_mut_slice();
        hs.fill(0.0);
        gram::add_product(&packed, &packed, gram::Part::Upper, |a, b, v| {
            hs[b * p + a] += v;
        });
        gram::mirror_upper(hs, p);
    }
    t.elapsed().as_secs_f64() / f64::from(reps)
}
