//! newton differentiates Rust functions **at compile time**: `#[hessian]` turns a smooth scalar
//! function into closed-form, allocation-free gradient and Hessian code.
//!
//! ```
//! use newton::hessian;
//!
//! /// Squared distance from the origin to a point of the ellipsoidal torus.
//! #[hessian]
//! pub fn torus(p: [f64; 2]) -> f64 {
//!     let (theta, phi) = (p[0], p[1]);
//!     let rho = 2.0 + phi.cos();
//!     let (x, y, z) = (rho * theta.cos(), 1.5 * rho * theta.sin(), phi.sin());
//!     0.5 * (x * x + y * y + z * z)
//! }
//!
//! let (f, g, h) = torus::value_gradient_hessian([0.0, core::f64::consts::PI]);
//! assert!((f - 0.5).abs() < 1e-12);          // the torus's inner equator, nearest the origin
//! assert!(g.norm() < 1e-12);                 // a stationary point …
//! assert!((h[(0, 0)] - 1.25).abs() < 1e-12); // … with Hessian diag(1.25, 2): a minimum
//! assert!((h[(1, 1)] - 2.0).abs() < 1e-12);
//! assert_eq!(torus::DIM, 2);
//! ```
//!
//! # What `#[hessian]` emits
//!
//! The function stays as written. Beside it, a module of the same name holds:
//!
//! | item | what |
//! |---|---|
//! | `DIM` | the number of differentiated scalars |
//! | `gradient(args…)` | `SVector<T, DIM>` |
//! | `value_gradient(args…)` | `(T, SVector)` |
//! | `hessian(args…)` | `SMatrix<T, DIM, DIM>`, symmetric; only the upper triangle is computed |
//! | `value_gradient_hessian(args…)` | `(T, SVector, SMatrix)` from one fused body |
//! | `SPARSITY` | the structural non-zeros `(row, col)` of the upper triangle |
//! | `OPS` | [`Ops`]: operation counts of the emitted code |
//! | `PARAMETERS` | [`Parameter`]s: each argument, and where it sits in the gradient (for callers) |
//! | `Objective` | a struct whose fields are the constant arguments, implementing [`Objective`] |
//!
//! Every generated function takes **exactly the original arguments**, and nothing it does
//! allocates on the heap.
//!
//! # Arguments
//!
//! Every `f64` and `[f64; K]` argument is differentiated, flattened in order, unless
//! `#[hessian(wrt(a, b))]` names a subset. Other arguments are constants: numbers, arrays,
//! arrays by reference (`&[f64; K]`), integers, booleans and data slices `&[f64]` / `&[[f64; K]]`. `f32` works as `f64` does.
//!
//! ```
//! /// A weighted least-squares fit of a line; `xs`, `ys` are data, `w` a constant.
//! #[newton::hessian(wrt(a, b))]
//! fn fit(a: f64, b: f64, w: f64, xs: &[f64], ys: &[f64]) -> f64 {
//!     let mut loss = 0.0;
//!     for (x, y) in xs.iter().zip(ys) {
//!         let r = a * x + b - y;
//!         loss += w * r * r;          // the loop stays a loop in the generated code
//!     }
//!     0.5 * loss / xs.len() as f64
//! }
//!
//! let xs: Vec<f64> = (0..10_000).map(|i| f64::from(i) / 1e4).collect();
//! let ys: Vec<f64> = xs.iter().map(|x| 3.0 * x - 1.0).collect();
//! let (value, gradient, _) = fit::value_gradient_hessian(3.0, -1.0, 2.0, &xs, &ys);
//! assert!(value.abs() < 1e-20 && gradient.norm() < 1e-10);  // the exact fit
//! assert_eq!(fit::DIM, 2);
//!
//! // The same function as an objective of (a, b) for newton's solvers.
//! use newton::Objective;
//! let objective = fit::Objective { w: 2.0, xs: &xs, ys: &ys };
//! let x = newton::nalgebra::SVector::from([2.0, 0.0]);
//! assert_eq!(objective.value(&x), fit(2.0, 0.0, 2.0, &xs, &ys));
//! ```
//!
//! # The body
//!
//! - `let` and `let mut` (with tuple and array patterns), `=`, `+=`, `-=`, `*=`, `/=`, `%=` on
//!   locals, `+ − * / %`, unary `−`, literals, blocks, `const` items inside the function and
//!   `core::f64::consts`;
//! - methods, on differentiated values and constants alike (`powi` takes an integer known at
//!   compile time). The complete list, checked against the derivative table by a test:
//!
//!   `sqrt`, `cbrt`, `exp`, `exp2`, `ln`, `log10`, `log2`, `sin`, `cos`, `tan`, `tanh`, `sinh`, `cosh`, `atan`, `asin`, `acos`, `asinh`, `acosh`, `atanh`, `ln_1p`, `exp_m1`, `recip`, `abs`, `signum`, `floor`, `ceil`, `round`, `round_ties_even`, `trunc`, `fract`, `sin_cos`, `powi`, `powf`, `atan2`, `hypot`, `mul_add`, `max`, `min`, `clamp`, `log`, `copysign`, `to_radians`, `to_degrees`, `rem_euclid`, `div_euclid`
//!
//!   Piecewise methods are differentiated along the active branch: `abs` by `signum`, `max` and
//!   `min` along the larger and smaller operand (the receiver on a tie), `clamp` along the
//!   bound it hits or the value; `floor`, `ceil`, `round`, `round_ties_even`, `trunc` and
//!   `signum` have derivative 0 and `fract` derivative 1 away from their jumps; `a % b` and
//!   `a.rem_euclid(b)` are `a − b·q` with the quotient `q` piecewise constant (derivative 1 in
//!   `a`, `−q` in `b`), and `div_euclid` has derivative 0;
//! - iterator sums and folds: `xs.iter().map(|x| …).sum::<f64>()`, `xs.iter().zip(ys).map(|(x,
//!   y)| …).sum()`, `xs.iter().sum()`, `(0..K).map(|i| …).sum()` and `.fold(0.0, |acc, x| acc +
//!   …)`, lowered as the `for` loops they mean (rolled over data, unrolled over constant ranges);
//! - values from the surrounding module: `const` tables indexed by a loop index (`GAUSS_W[i]`),
//!   fields of constants (`PARAMS.scale`), calls of `const fn`s on constants (`weight(i)`);
//!   the generated code reads them where the original does;
//! - `for i in a..b` and `a..=b` (with `.rev()`, `.step_by(k)`) with bounds known at compile
//!   time: unrolled, `i` usable as a constant (`i as f64`, `x[2 * i + 1]`), nested; `for v in
//!   z` (or `z.iter()`) over a local array or an array argument, unrolled the same way;
//! - local arrays, `let mut z = [0.0; 4];`, written element by element (`z[j] = …`);
//! - `for` over data slices (`for x in xs`, `xs.iter().zip(ys)`, longer `zip` chains,
//!   `.enumerate()`), adding to outer variables with `+=` or `-=`: kept as **one loop** whose
//!   body is the derivative of yours, so code size does not grow with the data;
//! - `if`/`else` on conditions that do not depend on the differentiated arguments: comparisons,
//!   `&&`, `||`, `!` over constants, loop indices, data and constant arguments.
//!
//! ```
//! /// The Styblinski–Tang function in 4 dimensions, with an unrolled loop.
//! #[newton::hessian]
//! fn styblinski_tang(x: [f64; 4]) -> f64 {
//!     const N: usize = 4;
//!     let mut f = 0.0;
//!     for i in 0..N {
//!         f += x[i].powi(4) - 16.0 * x[i].powi(2) + 5.0 * x[i];
//!     }
//!     0.5 * f
//! }
//!
//! // The Hessian is diagonal, and `SPARSITY` knows it at compile time.
//! assert_eq!(styblinski_tang::SPARSITY, &[(0, 0), (1, 1), (2, 2), (3, 3)]);
//! let h = styblinski_tang::hessian([1.0; 4]);
//! assert_eq!(h[(0, 0)], 0.5 * (12.0 - 32.0));
//! ```
//!
//! # Functions that call functions
//!
//! A `#[hessian]` function may call another `#[hessian]` function (in the same crate or
//! another) with differentiated scalars or arrays, constants and data. The callee is compiled
//! once; the caller runs its generated `value_gradient_hessian` at the call's arguments and
//! applies the second-order chain rule, `∇²(g∘h) = Jₕᵀ ∇²g Jₕ + Σₖ ∂g/∂hₖ ∇²hₖ`, so a caller does
//! not grow with its callees. `SPARSITY` composes through the callees' (a structural zero of the
//! callee stays one), and `OPS` counts the calls in `functions` and adds the callees' operations.
//! A `fn` nested in the body is inlined instead.
//!
//! ```
//! use newton::hessian;
//!
//! /// A callee whose Hessian is diagonal.
//! #[hessian]
//! fn separable(a: f64, b: f64) -> f64 {
//!     a.sin() + b * b * b
//! }
//!
//! #[hessian]
//! fn caller(x: f64, y: f64, z: f64) -> f64 {
//!     fn square(t: f64) -> f64 {
//!         t * t // inlined
//!     }
//!     separable(x, z) + square(y.cosh())
//! }
//!
//! # fn main() {
//! // `separable` has no (0, 1) entry, so `caller` has no (0, 2) entry.
//! assert_eq!(caller::SPARSITY, &[(0, 0), (1, 1), (2, 2)]);
//! let h = caller::hessian(0.5, 0.0, 2.0);
//! assert!((h[(0, 0)] + 0.5_f64.sin()).abs() < 1e-15 && h[(2, 2)] == 12.0);
//! assert_eq!(caller::OPS.hessian.functions, 1);
//! # }
//! ```
//!
//! Every module exports `PARAMETERS` ([`Parameter`]: each argument, whether it is
//! differentiated, and where it sits in the gradient). Passing a value that depends on the
//! differentiated arguments to a parameter the callee treats as a constant is a compile error
//! naming both functions and the parameter, as is calling a plain `fn` without `#[hessian]`
//! with such a value. A module written by hand with the same items — `DIM`, `PARAMETERS`,
//! `SPARSITY`, `OPS` ([`Ops::ZERO`] if uncounted), `value`, `value_gradient`,
//! `value_gradient_hessian` — beside a function of the same name is called like a generated
//! one: the way to add a primitive such as `erf` (the README has the complete example). Callers
//! and callees must be items of a module, not of a function body: the generated modules reach
//! their callees through the enclosing module.
//!
//! # Methods
//!
//! `#[hessian]` on a method taking `&self` (or on an associated function) emits the derivatives
//! as associated items beside it: `loss_value`, `loss_gradient`, `loss_value_gradient`,
//! `loss_hessian`, `loss_value_gradient_hessian`, `LOSS_DIM`, `LOSS_SPARSITY`, `LOSS_OPS`,
//! `LOSS_PARAMETERS`, and `loss_objective(&self, constants…)`, a [`FnObjective`] for the
//! solvers. Fields of `self` are constants; `Vec` fields of numbers are data for rolled loops.
//!
//! ```
//! use newton::{hessian, Objective};
//!
//! struct Fit {
//!     xs: Vec<f64>,
//!     ys: Vec<f64>,
//!     ridge: f64,
//! }
//!
//! impl Fit {
//!     #[hessian]
//!     fn loss(&self, a: f64, b: f64) -> f64 {
//!         let mut s = 0.0;
//!         for (x, y) in self.xs.iter().zip(&self.ys) {
//!             let r = a * x + b - y;
//!             s += r * r;
//!         }
//!         0.5 * s + self.ridge * (a * a + b * b)
//!     }
//!
//!     /// An associated function that does not name `Self` says so: the macro sees only it.
//!     #[hessian(associated)]
//!     fn prior(a: f64, b: f64) -> f64 {
//!         (a - 1.0).powi(2) + b.cosh()
//!     }
//! }
//!
//! let fit = Fit { xs: vec![0.0, 1.0, 2.0], ys: vec![1.0, 3.0, 5.0], ridge: 0.0 };
//! let (value, gradient, hessian) = fit.loss_value_gradient_hessian(2.0, 1.0);
//! assert_eq!((value, gradient.norm()), (0.0, 0.0));
//! assert_eq!(hessian, newton::nalgebra::SMatrix::from([[5.0, 3.0], [3.0, 3.0]]));
//! let objective = fit.loss_objective();
//! assert_eq!(objective.value(&newton::nalgebra::SVector::from([2.0, 1.0])), 0.0);
//! assert_eq!(Fit::PRIOR_SPARSITY, &[(0, 0), (1, 1)]);
//! ```
//!
//! Anything else — a call of a plain function on differentiated values, `while`, `match`, a
//! closure outside an iterator sum, an `if` on a differentiated value, `powi` with a runtime exponent, a `&mut` argument, an unsupported
//! method — is a compile error on the offending token that says what is supported. All errors
//! of one function are reported in one build, and the generated items still exist with their
//! real signatures, so callers get no follow-on errors. `#[hessian(max_ops = N)]` turns an
//! expansion above `N` operations into a compile error that gives its size.
//!
//! # Solvers and stationary points
//!
//! Every generated `Objective` runs in newton's solvers ([`Newton`], [`RelaxedNewton`],
//! [`SaddleFreeNewton`], [`TrustRegionNewton`], [`Bfgs`], [`GradientDescent`], [`Adam`];
//! [`GaussNewton`] and [`LevenbergMarquardt`] on a [`LeastSquares`] problem), and [`classify`]
//! reads the type of the point a run ends at from its gradient and exact Hessian. Exact Newton
//! goes to the nearest stationary point of any type; saddle-free Newton, trust-region Newton
//! and BFGS descend.
//!
//! ```
//! use newton::{classify, Minimizer, Newton, Objective, SaddleFreeNewton, Stationary, Tolerance};
//! use newton::nalgebra::{SMatrix, SVector};
//!
//! #[newton::hessian]
//! fn torus(p: [f64; 2]) -> f64 {
//!     let (theta, phi) = (p[0], p[1]);
//!     let rho = 2.0 + phi.cos();
//!     let (x, y, z) = (rho * theta.cos(), 1.5 * rho * theta.sin(), phi.sin());
//!     0.5 * (x * x + y * y + z * z)
//! }
//!
//! let start = SVector::from([1.3, 0.4]);
//! let kind = |x: &SVector<f64, 2>| {
//!     let (mut g, mut h) = (SVector::zeros(), SMatrix::zeros());
//!     torus::Objective.value_gradient_hessian(x, &mut g, &mut h);
//!     classify(&g, &h, Tolerance::Scaled).map(|c| c.stationary)
//! };
//! let newton = Newton::default().minimize(&torus::Objective, &start)?;
//! assert!(newton.converged());
//! assert_eq!(kind(&newton.x)?, Stationary::Maximum); // exact Newton climbs to a maximum
//! let descent = SaddleFreeNewton::default().minimize(&torus::Objective, &start)?;
//! assert_eq!(kind(&descent.x)?, Stationary::Minimum);
//! # Ok::<(), newton::Error>(())
//! ```
//!
//! # argmin
//!
//! With the `argmin` feature, `newton::argmin::Problem` makes any [`Objective`] — a
//! `#[hessian]` function's, a method's `*_objective()`, a network's `loss.objective()` — an
//! argmin problem (`CostFunction`, `Gradient`, `Hessian`, and for least squares `Operator` and
//! `Jacobian`) on newton's exact derivatives; `newton::argmin::core` and `newton::argmin::solver`
//! are argmin's own modules, re-exported so that the versions match.
//!
//! ```
//! # #[cfg(feature = "argmin")] {
//! use newton::argmin::core::{Executor, State};
//! use newton::argmin::solver::trustregion::{Steihaug, TrustRegion};
//! use newton::argmin::Problem;
//! use newton::nalgebra::SVector;
//!
//! #[newton::hessian]
//! fn rosenbrock(x: f64, y: f64) -> f64 {
//!     (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
//! }
//!
//! let solver = TrustRegion::new(Steihaug::new().with_max_iters(20));
//! let result = Executor::new(Problem::new(rosenbrock::Objective), solver)
//!     .configure(|state| state.param(SVector::from([-1.2, 1.0])).max_iters(100))
//!     .run()
//!     .unwrap();
//! let [x, y] = result.state().get_best_param().unwrap().data.0[0];
//! // argmin's trust region runs to `max_iters`; the generated gradient checks where it ended.
//! assert!(rosenbrock::gradient(x, y).norm() < 1e-8);
//! # }
//! ```
//!
//! # Networks
//!
//! [`network!`] declares a fully connected network and its residual and emits its exact,
//! allocation-free loss, gradient and Hessian, including the second-order residual term and,
//! for PINNs, the parameter derivatives of `u.xx`.
//!
//! What is compiled is the residual and the distance function: `#[hessian]` differentiates
//! them in the output jet (`u`, `u.x`, `u.xx`, …) at compile time. The layers run at run time,
//! in the engine of [`network`](mod@network) over an [`Architecture`](network::Architecture)
//! whose widths, `ω` and Fourier frequencies are run-time settings: the declared `hidden:` widths
//! (the module's `WIDTHS` and `P`) are the default of `Network::new`, `Network::with_widths`
//! sets others, and `Network::parameters` is the length of `θ` at the network's widths.
//! `Network::init_xavier(seed)` draws a start from a `u64` seed with a fixed generator
//! ([`network::init_xavier`]), so a seed gives the same `θ` whatever version of `rand` the
//! caller uses.
//!
//! ```
//! use newton::nalgebra::{DMatrix, DVector};
//!
//! newton::network! {
//!     /// −u″ = 4π² sin 2πx on (0, 1), with u = x(1 − x) Σⱼ cⱼ z²ⱼ.
//!     pub poisson {
//!         inputs: (x),
//!         hidden: [4, 4],
//!         activation: sin(1.0),
//!         distance: x * (1.0 - x),
//!         residual: u.xx + 4.0 * PI * PI * (2.0 * PI * x).sin(),
//!     }
//! }
//!
//! let network = poisson::Network::new();
//! let points: Vec<f64> = (1..=16).map(|i| f64::from(i) / 17.0).collect();
//! let loss = network.loss(&points, &[])?;
//! let mut workspace = loss.workspace();
//! let theta = DVector::from_fn(poisson::P, |k, _| 0.5 * (0.7 * k as f64 + 0.3).sin());
//! let (mut g, mut h) = (DVector::zeros(poisson::P), DMatrix::zeros(poisson::P, poisson::P));
//! let value = loss.value_gradient_hessian_into(&theta, &mut workspace, &mut g, &mut h)?;
//! assert!(value > 0.0 && h == h.transpose());
//!
//! // The same declaration at other widths: three hidden layers, P = 76.
//! let deeper = poisson::Network::new().with_widths(&[6, 4, 6])?;
//! let p = deeper.parameters();
//! assert_eq!((poisson::P, p), (32, 76));
//! let theta = deeper.init_xavier(7);
//! let loss = deeper.loss(&points, &[])?;
//! let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
//! loss.value_gradient_hessian_into(&theta, &mut loss.workspace(), &mut g, &mut h)?;
//! assert!(poisson::Network::new().with_widths(&[4, 0]).is_err());
//! # Ok::<(), newton::Error>(())
//! ```

pub use newton_core::*;
pub use newton_derive::{hessian, network};

/// What generated code names through an absolute path; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use nalgebra::{Const, SMatrix, SVector};
    pub use newton_core::compose::{
        count_nonzero, expect_differentiated, hessian_nonzero, nonzero,
    };
    pub use newton_core::{FnObjective, Objective, OpCount, Ops, Parameter};
}
