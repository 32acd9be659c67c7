//! §2 of `PROBLEMS.md`: the unit circle, fitted to a target off the circle.

use core::f64::consts::PI;

use newton::Stationary;

use crate::StationaryPoint;

/// The target `y = (1.5, 2.0)`, at distance `|y| = 2.5` from the origin.
pub const TARGET: [f64; 2] = [1.5, 2.0];

/// The target's angle `θ_y = atan2(2.0, 1.5) = 0.927295…`.
pub const TARGET_ANGLE: f64 = 0.927_295_218_001_612_2;

/// Evaluates the squared distance `L(θ) = ½ ‖x(θ) − y‖²` from the point `x(θ) = (cos θ, sin θ)`
/// of the unit circle to the target `y = (1.5, 2.0)` ([`TARGET`]).
///
/// Closed form: `L = 3.625 − 2.5 cos(θ − θ_y)`, `L′ = 2.5 sin(θ − θ_y)`,
/// `L″ = 2.5 cos(θ − θ_y)` with `θ_y = atan2(2.0, 1.5)` ([`TARGET_ANGLE`]).
///
/// Stationary points: the minimum at `θ_y` (`L = 1.125`) and the maximum at `θ_y + π`
/// (`L = 6.125`); see [`STATIONARY_POINTS`]. Pure Newton's step points toward the maximum from
/// every start with `|θ₀ − θ_y| ∈ (π/2, π)` (mod 2π), where `L″ < 0`; its limit need not follow,
/// since near a quarter turn the step is long and can land in the other basin.
#[newton::hessian]
#[must_use]
pub fn circle(theta: f64) -> f64 {
    // The macro sees only the function body, so the target is spelled out; a test checks it
    // against `TARGET`.
    let dx = theta.cos() - 1.5;
    let dy = theta.sin() - 2.0;
    0.5 * (dx * dx + dy * dy)
}

/// The two stationary points of [`circle()`]: the minimum at `θ_y`, the maximum at `θ_y + π`.
pub const STATIONARY_POINTS: [StationaryPoint<1>; 2] = [
    StationaryPoint {
        point: [TARGET_ANGLE],
        value: 1.125,
        hessian: [[2.5]],
        kind: Stationary::Minimum,
    },
    StationaryPoint {
        point: [TARGET_ANGLE + PI],
        value: 6.125,
        hessian: [[-2.5]],
        kind: Stationary::Maximum,
    },
];

/// Hand-written closed form `(L, L′, L″)` of [`circle()`].
pub mod closed_form {
    use nalgebra::{Matrix1, SMatrix, SVector, Vector1};

    use super::TARGET;

    /// Returns `(L, L′, L″)` with `(s, c) = (sin θ, cos θ)`: `L = ½(1 + |y|²) − y₀c − y₁s`,
    /// `L′ = y₀s − y₁c`, `L″ = y₀c + y₁s`.
    #[must_use]
    pub fn circle(theta: f64) -> (f64, SVector<f64, 1>, SMatrix<f64, 1, 1>) {
        let [y0, y1] = TARGET;
        let (s, c) = theta.sin_cos();
        let along = y0 * c + y1 * s;
        let f = 0.5 * (1.0 + y0 * y0 + y1 * y1) - along;
        (f, Vector1::new(y0 * s - y1 * c), Matrix1::new(along))
    }
}
