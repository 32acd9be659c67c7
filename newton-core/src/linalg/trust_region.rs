//! The trust-region subproblem `min gᵀp + ½pᵀHp` subject to `‖p‖₂ ≤ Δ`, solved exactly on the
//! eigendecomposition `H = QΛQᵀ` (Moré & Sorensen's characterisation, in eigen-coordinates).

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::{assert_square, scaled_norm, usize_to_f64};

/// Iterations of the safeguarded Newton iteration on the secular equation; each at least halves
/// the bracket or converges quadratically, so 200 is far more than a double needs.
const MAX_SECULAR_ITERATIONS: usize = 200;

/// What [`trust_region_step`] found besides the step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrustRegionStep<T> {
    /// The model decrease `m(0) − m(p) = −(gᵀp + ½pᵀHp)`, never negative in exact arithmetic.
    pub predicted: T,
    /// The multiplier `λ ≥ 0` of the optimality conditions `(H + λI)p = −g`,
    /// `λ(Δ − ‖p‖) = 0`, `H + λI` positive semidefinite.
    pub multiplier: T,
    /// Whether the step lies on the boundary, `‖p‖ = Δ` (to rounding); `false` for the interior
    /// Newton step `p = −H⁻¹g` of a positive definite `H`.
    pub boundary: bool,
    /// Whether this was the *hard case*: `g` (numerically) orthogonal to the eigenvectors of a
    /// negative lowest eigenvalue `λ₁ < 0` (below minus the rounding of the eigenvalues), so
    /// that `‖(H − λ₁I)⁺g‖ ≤ Δ` and the secular equation has no root above `−λ₁`; the step is
    /// then `−(H − λ₁I)⁺g + τq₁`, completed to the boundary along the lowest eigenvector `q₁`.
    /// A positive semidefinite `H` (to rounding) is never the hard case: there the step is the
    /// minimum-norm `−H⁺g` if it fits in the ball.
    pub hard_case: bool,
}

