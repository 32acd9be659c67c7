//! The network losses over num-dual's dynamic second-order duals: an oracle written
//! independently of newton's engine, straight from the definition of
//! [`Architecture`], in its parameter order `[A¹ row-major, b¹, A², b², …, c, c₀]`.
//!
//! ```
//! use nalgebra::DVector;
//! use newton_core::network::{Activation, Architecture, Embedding};
//! use newton_test_support::network;
//!
//! let arch = Architecture {
//!     inputs: 1,
//!     embedding: Embedding::Identity,
//!     widths: vec![2],
//!     activation: Activation::Tanh,
//!     output_bias: false,
//!     outputs: 1,
//! };
//! // c = 0: the network is 0, and L = ½ y².
//! let theta = DVector::from_vec(vec![0.5, -1.0, 0.1, 0.2, 0.0, 0.0]);
//! let (value, gradient, hessian) = network::regression(&arch, &[0.3], &[2.0], &theta);
//! assert_eq!(value, 2.0);
//! assert_eq!(gradient.rows(0, 4).amax(), 0.0);
//! assert_eq!(hessian.shape(), (6, 6));
//! ```

use core::f64::consts::TAU;

use nalgebra::{DMatrix, DVector};
use newton_core::network::{Activation, Architecture, Embedding};
use num_dual::{Dual2, Dual2DVec64, DualNum};

/// A loss's value, gradient and Hessian, `(L, ∇L, ∇²L)`.
pub type Oracle = (f64, DVector<f64>, DMatrix<f64>);

/// A number carrying a second derivative in one input direction over parameter duals: the
/// PINN oracle's `u` along one axis.
pub type InputDual = Dual2<Dual2DVec64, f64>;

/// Returns the first output `u(x) = Σⱼ c₀ⱼ zᴸⱼ(ξ(x)) + c₀₀` (see [`output_of`]).
///
/// # Panics
///
/// As [`output_of`].
#[must_use]
pub fn output<T: DualNum<f64> + Clone>(arch: &Architecture, theta: &[T], x: &[T]) -> T {
    output_of(arch, theta, x, 0)
}

/// Returns output `o`, `uₒ(x) = Σⱼ cₒⱼ zᴸⱼ(ξ(x)) + c₀ₒ`, over any dual number `T`, with
/// `theta` in [`Architecture`]'s parameter order (`c` one row of `W_L` per output, then one
/// bias per output) and `x` the point's coordinates.
///
/// # Panics
///
/// If `theta` is shorter than [`Architecture::parameters`] or `x` than the inputs.
#[must_use]
pub fn output_of<T: DualNum<f64> + Clone>(
    arch: &Architecture,
    theta: &[T],
    x: &[T],
    o: usize,
) -> T {
    let features: Vec<T> = match &arch.embedding {
        Embedding::Identity => x.to_vec(),
        Embedding::Fourier { frequencies } => {
            let angles: Vec<T> = (0..frequencies.nrows())
                .map(|row| {
                    x.iter().enumerate().fold(T::zero(), |s, (i, xi)| {
                        s + xi.clone() * (TAU * frequencies[(row, i)])
                    })
                })
                .collect();
            angles
                .iter()
                .map(DualNum::cos)
                .chain(angles.iter().map(DualNum::sin))
                .collect()
        }
    };
    let mut z = features;
    for l in 1..=arch.depth() {
        z = (0..arch.width(l))
            .map(|k| {
                let h = z
                    .iter()
                    .enumerate()
                    .fold(theta[arch.bias(l, k)].clone(), |s, (i, zi)| {
                        s + theta[arch.weight(l, k, i)].clone() * zi.clone()
                    });
                activate(arch.activation, h)
            })
            .collect();
    }
    let first = arch.offset(arch.depth() + 1);
    let bias = if arch.output_bias {
        theta[first + arch.outputs * z.len() + o].clone()
    } else {
        T::zero()
    };
    let c = first + o * z.len();
    z.iter()
        .enumerate()
        .fold(bias, |s, (j, zj)| s + theta[c + j].clone() * zj.clone())
}

/// Returns `σ(h)` written plainly, over any dual number.
///
/// # Panics
///
/// For an activation this oracle does not know (one added to newton after it).
pub fn activate<T: DualNum<f64> + Clone>(activation: Activation, h: T) -> T {
    let logistic = |h: T| (T::one() + (-h).exp()).recip();
    match activation {
        Activation::Tanh => h.tanh(),
        Activation::Sin { omega } => (h * omega).sin(),
        Activation::Softplus => (T::one() + h.exp()).ln(),
        Activation::Sigmoid => logistic(h),
        Activation::Silu => h.clone() * logistic(h),
        Activation::Gelu => {
            let u = (h.clone() + h.powi(3) * 0.044_715) * (2.0 / core::f64::consts::PI).sqrt();
            h * (T::one() + u.tanh()) * 0.5
        }
        other => panic!("the oracle does not know {other:?}"),
    }
}

