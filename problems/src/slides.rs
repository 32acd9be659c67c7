//! §1 of `PROBLEMS.md`: the textbook problems of the course slides "Newton's method".
//!
//! Each problem is a `#[newton::hessian]` function, so beside `slides_bowl` there is a module
//! `slides_bowl` with `value_gradient_hessian`, `SPARSITY`, `OPS` and `Objective`. The
//! hand-written closed forms are in [`closed_form`], the known stationary points are the
//! `*_STATIONARY` constants.

use newton::Stationary;

use crate::StationaryPoint;

/// Evaluates the slides' one-dimensional example `g(x) = eˣ − ln x`, defined for `x > 0`.
///
/// The slides minimise it by Newton's method on `g′`: `x ← x − g′(x)/g″(x)` with
/// `g′ = eˣ − 1/x` and `g″ = eˣ + 1/x²`. From `x₀ = 0.05` the iterates are `0.0972, 0.1832,
/// 0.3205, 0.4773, 0.5578, 0.5671`.
///
/// Stationary point: the minimum `x* = 0.567143…` where `eˣ = 1/x` (the omega constant
/// `W(1)`), with `g(x*) = x* + 1/x* = 2.330366…`; see [`SLIDES_EXP_LOG_STATIONARY`].
#[newton::hessian]
#[must_use]
pub fn slides_exp_log(x: f64) -> f64 {
    x.exp() - x.ln()
}

/// Evaluates the slides' convex quadratic `f(x, y) = 2x² + 3y² − xy`.
///
/// Its Hessian is constant, `H = [[4, −1], [−1, 6]]`, with eigenvalues `5 ± √2 = 6.4142,
/// 3.5858`.
///
/// Stationary point: the minimum at the origin, `f = 0`; see [`SLIDES_BOWL_STATIONARY`].
#[newton::hessian]
#[must_use]
pub fn slides_bowl(x: f64, y: f64) -> f64 {
    2.0 * x * x + 3.0 * y * y - x * y
}

/// Evaluates the slides' concave quadratic `f(x, y) = −2x² − 3y² − xy + 15`.
///
/// Its Hessian is constant, `H = [[−4, −1], [−1, −6]]`, with eigenvalues `−5 ± √2 = −3.5858,
/// −6.4142` (the slide prints −3.49, a typo).
///
/// Stationary point: the maximum at the origin, `f = 15`; see [`SLIDES_CAP_STATIONARY`].
#[newton::hessian]
#[must_use]
pub fn slides_cap(x: f64, y: f64) -> f64 {
    -2.0 * x * x - 3.0 * y * y - x * y + 15.0
}

/// Evaluates the slides' indefinite quadratic `f(x, y) = 2x² − 2y²`.
///
/// Its Hessian is constant, `H = diag(4, −4)`.
///
/// Stationary point: a saddle at the origin, `f = 0`; see [`SLIDES_SADDLE_STATIONARY`].
#[newton::hessian]
#[must_use]
pub fn slides_saddle(x: f64, y: f64) -> f64 {
    2.0 * x * x - 2.0 * y * y
}

/// Evaluates the slides' quartic `f(x, y) = x⁴ + 0.8y⁴ + 4x² + 2y² − xy − 0.2x²y`.
///
/// Newton's method from `(4, 4)` takes the steps `(2.5827, 2.6213)`, `(1.5923, 1.6748)`, … and
/// is within `1e-15` of the origin after 8 steps.
///
/// Stationary point: the minimum at the origin, `f = 0`, `H(0) = [[8, −1], [−1, 4]]`; see
/// [`SLIDES_QUARTIC_STATIONARY`].
#[newton::hessian]
#[must_use]
pub fn slides_quartic(x: f64, y: f64) -> f64 {
    x.powi(4) + 0.8 * y.powi(4) + 4.0 * x * x + 2.0 * y * y - x * y - 0.2 * x * x * y
}

/// The minimum of [`slides_exp_log()`]: `x* = W(1)`, where `eˣ = 1/x`.
pub const SLIDES_EXP_LOG_STATIONARY: StationaryPoint<1> = StationaryPoint {
    point: [0.567_143_290_409_783_8],
    value: 2.330_366_124_761_680_7,
    hessian: [[4.872_177_597_931_833]],
    kind: Stationary::Minimum,
};

/// The minimum of [`slides_bowl()`], at the origin.
pub const SLIDES_BOWL_STATIONARY: StationaryPoint<2> = StationaryPoint {
    point: [0.0, 0.0],
    value: 0.0,
    hessian: [[4.0, -1.0], [-1.0, 6.0]],
    kind: Stationary::Minimum,
};

/// The maximum of [`slides_cap()`], at the origin.
pub const SLIDES_CAP_STATIONARY: StationaryPoint<2> = StationaryPoint {
    point: [0.0, 0.0],
    value: 15.0,
    hessian: [[-4.0, -1.0], [-1.0, -6.0]],
    kind: Stationary::Maximum,
};

