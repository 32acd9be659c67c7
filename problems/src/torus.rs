//! §3 of `PROBLEMS.md`: the ellipsoidal torus, fitted to the origin.

use core::f64::consts::PI;

use newton::Stationary;

use crate::StationaryPoint;

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
    kind: Stationary,
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
    point(0.0, PI, 0.5, [1.25, 2.0], Stationary::Minimum),
    point(PI, PI, 0.5, [1.25, 2.0], Stationary::Minimum),
    point(
        0.0,
        0.0,
        4.5,
        [11.25, -2.0],
        Stationary::Saddle { index: 1 },
    ),
    point(PI, 0.0, 4.5, [11.25, -2.0], Stationary::Saddle { index: 1 }),
    point(
        PI / 2.0,
        PI,
        1.125,
        [-1.25, 3.25],
        Stationary::Saddle { index: 1 },
    ),
    point(
        3.0 * PI / 2.0,
        PI,
        1.125,
        [-1.25, 3.25],
        Stationary::Saddle { index: 1 },
    ),
    point(PI / 2.0, 0.0, 10.125, [-11.25, -5.75], Stationary::Maximum),
    point(
        3.0 * PI / 2.0,
        0.0,
        10.125,
        [-11.25, -5.75],
        Stationary::Maximum,
    ),
];

/// The experiment's settings (`PROBLEMS.md` §3): 1000 starts, `‖∇L‖∞ < 1e-12`, 100 iterations.
pub const STARTS: usize = 1000;
/// Convergence tolerance of the census runs.
pub const TOLERANCE: f64 = 1e-12;
/// Step limit of the census runs.
pub const MAX_ITERATIONS: usize = 100;

/// Draws `count` starts uniformly from `[0, 2π)²` with a `ChaCha8Rng` seeded by `seed`.
///
/// # Examples
///
/// ```
/// let starts = problems::torus::starts(0, 3);
/// assert_eq!(starts, problems::torus::starts(0, 3)); // seeded: the same every time
/// assert!(starts.iter().flatten().all(|a| (0.0..std::f64::consts::TAU).contains(a)));
/// ```
#[must_use]
pub fn starts(seed: u64, count: usize) -> Vec<nalgebra::SVector<f64, 2>> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            nalgebra::Vector2::new(
                rng.random_range(0.0..core::f64::consts::TAU),
                rng.random_range(0.0..core::f64::consts::TAU),
            )
        })
        .collect()
}

/// Whether two points of the `(θ, φ)` square are the same point of the torus: both angles
/// within `1e-6` modulo `2π`. A Newton run may end at `θ = 2π` or `θ = −π` just as well as at
/// `0` or `π`.
#[must_use]
pub fn same_point(a: &nalgebra::SVector<f64, 2>, b: &nalgebra::SVector<f64, 2>) -> bool {
    (a - b).iter().all(|d| angle_gap(*d) < 1e-6)
}

/// The distance of an angle difference from the nearest multiple of `2π`.
fn angle_gap(d: f64) -> f64 {
    let r = d.rem_euclid(core::f64::consts::TAU);
    r.min(core::f64::consts::TAU - r)
}

/// Returns the row of [`STATIONARY_POINTS`] that `x` is (modulo `2π`), if any.
#[must_use]
pub fn known_point(x: &nalgebra::SVector<f64, 2>) -> Option<&'static StationaryPoint<2>> {
    STATIONARY_POINTS
        .iter()
        .find(|p| same_point(&nalgebra::SVector::from(p.point), x))
}

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