/// Returns `(L, ∇L, ∇²L)` of `L = (1/2N) Σᵢ r(u(xᵢ), yᵢ)²` by `num_dual::hessian`, for a
/// residual `r` of the output and the target; `points` holds the `N` points one after another.
///
/// # Panics
///
/// If `points` does not split into the architecture's inputs, `targets` has fewer than `N`
/// values, or `theta` does not have [`Architecture::parameters`] entries.
#[must_use]
pub fn of_output(
    arch: &Architecture,
    points: &[f64],
    targets: &[f64],
    theta: &DVector<f64>,
    r: impl Fn(Dual2DVec64, f64) -> Dual2DVec64,
) -> Oracle {
    let n = points.len() / arch.inputs;
    assert_eq!(n * arch.inputs, points.len(), "whole points");
    let half_mean = 0.5 / count(n);
    num_dual::hessian(
        |t: DVector<Dual2DVec64>| {
            points
                .chunks(arch.inputs)
                .zip(targets)
                .fold(Dual2DVec64::from_re(0.0), |s, (p, y)| {
                    let x: Vec<Dual2DVec64> = p.iter().map(|&v| Dual2DVec64::from_re(v)).collect();
                    let ri = r(output(arch, t.as_slice(), &x), *y);
                    s + ri.clone() * ri * half_mean
                })
        },
        theta,
    )
}

/// Returns `(L, ∇L, ∇²L)` of the regression loss `(1/2N) Σᵢ (u(xᵢ) − yᵢ)²` (see
/// [`of_output`]).
///
/// # Panics
///
/// As [`of_output`].
#[must_use]
pub fn regression(
    arch: &Architecture,
    points: &[f64],
    targets: &[f64],
    theta: &DVector<f64>,
) -> Oracle {
    of_output(arch, points, targets, theta, |u, y| u - y)
}

/// Returns `(L, ∇L, ∇²L)` of a PINN loss `(1/2N) Σᵢ rᵢ²` with `u = D(x)·(network)`:
/// `residual(p, u, uᵢᵢ)` gets the point, `u` and its pure second derivatives `∂²u/∂xᵢ²` along
/// each input (mixed and first derivatives are not formed), each a dual over the parameters;
/// `distance` is `D` over [`InputDual`]s (see [`box_distance`]).
///
/// # Panics
///
/// If `points` does not split into the architecture's inputs or `theta` does not have
/// [`Architecture::parameters`] entries.
#[must_use]
pub fn pinn(
    arch: &Architecture,
    points: &[f64],
    distance: impl Fn(&[InputDual]) -> InputDual,
    residual: impl Fn(&[f64], &Dual2DVec64, &[Dual2DVec64]) -> Dual2DVec64,
    theta: &DVector<f64>,
) -> Oracle {
    pinn_outputs(
        arch,
        points,
        distance,
        |p, outputs| residual(p, &outputs[0].value, &outputs[0].second),
        theta,
    )
}

/// One output of a network at a point along each input axis, as duals over the parameters.
#[derive(Clone, Debug)]
pub struct AlongAxes {
    /// `uₒ`.
    pub value: Dual2DVec64,
    /// `∂uₒ/∂xᵢ` for each input `i`.
    pub first: Vec<Dual2DVec64>,
    /// `∂²uₒ/∂xᵢ²` for each input `i`.
    pub second: Vec<Dual2DVec64>,
}

/// Returns `(L, ∇L, ∇²L)` of a PINN loss `(1/2N) Σᵢ rᵢ²` over every output of the network,
/// `uₒ = D(x)·(network output o)`: `residual(p, outputs)` gets the point and, per output, its
/// value and its first and pure second derivatives along each input ([`AlongAxes`]).
///
/// # Panics
///
/// As [`pinn`].
#[must_use]
pub fn pinn_outputs(
    arch: &Architecture,
    points: &[f64],
    distance: impl Fn(&[InputDual]) -> InputDual,
    residual: impl Fn(&[f64], &[AlongAxes]) -> Dual2DVec64,
    theta: &DVector<f64>,
) -> Oracle {
    let d = arch.inputs;
    let n = points.len() / d;
    assert_eq!(n * d, points.len(), "whole points");
    let half_mean = 0.5 / count(n);
    num_dual::hessian(
        |t: DVector<Dual2DVec64>| {
            let lifted: Vec<InputDual> = t.iter().map(|v| Dual2::from_re(v.clone())).collect();
            points.chunks(d).fold(Dual2DVec64::from_re(0.0), |s, p| {
                let mut outputs: Vec<AlongAxes> = (0..arch.outputs)
                    .map(|_| AlongAxes {
                        value: Dual2DVec64::from_re(0.0),
                        first: Vec::with_capacity(d),
                        second: Vec::with_capacity(d),
                    })
                    .collect();
                for axis in 0..d {
                    let x: Vec<InputDual> = p
                        .iter()
                        .enumerate()
                        .map(|(i, &v)| {
                            let one = if i == axis { 1.0 } else { 0.0 };
                            Dual2::new(
                                Dual2DVec64::from_re(v),
                                Dual2DVec64::from_re(one),
                                Dual2DVec64::from_re(0.0),
                            )
                        })
                        .collect();
                    let d_x = distance(&x);
                    for (o, along) in outputs.iter_mut().enumerate() {
                        let out = d_x.clone() * output_of(arch, &lifted, &x, o);
                        along.value = out.re.clone();
                        along.first.push(out.v1.clone());
                        along.second.push(out.v2.clone());
                    }
                }
                let r = residual(p, &outputs);
                s + r.clone() * r * half_mean
            })
        },
        theta,
    )
}

/// The distance function `D(x) = Πᵢ xᵢ(1 − xᵢ)` of the unit box, for [`pinn`].
#[must_use]
pub fn box_distance(x: &[InputDual]) -> InputDual {
    let one = || InputDual::from_re(Dual2DVec64::from_re(1.0));
    x.iter()
        .fold(one(), |acc, xi| acc * xi.clone() * (one() - xi.clone()))
}

#[expect(clippy::cast_precision_loss, reason = "point counts are small")]
fn count(n: usize) -> f64 {
    n as f64
}
