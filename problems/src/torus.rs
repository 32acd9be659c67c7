//! §3 of `PROBLEMS.md`: the ellipsoidal torus, fitted to the origin.

use core::f64::consts::PI;

use crate::{Kind, StationaryPoint};

/// Major radius `R`.
pub const MAJOR_RADIUS: f64 = 2.0;
/// Minor radius `r`.
pub const MINOR_RADIUS: f64 = 1.0;
/// Stretch `e` of the second in-plane axis.
pub const STRETCH: f64 = 1.5;

/// Evaluates the squared distance `L(θ, φ) = ½ ‖x(θ, φ)‖²` from the origin to the point
/// `x(θ, φ) = ((R + r cos φ) cos θ, e (R + r cos φ) sin θ, r sin φ)` of the ellipsoidal torus
/// with `R = 2`, `r = 1`, `e = 1.5`; `p = [θ, φ]`.
///
/// Stationary points: eight, all in the plane `z = 0` (`φ ∈ {0, π}`), all with diagonal
/// Hessians; see [`STATIONARY_POINTS`]:
///
/// | θ | φ | L | H | type |
/// |---|---|---|---|---|
/// | 0, π | π | 0.5 | diag(1.25, 2) | minimum |
/// | 0, π | 0 | 4.5 | diag(11.25, −2) | saddle |
/// | π/2, 3π/2 | π | 1.125 | diag(−1.25, 3.25) | saddle |
/// | π/2, 3π/2 | 0 | 10.125 | diag(−11.25, −5.75) | maximum |
#[newton::hessian]
#[must_use]
pub fn torus(p: [f64; 2]) -> f64 {
    // The macro sees only the function body, so R = 2, r = 1, e = 1.5 are spelled out.
    let (theta, phi) = (p[0], p[1]);
    let rho = 2.0 + phi.cos();
    let (x, y, z) = (rho * theta.cos(), 1.5 * rho * theta.sin(), phi.sin());
    0.5 * (x * x + y * y + z * z)
}

/// Builds one row of the table of stationary points.
const fn point(
    theta: f64,
    phi: f64,
    value: f64,
    diagonal: [f64; 2],
    kind: Kind,
) -> StationaryPoint<2> {
    StationaryPoint {
        point: [theta, phi],
        value,
        hessian: [[diagonal[0], 0.0], [0.0, diagonal[1]]],
        kind,
    }
}

/// The eight stationary points of [`torus()`]: 2 minima, 4 saddles and 2 maxima
/// (`2 − 4 + 2 = 0`, the torus's Euler characteristic).
pub const STATIONARY_POINTS: [StationaryPoint<2>; 8] = [
    point(0.0, PI, 0.5, [1.25, 2.0], Kind::Minimum),
    point(PI, PI, 0.5, [1.25, 2.0], Kind::Minimum),
    point(0.0, 0.0, 4.5, [11.25, -2.0], Kind::Saddle { index: 1 }),
    point(PI, 0.0, 4.5, [11.25, -2.0], Kind::Saddle { index: 1 }),
    point(
        PI / 2.0,
        PI,
        1.125,
        [-1.25, 3.25],
        Kind::Saddle { index: 1 },
    ),
    point(
        3.0 * PI / 2.0,
        PI,
        1.125,
        [-1.25, 3.25],
        Kind::Saddle { index: 1 },
    ),
    point(PI / 2.0, 0.0, 10.125, [-11.25, -5.75], Kind::Maximum),
    point(3.0 * PI / 2.0, 0.0, 10.125, [-11.25, -5.75], Kind::Maximum),
];

/// Hand-written closed form `(L, ∇L, ∇²L)` of [`torus()`].
pub mod closed_form {
    use nalgebra::{Matrix2, SMatrix, SVector, Vector2};

    use super::{MAJOR_RADIUS, MINOR_RADIUS, STRETCH};

    /// Returns `(L, ∇L, ∇²L)`. With `ρ = R + r cos φ` and `q(θ) = cos²θ + e² sin²θ`,
    /// `L = ½(ρ² q + r² sin²φ)`, `q′ = 2(e² − 1) sin θ cos θ`, `q″ = 2(e² − 1)(cos²θ − sin²θ)`:
    /// `L_θ = ½ρ²q′`, `L_φ = −rρ sin φ q + r² sin φ cos φ`, `L_θθ = ½ρ²q″`,
    /// `L_θφ = −rρ sin φ q′`, `L_φφ = r(r sin²φ − ρ cos φ) q + r²(cos²φ − sin²φ)`.
    #[must_use]
    pub fn torus(p: [f64; 2]) -> (f64, SVector<f64, 2>, SMatrix<f64, 2, 2>) {
        let (r, e2) = (MINOR_RADIUS, STRETCH * STRETCH);
        let (st, ct) = p[0].sin_cos();
        let (sp, cp) = p[1].sin_cos();
        let rho = MAJOR_RADIUS + r * cp;
        let half_rho2 = 0.5 * rho * rho;
        let (st2, ct2, sp2, cp2) = (st * st, ct * ct, sp * sp, cp * cp);
        let q = ct2 + e2 * st2;
        let dq = 2.0 * (e2 - 1.0) * st * ct;
        let ddq = 2.0 * (e2 - 1.0) * (ct2 - st2);
        let r2 = r * r;
        let f = half_rho2 * q + 0.5 * r2 * sp2;
        let r_rho_sp = r * rho * sp;
        let g = Vector2::new(half_rho2 * dq, r2 * sp * cp - r_rho_sp * q);
        let h_tp = -r_rho_sp * dq;
        let h = Matrix2::new(
            half_rho2 * ddq,
            h_tp,
            h_tp,
            r * (r * sp2 - rho * cp) * q + r2 * (cp2 - sp2),
        );
        (f, g, h)
    }
}
