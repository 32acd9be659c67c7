//! §4 of `PROBLEMS.md`: the networks, declared with `network!`.
//!
//! Two hidden layers, no output bias. Regression on `N = 100` grid points of `[0, 1]` against
//! `sin 2πx` (tanh, SIREN with `ω = 6`, Fourier features with `m = 8`), the 1-D Poisson PINN and
//! the 2-D diffusion–reaction PINN (SIREN with `ω = 1`, exact boundary conditions through the
//! distance function). The declared widths are the project's defaults (`W = 10`); other widths
//! (the benchmarks' `W ∈ {4, 8, 16, 32}`, the CLI's `--width`) are a run-time setting,
//! `tanh_regression::Network::new().with_widths(&[w, w])`: `network!` compiles the residual,
//! and the layers run in newton's engine at any width.

use core::f64::consts::{PI, TAU};

newton::network! {
    /// Regression of `sin 2πx` by a `tanh` network, `W = 10` (`P = 140`); `with_widths` gives
    /// the other widths.
    pub tanh_regression {
        inputs: (x),
        hidden: [10, 10],
        activation: tanh,
        embedding: none,
        residual: u - y,
    }
}

newton::network! {
    /// Regression of `sin 2πx` by a SIREN (`sin(6·)` activations), `W = 10` (`P = 140`).
    pub siren_regression {
        inputs: (x),
        hidden: [10, 10],
        activation: sin(6.0),
        embedding: none,
        residual: u - y,
    }
}

newton::network! {
    /// Regression of `sin 2πx` by a `tanh` network on `m = 8` Fourier features
    /// `[cos 2πBx, sin 2πBx]`, `W = 10` (`P = 290`).
    pub fourier_regression {
        inputs: (x),
        hidden: [10, 10],
        activation: tanh,
        embedding: fourier(8),
        residual: u - y,
    }
}

newton::network! {
    /// The 1-D Poisson PINN: `−u″ = 4π² sin 2πx` on `(0, 1)`, `u = x(1 − x) Σⱼ cⱼ z²ⱼ`,
    /// SIREN body with `ω = 1`, `W = 10` (`P = 140`).
    pub pinn_poisson_1d {
        inputs: (x),
        hidden: [10, 10],
        activation: sin(1.0),
        embedding: none,
        output_bias: false,
        distance: x * (1.0 - x),
        residual: u.xx + 4.0 * PI * PI * (2.0 * PI * x).sin(),
    }
}

newton::network! {
    /// The 2-D diffusion–reaction PINN: `−Δu + κu = (5π² + κ) sin 2πx sin πy` on `(0, 1)²`,
    /// `κ = 1`, `u = x(1 − x) y(1 − y) Σⱼ cⱼ z²ⱼ`, SIREN body with `ω = 1`, `W = 10` (`P = 150`).
    pub pinn_diffusion_reaction_2d {
        inputs: (x, y),
        hidden: [10, 10],
        activation: sin(1.0),
        embedding: none,
        distance: x * (1.0 - x) * y * (1.0 - y),
        target: none,
        residual: -(u.xx + u.yy) + 1.0 * u - (5.0 * PI * PI + 1.0) * (2.0 * PI * x).sin() * (PI * y).sin(),
    }
}

newton::network! {
    /// A 2-D Helmholtz PINN for the speed of deep networks (issue 22 §4):
    /// `Δu + 16u = sin(xy)` on `(0, 1)²` with `u = x(1 − x) y(1 − y) N`, tanh, three hidden
    /// layers of 24 (`P = 1 296`); `with_widths(&[34, 34])` is the two-layer case of about the
    /// same size (`P = 1 326`).
    pub pinn_helmholtz_2d {
        inputs: (x, y),
        hidden: [24, 24, 24],
        activation: tanh,
        distance: x * (1.0 - x) * y * (1.0 - y),
        target: none,
        residual: u.xx + u.yy + 16.0 * u - (x * y).sin(),
    }
}

newton::network! {
    /// Viscous Burgers `u.t + u·u.x − νu.xx = 0` on `(0, 1)²`, `ν = 0.01`, with
    /// `u = t x(1 − x) N`: a residual not affine in the jets, two hidden layers of 34
    /// (`P = 1 326`), for the speed of nonlinear residuals (issue 22 §4).
    pub pinn_burgers_2d {
        inputs: (t, x),
        hidden: [34, 34],
        activation: tanh,
        distance: t * x * (1.0 - x),
        constants: { nu: 0.01 },
        target: none,
        residual: u.t + u * u.x - nu * u.xx - (PI * x).sin(),
    }
}

/// The number of regression points, `N = 100`.
pub const REGRESSION_POINTS: usize = 100;

/// The regression grid `xᵢ = i / (N − 1)`.
#[must_use]
pub fn regression_grid() -> Vec<f64> {
    (0..REGRESSION_POINTS)
        .map(|i| index(i) / index(REGRESSION_POINTS - 1))
        .collect()
}

/// The regression target `f(x) = sin 2πx` on the grid.
#[must_use]
pub fn regression_target(xs: &[f64]) -> Vec<f64> {
    xs.iter().map(|x| (TAU * x).sin()).collect()
}

/// The 1-D collocation points `xᵢ = (i + 1)/(N + 1)`, `N = 64`.
#[must_use]
pub fn poisson_points() -> Vec<f64> {
    (0..64).map(|i| index(i + 1) / 65.0).collect()
}

/// The 2-D collocation points: the interior `16 × 16` grid `((i+1)/17, (j+1)/17)`, `N = 256`,
/// as `[x₀, y₀, x₁, y₁, …]`.
#[must_use]
pub fn diffusion_reaction_points() -> Vec<f64> {
    let mut points = Vec::with_capacity(512);
    for i in 0..16 {
        for j in 0..16 {
            points.extend([index(i + 1) / 17.0, index(j + 1) / 17.0]);
        }
    }
    points
}

/// The exact solution of the 2-D PINN, `u* = sin 2πx sin πy`.
#[must_use]
pub fn diffusion_reaction_exact(x: f64, y: f64) -> f64 {
    (TAU * x).sin() * (PI * y).sin()
}

/// The Fourier frequencies of benchmarks and peer comparisons: `B_j = 0.5·(j + 1)`.
#[must_use]
pub fn benchmark_frequencies() -> newton::nalgebra::DMatrix<f64> {
    newton::nalgebra::DMatrix::from_fn(8, 1, |j, _| 0.5 * index(j + 1))
}

#[expect(clippy::cast_precision_loss, reason = "indices are small")]
fn index(i: usize) -> f64 {
    i as f64
}