/// Writes into `step` the global minimiser of the model `m(p) = gᵀp + ½pᵀHp` over the ball
/// `‖p‖₂ ≤ radius`, from the eigendecomposition `H = Q diag(values) Qᵀ`.
///
/// `values` must be ascending and `vectors` orthonormal, with eigenvector `k` in column `k`, as
/// [`symmetric_eigen_in_place`](super::symmetric_eigen_in_place) writes them; `radius` positive
/// and everything finite. `coefficients` is scratch (on return it holds `Qᵀp`). Nothing is
/// allocated.
///
/// The solution (Moré & Sorensen; Nocedal & Wright §4.3) is `p(λ) = −(H + λI)⁻¹g`, in
/// eigen-coordinates `yᵢ = −ĝᵢ/(λᵢ + λ)` with `ĝ = Qᵀg`, for the `λ ≥ max(0, −λ₁)` with
/// `λ = 0` and `‖p‖ ≤ Δ` (the Newton step of a positive definite `H`, if inside), or else
/// `‖p(λ)‖ = Δ`: the secular equation `1/Δ − 1/‖p(λ)‖ = 0`, solved by Newton's method
/// safeguarded by bisection on a bracket that always holds the root. An indefinite `H` thus
/// always gives a boundary step with a component along every negative-curvature direction the
/// gradient has. When `‖p(λ)‖ ≤ Δ` already within rounding of the pole `λ = −λ₁`:
///
/// - if `λ₁` is zero to rounding (`H` positive semidefinite, `g` without a component along
///   its null space), the step is the minimum-norm minimiser `−H⁺g` with `λ = 0` when
///   `‖H⁺g‖ ≤ Δ` (an interior step: nothing is gained by moving along zero curvature), and the
///   secular root otherwise;
/// - if `λ₁` is negative (the hard case), the step is `p(−λ₁)` without its components along the
///   lowest eigenvectors, plus `τq₁` with `‖p‖ = Δ`, `τ` of the sign that does not increase
///   `gᵀp`: a step along negative curvature even where the gradient has none, so that a saddle
///   is left.
///
/// Every step satisfies `‖p‖ ≤ Δ` to rounding.
///
/// # Panics
///
/// If `vectors` is not square, or `values` or `gradient` (or `coefficients` or `step`) differs
/// from it in dimension (only possible with dynamic dimensions).
///
/// # Examples
///
/// ```
/// use nalgebra::{Matrix2, Vector2};
/// use newton_core::linalg::trust_region_step;
///
/// // H = diag(2, −2) at the saddle's side: g = (1, 0) has no component along the negative
/// // curvature, and a unit ball holds the Newton step of H + 2I: the hard case.
/// let (values, vectors) = (Vector2::<f64>::new(-2.0, 2.0), Matrix2::new(0.0, 1.0, 1.0, 0.0));
/// let (mut coefficients, mut step) = (Vector2::zeros(), Vector2::zeros());
/// let found = trust_region_step(&values, &vectors, &Vector2::new(1.0, 0.0), 1.0,
///                               &mut coefficients, &mut step);
/// assert!(found.hard_case && found.boundary);
/// assert!((step.x + 0.25).abs() < 1e-15 && (step.norm() - 1.0).abs() < 1e-15);
/// ```
pub fn trust_region_step<T, D>(
    values: &OVector<T, D>,
    vectors: &OMatrix<T, D, D>,
    gradient: &OVector<T, D>,
    radius: T,
    coefficients: &mut OVector<T, D>,
    step: &mut OVector<T, D>,
) -> TrustRegionStep<T>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    let n = assert_square("trust_region_step", "vectors", vectors);
    for (name, len) in [
        ("values", values.len()),
        ("gradient", gradient.len()),
        ("coefficients", coefficients.len()),
        ("step", step.len()),
    ] {
        assert_eq!(len, n, "trust_region_step: `{name}` must have {n} entries");
    }
    if n == 0 {
        return TrustRegionStep {
            predicted: T::zero(),
            multiplier: T::zero(),
            boundary: false,
            hard_case: false,
        };
    }
    coefficients.gemv_tr(T::one(), vectors, gradient, T::zero());
    let found = solve_in_eigen_coordinates(values, coefficients, radius);
    step.gemv(T::one(), vectors, coefficients, T::zero());
    found
}

/// [`trust_region_step`] in eigen-coordinates: reads `ĝ` from `c` and leaves `y = Qᵀp` there.
fn solve_in_eigen_coordinates<T, D>(
    values: &OVector<T, D>,
    c: &mut OVector<T, D>,
    radius: T,
) -> TrustRegionStep<T>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    let n = values.len();
    let lowest = values[0];
    let scale = lowest.abs().max(values[n - 1].abs());
    let g_norm = scaled_norm(c.iter().copied());
    // Roots closer to the pole than rounding of the eigenvalues (or of `‖g‖/Δ`) are not
    // resolvable: there the hard case's construction is the solution to working precision.
    let resolution = nalgebra::convert::<f64, T>(16.0 * usize_to_f64(n))
        * T::default_epsilon()
        * scale.max(g_norm / radius);
    // Below `resolution`, a positive eigenvalue is rounding: `ĝᵢ/λᵢ` is noise over noise.
    if lowest > resolution && norm_at(values, c, T::zero()) <= radius {
        let predicted = finish(values, c, T::zero(), None);
        return TrustRegionStep {
            predicted,
            multiplier: T::zero(),
            boundary: false,
            hard_case: false,
        };
    }
    let pole = T::zero().max(-lowest);
    let low = pole + resolution;
    let beyond = norm_at(values, c, low).partial_cmp(&radius) == Some(core::cmp::Ordering::Greater);
    if !beyond && lowest < -resolution {
        return hard_case(values, c, radius, pole, resolution);
    }
    if !beyond {
        return semidefinite(values, c, radius, g_norm, resolution);
    }
    // ‖p(λ)‖ ≤ ‖g‖/(λ₁ + λ) ≤ Δ at `high`, and > Δ at `low`.
    let high = pole + g_norm / radius + resolution;
    let multiplier = secular_root(values, c, radius, low, high);
    let along = c[0];
    let mut predicted = finish(values, c, multiplier, None);
    if lowest < T::zero() && lowest + multiplier <= nalgebra::convert::<f64, T>(64.0) * resolution {
        // Within a few `resolution` of the pole, one rounding of `λ` moves `‖p(λ)‖` by a
        // fraction of `Δ`; the rest of the way is along `q₁`, where `λ₁ + λ` is rounding.
        predicted -= fill(values, c, radius, along);
    }
    TrustRegionStep {
        predicted,
        multiplier,
        boundary: true,
        hard_case: false,
    }
}

