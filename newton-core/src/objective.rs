//! The objective traits every solver consumes: [`Objective`] (value, gradient, exact Hessian)
//! and [`LeastSquares`] (residuals and Jacobian).

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, OVector, RealField};

/// A twice-differentiable scalar function of a parameter vector, with exact derivatives.
///
/// Implemented by the `Objective` struct that `#[hessian]` emits beside each function (static
/// dimension, `Dim = Const<DIM>`) and by network losses (dynamic dimension, `Dim = Dyn`). Every
/// method writes into caller storage so a solver can run without allocating per iteration.
///
/// Preconditions shared by all methods: `x`, `gradient` and `hessian` have the dimension
/// returned by [`Objective::dim`]; implementations may panic otherwise, and solvers check lengths
/// before they call.
///
/// # Examples
///
/// ```
/// use nalgebra::{Const, SMatrix, SVector};
/// use newton_core::Objective;
///
/// /// `f(x) = ½‖x‖²`, written by hand.
/// struct HalfSquaredNorm;
///
/// impl Objective for HalfSquaredNorm {
///     type Scalar = f64;
///     type Dim = Const<2>;
///     fn dim(&self) -> Const<2> {
///         Const
///     }
///     fn value(&self, x: &SVector<f64, 2>) -> f64 {
///         0.5 * x.norm_squared()
///     }
///     fn value_gradient(&self, x: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
///         g.copy_from(x);
///         self.value(x)
///     }
///     fn value_gradient_hessian(
///         &self,
///         x: &SVector<f64, 2>,
///         g: &mut SVector<f64, 2>,
///         h: &mut SMatrix<f64, 2, 2>,
///     ) -> f64 {
///         h.fill_with_identity();
///         self.value_gradient(x, g)
///     }
/// }
///
/// let mut g = SVector::zeros();
/// assert_eq!(HalfSquaredNorm.value_gradient(&SVector::from([3.0, 4.0]), &mut g), 12.5);
/// assert_eq!(g, SVector::from([3.0, 4.0]));
/// ```
pub trait Objective
where
    DefaultAllocator: Allocator<Self::Dim> + Allocator<Self::Dim, Self::Dim>,
{
    /// The floating-point type of parameters and values (`f64` or `f32`).
    type Scalar: RealField + Copy;
    /// The dimension of the parameter vector: `Const<N>` or `Dyn`.
    type Dim: Dim;

    /// Returns the number of parameters.
    fn dim(&self) -> Self::Dim;

    /// Evaluates the function at `x`.
    fn value(&self, x: &OVector<Self::Scalar, Self::Dim>) -> Self::Scalar;

    /// Evaluates the function at `x` and writes its gradient into `gradient`.
    fn value_gradient(
        &self,
        x: &OVector<Self::Scalar, Self::Dim>,
        gradient: &mut OVector<Self::Scalar, Self::Dim>,
    ) -> Self::Scalar;

    /// Evaluates the function at `x` and writes its gradient and full (symmetric) Hessian.
    fn value_gradient_hessian(
        &self,
        x: &OVector<Self::Scalar, Self::Dim>,
        gradient: &mut OVector<Self::Scalar, Self::Dim>,
        hessian: &mut OMatrix<Self::Scalar, Self::Dim, Self::Dim>,
    ) -> Self::Scalar;
}

/// A least-squares problem `L(x) = ½‖r(x)‖²`, given by its residuals and their Jacobian.
///
/// Consumed by [`GaussNewton`](crate::GaussNewton) and
/// [`LevenbergMarquardt`](crate::LevenbergMarquardt), which need only `r` and `J = ∂r/∂x`, never
/// the second-order term `Σ rᵢ ∇²rᵢ` of the exact Hessian. A loss written as a mean,
/// `(1/2N) Σ rᵢ²`, implements this trait with residuals scaled by `1/√N`.
///
/// Preconditions shared by all methods: `x` has [`LeastSquares::dim`] entries, `residuals`
/// [`LeastSquares::residual_count`] and `jacobian` that many rows and `dim` columns;
/// implementations may panic otherwise, and solvers check lengths before they call.
pub trait LeastSquares
where
    DefaultAllocator:
        Allocator<Self::Dim> + Allocator<Self::Residuals> + Allocator<Self::Residuals, Self::Dim>,
{
    /// The floating-point type of parameters and residuals (`f64` or `f32`).
    type Scalar: RealField + Copy;
    /// The dimension of the parameter vector: `Const<N>` or `Dyn`.
    type Dim: Dim;
    /// The number of residuals: `Const<M>` or `Dyn`.
    type Residuals: Dim;

    /// Returns the number of parameters.
    fn dim(&self) -> Self::Dim;

    /// Returns the number of residuals.
    fn residual_count(&self) -> Self::Residuals;

    /// Writes the residuals `r(x)` into `residuals`.
    fn residuals(
        &self,
        x: &OVector<Self::Scalar, Self::Dim>,
        residuals: &mut OVector<Self::Scalar, Self::Residuals>,
    );

    /// Writes the residuals `r(x)` and their Jacobian `J = ∂r/∂x` (one row per residual).
    fn residuals_jacobian(
        &self,
        x: &OVector<Self::Scalar, Self::Dim>,
        residuals: &mut OVector<Self::Scalar, Self::Residuals>,
        jacobian: &mut OMatrix<Self::Scalar, Self::Residuals, Self::Dim>,
    );
}