/// The saddle of [`slides_saddle()`], at the origin.
pub const SLIDES_SADDLE_STATIONARY: StationaryPoint<2> = StationaryPoint {
    point: [0.0, 0.0],
    value: 0.0,
    hessian: [[4.0, 0.0], [0.0, -4.0]],
    kind: Stationary::Saddle { index: 1 },
};

/// The minimum of [`slides_quartic()`], at the origin.
pub const SLIDES_QUARTIC_STATIONARY: StationaryPoint<2> = StationaryPoint {
    point: [0.0, 0.0],
    value: 0.0,
    hessian: [[8.0, -1.0], [-1.0, 4.0]],
    kind: Stationary::Minimum,
};

/// The start of the slides' Newton iteration on [`slides_exp_log()`].
pub const SLIDES_EXP_LOG_START: f64 = 0.05;

/// The slides' Newton iterates on [`slides_exp_log()`] from [`SLIDES_EXP_LOG_START`], to 4
/// decimals.
pub const SLIDES_EXP_LOG_ITERATES: [f64; 6] = [0.0972, 0.1832, 0.3205, 0.4773, 0.5578, 0.5671];

/// The start of the slides' Newton iteration on [`slides_quartic()`].
pub const SLIDES_QUARTIC_START: [f64; 2] = [4.0, 4.0];

/// The slides' first two Newton steps on [`slides_quartic()`] from [`SLIDES_QUARTIC_START`], to 4
/// decimals.
pub const SLIDES_QUARTIC_ITERATES: [[f64; 2]; 2] = [[2.5827, 2.6213], [1.5923, 1.6748]];

/// Hand-written closed forms `(f, ∇f, ∇²f)` of the slides' problems, as a careful human writes
/// them: the derivatives worked out on paper, shared subexpressions named once.
pub mod closed_form {
    use nalgebra::{Matrix1, Matrix2, SMatrix, SVector, Vector1, Vector2};

    /// Returns `(g, g′, g″)` of `g(x) = eˣ − ln x`: `g′ = eˣ − 1/x`, `g″ = eˣ + 1/x²`.
    #[must_use]
    pub fn slides_exp_log(x: f64) -> (f64, SVector<f64, 1>, SMatrix<f64, 1, 1>) {
        let e = x.exp();
        let r = x.recip();
        (e - x.ln(), Vector1::new(e - r), Matrix1::new(e + r * r))
    }

    /// Returns `(f, ∇f, ∇²f)` of `f = 2x² + 3y² − xy`.
    #[must_use]
    pub fn slides_bowl(x: f64, y: f64) -> (f64, SVector<f64, 2>, SMatrix<f64, 2, 2>) {
        let f = 2.0 * x * x + 3.0 * y * y - x * y;
        let g = Vector2::new(4.0 * x - y, 6.0 * y - x);
        (f, g, Matrix2::new(4.0, -1.0, -1.0, 6.0))
    }

    /// Returns `(f, ∇f, ∇²f)` of `f = −2x² − 3y² − xy + 15`.
    #[must_use]
    pub fn slides_cap(x: f64, y: f64) -> (f64, SVector<f64, 2>, SMatrix<f64, 2, 2>) {
        let f = 15.0 - 2.0 * x * x - 3.0 * y * y - x * y;
        let g = Vector2::new(-4.0 * x - y, -6.0 * y - x);
        (f, g, Matrix2::new(-4.0, -1.0, -1.0, -6.0))
    }

    /// Returns `(f, ∇f, ∇²f)` of `f = 2x² − 2y²`.
    #[must_use]
    pub fn slides_saddle(x: f64, y: f64) -> (f64, SVector<f64, 2>, SMatrix<f64, 2, 2>) {
        let f = 2.0 * (x * x - y * y);
        (
            f,
            Vector2::new(4.0 * x, -4.0 * y),
            Matrix2::new(4.0, 0.0, 0.0, -4.0),
        )
    }

    /// Returns `(f, ∇f, ∇²f)` of `f = x⁴ + 0.8y⁴ + 4x² + 2y² − xy − 0.2x²y`.
    #[must_use]
    pub fn slides_quartic(x: f64, y: f64) -> (f64, SVector<f64, 2>, SMatrix<f64, 2, 2>) {
        let (x2, y2) = (x * x, y * y);
        let f = x2 * x2 + 0.8 * y2 * y2 + 4.0 * x2 + 2.0 * y2 - x * y - 0.2 * x2 * y;
        let g = Vector2::new(
            4.0 * x2 * x + 8.0 * x - y - 0.4 * x * y,
            3.2 * y2 * y + 4.0 * y - x - 0.2 * x2,
        );
        let hxy = -1.0 - 0.4 * x;
        let h = Matrix2::new(12.0 * x2 + 8.0 - 0.4 * y, hxy, hxy, 9.6 * y2 + 4.0);
        (f, g, h)
    }
}