/// `H` positive semidefinite to working precision (`λ₁ ≥ −resolution`) with `ĝ` below rounding
/// along the eigenvectors of the eigenvalues below `resolution`: those components are dropped
/// (their curvature and gradient are rounding), and the step is the minimum-norm minimiser
/// `−H⁺g` (`λ = 0`, interior) when it fits in the ball, and otherwise the boundary step of the
/// secular equation, whose root is then above `0`.
fn semidefinite<T, D>(
    values: &OVector<T, D>,
    c: &mut OVector<T, D>,
    radius: T,
    g_norm: T,
    resolution: T,
) -> TrustRegionStep<T>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    for (ci, &li) in c.iter_mut().zip(values.iter()) {
        if li < resolution {
            *ci = T::zero();
        }
    }
    if norm_at(values, c, T::zero()) <= radius {
        let predicted = finish(values, c, T::zero(), None);
        return TrustRegionStep {
            predicted,
            multiplier: T::zero(),
            boundary: false,
            hard_case: false,
        };
    }
    // The remaining eigenvalues are at least `resolution > 0`: ‖p(high)‖ ≤ ‖g‖/high ≤ Δ.
    let multiplier = secular_root(values, c, radius, T::zero(), g_norm / radius + resolution);
    let predicted = finish(values, c, multiplier, None);
    TrustRegionStep {
        predicted,
        multiplier,
        boundary: true,
        hard_case: false,
    }
}

/// The hard case: `y = p(−λ₁)` over the eigenvalues above `λ₁` (by more than `resolution`),
/// then `τ` along the first eigenvector to reach the boundary.
///
/// The hard case was decided at `λ = −λ₁ + resolution`; where an eigenvalue lies within a few
/// `resolution` of `λ₁`, `‖p(−λ₁)‖` over the others can still exceed `Δ`, and then the root of
/// the secular equation lies in `(−λ₁, −λ₁ + resolution]` and is the step, so that no step
/// leaves the ball.
fn hard_case<T, D>(
    values: &OVector<T, D>,
    c: &mut OVector<T, D>,
    radius: T,
    pole: T,
    resolution: T,
) -> TrustRegionStep<T>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    let lowest = values[0];
    let along = c[0];
    let skip_below = lowest + resolution;
    let terms = c.iter().zip(values.iter()).map(|(&ci, &li)| {
        if li < skip_below || ci == T::zero() {
            T::zero()
        } else {
            ci / (li + pole)
        }
    });
    let multiplier = if scaled_norm(terms) > radius {
        // ‖p(−λ₁)‖ > Δ ≥ ‖p(−λ₁ + resolution)‖ brackets the root.
        secular_root(values, c, radius, pole, pole + resolution)
    } else {
        pole
    };
    let predicted = finish(values, c, multiplier, Some(skip_below));
    TrustRegionStep {
        predicted: predicted - fill(values, c, radius, along),
        multiplier,
        boundary: true,
        hard_case: true,
    }
}

