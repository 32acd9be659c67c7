//! Every problem once more, generic over the scalar type, for runtime automatic differentiation.
//!
//! These are the functions a num-dual user writes: the same arithmetic as the `#[hessian]`
//! versions, over any [`Scalar`] (`f64`, or a dual number such as `num_dual::Dual2SVec64<N>`),
//! taking the flattened vector of differentiated arguments. Constants enter through mixed
//! operations (`x * 2.0`), which dual numbers evaluate without promoting the constant to a dual.
//!
//! ```
//! let x = [0.3, -0.2];
//! assert!((problems::generic::slides_bowl(&x) - problems::slides::slides_bowl(0.3, -0.2)).abs() < 1e-15);
//! ```

use core::ops::{Add, Div, Mul, Sub};

use nalgebra::RealField;

/// A real scalar that also combines with `f64` constants: `f64` itself and num-dual's duals.
pub trait Scalar:
    RealField
    + Copy
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
{
}

impl<T> Scalar for T where
    T: RealField
        + Copy
        + Add<f64, Output = T>
        + Sub<f64, Output = T>
        + Mul<f64, Output = T>
        + Div<f64, Output = T>
{
}

/// `g(x) = eˣ − ln x` at `x = v[0]`; see [`crate::slides::slides_exp_log()`].
pub fn slides_exp_log<T: Scalar>(v: &[T]) -> T {
    v[0].exp() - v[0].ln()
}

/// `f = 2x² + 3y² − xy`; see [`crate::slides::slides_bowl()`].
pub fn slides_bowl<T: Scalar>(v: &[T]) -> T {
    let (x, y) = (v[0], v[1]);
    x * x * 2.0 + y * y * 3.0 - x * y
}

/// `f = −2x² − 3y² − xy + 15`; see [`crate::slides::slides_cap()`].
pub fn slides_cap<T: Scalar>(v: &[T]) -> T {
    let (x, y) = (v[0], v[1]);
    -(x * x * 2.0) - y * y * 3.0 - x * y + 15.0
}

/// `f = 2x² − 2y²`; see [`crate::slides::slides_saddle()`].
pub fn slides_saddle<T: Scalar>(v: &[T]) -> T {
    let (x, y) = (v[0], v[1]);
    x * x * 2.0 - y * y * 2.0
}

/// `f = x⁴ + 0.8y⁴ + 4x² + 2y² − xy − 0.2x²y`; see [`crate::slides::slides_quartic()`].
pub fn slides_quartic<T: Scalar>(v: &[T]) -> T {
    let (x, y) = (v[0], v[1]);
    x.powi(4) + y.powi(4) * 0.8 + x * x * 4.0 + y * y * 2.0 - x * y - x * x * y * 0.2
}

/// `f = (1 − x)² + 100 (y − x²)²`; see [`crate::rosenbrock::rosenbrock()`].
pub fn rosenbrock<T: Scalar>(v: &[T]) -> T {
    let (x, y) = (v[0], v[1]);
    (x - 1.0).powi(2) + (y - x * x).powi(2) * 100.0
}

/// `f = Σᵢ₌₀ⁿ⁻² 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²` for `n = v.len()`; see
/// [`crate::rosenbrock::rosenbrock_8()`] and its siblings.
pub fn rosenbrock_n<T: Scalar>(v: &[T]) -> T {
    v.windows(2).fold(T::zero(), |f, w| {
        f + (w[1] - w[0] * w[0]).powi(2) * 100.0 + (w[0] - 1.0).powi(2)
    })
}

/// `L(θ) = ½ ‖(cos θ, sin θ) − (1.5, 2)‖²` at `θ = v[0]`; see [`crate::circle::circle()`].
pub fn circle<T: Scalar>(v: &[T]) -> T {
    let [y0, y1] = crate::circle::TARGET;
    let dx = v[0].cos() - y0;
    let dy = v[0].sin() - y1;
    (dx * dx + dy * dy) * 0.5
}

/// `L(θ, φ) = ½ ‖x(θ, φ)‖²` on the ellipsoidal torus; see [`crate::torus::torus()`].
pub fn torus<T: Scalar>(v: &[T]) -> T {
    let (theta, phi) = (v[0], v[1]);
    let rho = phi.cos() + 2.0;
    let x = rho * theta.cos();
    let y = rho * theta.sin() * 1.5;
    let z = phi.sin();
    (x * x + y * y + z * z) * 0.5
}
