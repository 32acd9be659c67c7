//! Every problem of newton's `PROBLEMS.md`, each written once as a `#[newton::hessian]` function,
//! with a hand-written closed form beside it, its known stationary points as data, and the
//! reports that the `problems` command-line tool prints.
//!
//! ```
//! use problems::slides::{self, slides_bowl};
//!
//! // The macro's fused derivatives and the hand-written closed form agree.
//! let (f, g, h) = slides_bowl::value_gradient_hessian(0.3, -0.2);
//! let (f_hand, g_hand, h_hand) = slides::closed_form::slides_bowl(0.3, -0.2);
//! assert!((f - f_hand).abs() < 1e-15);
//! assert!((g - g_hand).norm() < 1e-15);
//! assert_eq!(h, h_hand);
//! ```
//!
//! Layout, one module per section of `PROBLEMS.md`:
//! - [`slides`]: §1, the textbook problems of the course slides "Newton's method";
//! - [`rosenbrock`]: §1, Rosenbrock's function and its chained version for n = 2, 4, 8, 16, 32;
//! - [`circle`]: §2, the distance from a point of the unit circle to a target;
//! - [`torus`]: §3, the distance from a point of an ellipsoidal torus to the origin.
//!
//! Beside them: [`generic`] (the same functions over any real scalar, for runtime autodiff such
//! as num-dual), [`finite_differences`] (a central-difference Hessian, the peer every benchmark
//! includes), [`stationary`] (the known stationary points and their types), [`experiments`]
//! (the experiments of the paper, one file each), [`report`] (the `reproduce` and `run`
//! commands, which write `REPORT.md`, `results.json` and the figures drawn by [`plot`], into
//! a directory [`out_dir`] checks holds no report of another kind) and
//! [`bench_report`] (the `bench-report` command, which writes `BENCHMARKS.md`).

pub mod bench_composition;
pub mod bench_networks;
pub mod bench_report;
pub mod bench_settings;
pub mod circle;
pub mod code_size;
pub mod compile_side;
pub mod composition;
mod date;
pub mod error;
pub mod experiments;
pub mod finite_differences;
pub mod generic;
pub mod heatmap;
pub mod instructions;
pub mod jtj_floors;
pub mod kernels;
pub mod network_instructions;
pub mod network_peer;
pub mod networks;
pub mod out_dir;
pub mod paired;
pub mod plot;
pub mod report;
pub mod rosenbrock;
pub mod slides;
pub mod stationary;
pub mod torus;

pub use error::Error;
pub use stationary::StationaryPoint;

/// Returns the benchmark point of a parameter vector of length `p`:
/// `θₖ = 0.5 · sin(0.7·k + 0.3)` for `k = 0 … p − 1`.
///
/// Every peer is timed and cross-checked at this point, so it is defined by a formula rather
/// than by a random number generator (`PROBLEMS.md`, conventions).
///
/// # Examples
///
/// ```
/// let theta = problems::benchmark_point(3);
/// assert_eq!(theta.len(), 3);
/// assert!((theta[0] - 0.5 * 0.3_f64.sin()).abs() < 1e-15);
/// assert_eq!(theta, problems::benchmark_point_array::<3>());
/// ```
#[must_use]
pub fn benchmark_point(p: usize) -> Vec<f64> {
    (0..p).map(benchmark_coordinate).collect()
}

/// Returns the benchmark point of length `P` as an array; see [`benchmark_point`].
#[must_use]
pub fn benchmark_point_array<const P: usize>() -> [f64; P] {
    core::array::from_fn(benchmark_coordinate)
}

/// `θₖ = 0.5 · sin(0.7·k + 0.3)`.
fn benchmark_coordinate(k: usize) -> f64 {
    #[expect(
        clippy::cast_precision_loss,
        reason = "parameter indices are far below 2⁵²"
    )]
    let k = k as f64;
    0.5 * (0.7 * k + 0.3).sin()
}

/// Every problem this crate defines, with a one-line description, in `PROBLEMS.md` order.
pub const PROBLEMS: [(&str, &str); 9] = [
    (
        "slides_exp_log",
        "§1  g(x) = eˣ − ln x, Newton on g′ from x₀ = 0.05",
    ),
    (
        "slides_bowl",
        "§1  f = 2x² + 3y² − xy, minimum at the origin",
    ),
    (
        "slides_cap",
        "§1  f = −2x² − 3y² − xy + 15, maximum at the origin",
    ),
    ("slides_saddle", "§1  f = 2x² − 2y², saddle at the origin"),
    (
        "slides_quartic",
        "§1  f = x⁴ + 0.8y⁴ + 4x² + 2y² − xy − 0.2x²y, Newton from (4, 4)",
    ),
    (
        "rosenbrock",
        "§1  f = (1 − x)² + 100 (y − x²)², minimum at (1, 1)",
    ),
    (
        "rosenbrock_n",
        "§1  chained Rosenbrock, n = 2, 4, 8, 16, 32, tridiagonal Hessian",
    ),
    (
        "circle",
        "§2  ½‖(cos θ, sin θ) − (1.5, 2)‖², minimum at θ_y, maximum at θ_y + π",
    ),
    (
        "torus",
        "§3  ½‖x(θ, φ)‖² on the ellipsoidal torus, 8 stationary points",
    ),
];