/// Moves `y` (in `c`) along the lowest eigenvector to the boundary, `‖y + τe₁‖ = Δ`, with the
/// root `τ` that lowers the model more, and returns the model's change
/// `ĝ₁τ + λ₁(y₁τ + ½τ²)` (`along` is `ĝ₁`). Nothing moves when `‖y‖ ≥ Δ` already.
fn fill<T, D>(values: &OVector<T, D>, c: &mut OVector<T, D>, radius: T, along: T) -> T
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    let inside = scaled_norm(c.iter().copied());
    let room = (radius - inside) * (radius + inside);
    if room <= T::zero() {
        return T::zero();
    }
    let (lowest, y) = (values[0], c[0]);
    let half = nalgebra::convert::<f64, T>(0.5);
    // τ² + 2y₁τ − (Δ² − ‖y‖²) = 0; the difference of the roots avoids cancellation.
    let root = (y * y + room).sqrt();
    let change = |tau: T| along * tau + lowest * (y * tau + half * tau * tau);
    let (up, down) = if y > T::zero() {
        (room / (y + root), -(y + root))
    } else {
        (root - y, -room / (root - y))
    };
    let tau = if change(down) < change(up) { down } else { up };
    c[0] = y + tau;
    change(tau)
}

/// `‖p(λ)‖ = ‖(Λ + λI)⁻¹ĝ‖`, `+∞` at a pole with a non-zero coefficient.
fn norm_at<T, D>(values: &OVector<T, D>, c: &OVector<T, D>, lambda: T) -> T
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    let terms = c.iter().zip(values.iter()).map(|(&ci, &li)| {
        if ci == T::zero() {
            T::zero()
        } else {
            ci / (li + lambda)
        }
    });
    scaled_norm(terms)
}

/// The `λ` in `[low, high]` with `‖p(λ)‖ = Δ`, given `‖p(low)‖ > Δ ≥ ‖p(high)‖`: Newton's method
/// on `φ(λ) = 1/Δ − 1/‖p(λ)‖` (N&W Alg. 4.3, `λ ← λ + (‖p‖/‖q‖)²(‖p‖ − Δ)/Δ`), replaced by
/// bisection whenever it leaves the bracket.
fn secular_root<T, D>(values: &OVector<T, D>, c: &OVector<T, D>, radius: T, low: T, high: T) -> T
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    let (mut low, mut high) = (low, high);
    let mut lambda = high;
    let half = nalgebra::convert::<f64, T>(0.5);
    let close = nalgebra::convert::<f64, T>(1e-14);
    for _ in 0..MAX_SECULAR_ITERATIONS {
        let norm = norm_at(values, c, lambda);
        if (norm - radius).abs() <= close * radius {
            return lambda;
        }
        if norm > radius {
            low = lambda;
        } else {
            high = lambda;
        }
        if high - low <= T::default_epsilon() * high.abs() {
            return high;
        }
        // ‖q‖² = Σ ĝᵢ²/(λᵢ + λ)³, over ‖p‖ so that nothing overflows: (‖p‖/‖q‖)².
        let q = c
            .iter()
            .zip(values.iter())
            .fold(T::zero(), |sum, (&ci, &li)| {
                let y = ci / (li + lambda) / norm;
                sum + y * y / (li + lambda)
            });
        let newton = lambda + (norm - radius) / radius / q;
        lambda = if newton > low && newton < high && newton.is_finite() {
            newton
        } else {
            low + (high - low) * half
        };
    }
    high
}

/// Overwrites `c` (holding `ĝ`) with `yᵢ = −ĝᵢ/(λᵢ + λ)` and returns the model decrease
/// `−Σ (ĝᵢyᵢ + ½λᵢyᵢ²)`; with `skip_below`, coordinates whose eigenvalue is below it get
/// `yᵢ = 0` (the hard case's pole).
fn finish<T, D>(
    values: &OVector<T, D>,
    c: &mut OVector<T, D>,
    lambda: T,
    skip_below: Option<T>,
) -> T
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    let half = nalgebra::convert::<f64, T>(0.5);
    let mut predicted = T::zero();
    for (ci, &li) in c.iter_mut().zip(values.iter()) {
        let y = if skip_below.is_some_and(|bound| li < bound) || *ci == T::zero() {
            T::zero()
        } else {
            -*ci / (li + lambda)
        };
        predicted -= *ci * y + half * li * y * y;
        *ci = y;
    }
    predicted
}
