//! Interoperability with [argmin](https://docs.rs/argmin/0.11): newton's exact derivatives
//! under argmin's solvers (feature `argmin`).
//!
//! [`Problem`] wraps any [`Objective`] — the `Objective` that `#[hessian]` emits (static
//! dimension), a method's `*_objective()`, a [`FnObjective`](crate::FnObjective), or a network
//! loss's [`objective()`](crate::network::Loss::objective) (dynamic dimension) — and implements
//! argmin's [`CostFunction`], [`Gradient`] and [`Hessian`] on nalgebra vectors and matrices, so
//! argmin's solvers that read them (trust region, Newton–CG, Newton, the quasi-Newton
//! methods, …) run on the same closed-form derivatives as newton's own solvers. (It is not
//! argmin's `core::Problem`, the wrapper argmin's executor puts around every problem.) A [`LeastSquares`] problem (every network
//! loss is one) also gets argmin's [`Operator`] (the residuals) and [`Jacobian`], for argmin's
//! Gauss–Newton.
//!
//! argmin's `core` and `solver` modules are re-exported here, so a caller needs no second
//! dependency whose version has to match the one newton was built with; argmin's nalgebra
//! backend (`argmin-math` with `nalgebra_v0_34`, the nalgebra newton uses) is switched on by the
//! feature.
//!
//! ```
//! use nalgebra::{Matrix2, SVector, Vector2};
//! use newton_core::argmin::core::{Executor, State};
//! use newton_core::argmin::solver::trustregion::{Steihaug, TrustRegion};
//! use newton_core::argmin::Problem;
//! use newton_core::FnObjective;
//!
//! /// Rosenbrock's banana, `(1 − x)² + 100(y − x²)²`: a curved valley, minimum 0 at (1, 1).
//! /// (`#[hessian]` writes these three functions from the first line.)
//! fn value(_: &(), p: &Vector2<f64>) -> f64 {
//!     (1.0 - p[0]).powi(2) + 100.0 * (p[1] - p[0] * p[0]).powi(2)
//! }
//! fn value_gradient(_: &(), p: &Vector2<f64>) -> (f64, Vector2<f64>) {
//!     let (x, y) = (p[0], p[1]);
//!     let g = Vector2::new(-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x));
//!     (value(&(), p), g)
//! }
//! fn value_gradient_hessian(_: &(), p: &Vector2<f64>) -> (f64, Vector2<f64>, Matrix2<f64>) {
//!     let (x, y) = (p[0], p[1]);
//!     let h = Matrix2::new(2.0 - 400.0 * (y - 3.0 * x * x), -400.0 * x, -400.0 * x, 200.0);
//!     let (f, g) = value_gradient(&(), p);
//!     (f, g, h)
//! }
//!
//! let rosenbrock = FnObjective::new((), value, value_gradient, value_gradient_hessian);
//! let solver = TrustRegion::new(Steihaug::new().with_max_iters(20));
//! let result = Executor::new(Problem::new(rosenbrock), solver)
//!     .configure(|state| state.param(SVector::from([-1.2, 1.0])).max_iters(100))
//!     .run()?;
//! let best = result.state().get_best_param().unwrap();
//! assert!((best - SVector::from([1.0, 1.0])).norm() < 1e-6);
//! # Ok::<(), newton_core::argmin::core::Error>(())
//! ```
//!
//! Each argmin call evaluates the objective once, and nothing is cached between calls: argmin
//! asks for the cost, the gradient and the Hessian at a point separately, and
//! [`Hessian::hessian`] runs the fused `value_gradient_hessian` (newton's traits have no
//! Hessian-only method: the shared subexpressions make the three together cost little more than
//! the Hessian alone). A parameter vector of the wrong length is an `Err`
//! ([`Error::DimensionMismatch`]), never a panic.
//!
//! argmin's trust region and Newton method have no convergence test of their own and run to
//! `max_iters`; its Newton–CG stops when the cost stalls. Check the gradient at argmin's result
//! with the objective's own (newton's solvers stop on `‖∇L‖∞` and report a
//! [`Termination`](crate::Termination)).

// `core` here is argmin's (`newton::argmin::core::Executor`), which shadows the `core` crate in
// this module: argmin's error type is spelt out as `ArgminError`.
use ::argmin::core::{CostFunction, Error as ArgminError, Gradient, Hessian, Jacobian, Operator};
pub use ::argmin::{core, solver};
use nalgebra::{allocator::Allocator, Const, DefaultAllocator, Dim, OMatrix, OVector};

use crate::error::check_len;
use crate::{Error, LeastSquares, Objective};

/// An [`Objective`] (and, where it is one, a [`LeastSquares`] problem) as an argmin problem.
///
/// The parameter, gradient and Hessian are nalgebra's `OVector<T, D>` and `OMatrix<T, D, D>`
/// (`SVector`/`SMatrix` for `#[hessian]` objectives, `DVector`/`DMatrix` for networks), which
/// argmin's nalgebra backend supports; start argmin's executor with a vector of that type.
///
/// A [`LeastSquares`] problem also runs under argmin's Gauss–Newton, which needs only the
/// residuals and their Jacobian: `examples/argmin.rs` of the `newton` repository trains a
/// `network!` PINN with argmin's trust region and Newton–CG.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Problem<O>(pub O);

impl<O> Problem<O> {
    /// Wraps `objective` for argmin.
    pub const fn new(objective: O) -> Self {
        Self(objective)
    }

    /// Returns the wrapped objective, as after a run (argmin's
    /// `result.problem.take_problem()` gives the `Problem` back).
    pub fn into_inner(self) -> O {
        self.0
    }
}

impl<O> Problem<O>
where
    O: Objective,
    DefaultAllocator: Allocator<O::Dim> + Allocator<O::Dim, O::Dim>,
{
    /// Rejects a parameter vector that is not `objective.dim()` long.
    fn check(&self, param: &OVector<O::Scalar, O::Dim>) -> Result<(), Error> {
        check_len(
            "coordinates of argmin's parameter vector",
            self.0.dim().value(),
            param.len(),
        )
    }
}

impl<O> CostFunction for Problem<O>
where
    O: Objective,
    DefaultAllocator: Allocator<O::Dim> + Allocator<O::Dim, O::Dim>,
{
    type Param = OVector<O::Scalar, O::Dim>;
    type Output = O::Scalar;

    fn cost(&self, param: &Self::Param) -> Result<O::Scalar, ArgminError> {
        self.check(param)?;
        Ok(self.0.value(param))
    }
}

impl<O> Gradient for Problem<O>
where
    O: Objective,
    DefaultAllocator: Allocator<O::Dim> + Allocator<O::Dim, O::Dim>,
{
    type Param = OVector<O::Scalar, O::Dim>;
    type Gradient = OVector<O::Scalar, O::Dim>;

    fn gradient(&self, param: &Self::Param) -> Result<Self::Gradient, ArgminError> {
        self.check(param)?;
        let mut gradient = OVector::zeros_generic(self.0.dim(), Const::<1>);
        self.0.value_gradient(param, &mut gradient);
        Ok(gradient)
    }
}

impl<O> Hessian for Problem<O>
where
    O: Objective,
    DefaultAllocator: Allocator<O::Dim> + Allocator<O::Dim, O::Dim>,
{
    type Param = OVector<O::Scalar, O::Dim>;
    type Hessian = OMatrix<O::Scalar, O::Dim, O::Dim>;

    fn hessian(&self, param: &Self::Param) -> Result<Self::Hessian, ArgminError> {
        self.check(param)?;
        let dim = self.0.dim();
        let mut gradient = OVector::zeros_generic(dim, Const::<1>);
        let mut hessian = OMatrix::zeros_generic(dim, dim);
        self.0
            .value_gradient_hessian(param, &mut gradient, &mut hessian);
        Ok(hessian)
    }
}

/// The residuals `r(x)` of a [`LeastSquares`] problem, for argmin's Gauss–Newton (which forms
/// `½‖r‖²` itself).
impl<O> Operator for Problem<O>
where
    O: LeastSquares,
    DefaultAllocator: Allocator<O::Dim> + Allocator<O::Residuals> + Allocator<O::Residuals, O::Dim>,
{
    type Param = OVector<O::Scalar, O::Dim>;
    type Output = OVector<O::Scalar, O::Residuals>;

    fn apply(&self, param: &Self::Param) -> Result<Self::Output, ArgminError> {
        check_len(
            "coordinates of argmin's parameter vector",
            LeastSquares::dim(&self.0).value(),
            param.len(),
        )?;
        let mut residuals = OVector::zeros_generic(self.0.residual_count(), Const::<1>);
        self.0.residuals(param, &mut residuals);
        Ok(residuals)
    }
}

/// The Jacobian `J = ∂r/∂x` of a [`LeastSquares`] problem, one row per residual.
impl<O> Jacobian for Problem<O>
where
    O: LeastSquares,
    DefaultAllocator: Allocator<O::Dim> + Allocator<O::Residuals> + Allocator<O::Residuals, O::Dim>,
{
    type Param = OVector<O::Scalar, O::Dim>;
    type Jacobian = OMatrix<O::Scalar, O::Residuals, O::Dim>;

    fn jacobian(&self, param: &Self::Param) -> Result<Self::Jacobian, ArgminError> {
        let dim = LeastSquares::dim(&self.0);
        check_len(
            "coordinates of argmin's parameter vector",
            dim.value(),
            param.len(),
        )?;
        let count = self.0.residual_count();
        let mut residuals = OVector::zeros_generic(count, Const::<1>);
        let mut jacobian = OMatrix::zeros_generic(count, dim);
        self.0
            .residuals_jacobian(param, &mut residuals, &mut jacobian);
        Ok(jacobian)
    }
}
