//! The networks of [`crate::networks`] over any dual number: the runtime-autodiff peer that
//! benchmarks time and tests check newton's Hessians against.
//!
//! Written independently of newton's engine, straight from the definition in `PROBLEMS.md`
//! §4, in newton's parameter order `[A¹ row-major, b¹, A², b², …, c]`.

use core::f64::consts::TAU;

use nalgebra::{DMatrix, DVector};
use newton::network::{Architecture, Embedding};
use num_dual::{Dual2DVec64, DualNum};

/// `u(x) = Σⱼ cⱼ zᴸⱼ(ξ(x)) (+ c₀)` of a one-input network, over dual numbers `T`.
pub fn output<T: DualNum<f64> + Clone>(arch: &Architecture, theta: &[T], x: f64) -> T {
    let mut z: Vec<T> = match &arch.embedding {
        Embedding::Identity => vec![T::from(x)],
        Embedding::Fourier { frequencies } => {
            let angles: Vec<f64> = frequencies.iter().map(|b| TAU * b * x).collect();
            angles
                .iter()
                .map(|a| T::from(a.cos()))
                .chain(angles.iter().map(|a| T::from(a.sin())))
                .collect()
        }
    };
    for l in 1..=arch.depth() {
        z = (0..arch.width(l))
            .map(|k| {
                let h = z
                    .iter()
                    .enumerate()
                    .fold(theta[arch.bias(l, k)].clone(), |s, (i, zi)| {
                        s + theta[arch.weight(l, k, i)].clone() * zi.clone()
                    });
                newton_test_support::network::activate(arch.activation, h)
            })
            .collect();
    }
    let c = arch.offset(arch.depth() + 1);
    let bias = if arch.output_bias {
        theta[c + z.len()].clone()
    } else {
        T::zero()
    };
    z.iter()
        .enumerate()
        .fold(bias, |s, (j, zj)| s + theta[c + j].clone() * zj.clone())
}

/// `(L, ∇L, ∇²L)` of the regression loss `(1/2N) Σᵢ (u(xᵢ) − yᵢ)²` by `num_dual::hessian`
/// with dynamic second-order duals.
#[must_use]
pub fn regression_hessian(
    arch: &Architecture,
    xs: &[f64],
    ys: &[f64],
    theta: &DVector<f64>,
) -> (f64, DVector<f64>, DMatrix<f64>) {
    #[expect(clippy::cast_precision_loss, reason = "point counts are small")]
    let half_mean = 0.5 / xs.len() as f64;
    num_dual::hessian(
        |t: DVector<Dual2DVec64>| {
            xs.iter()
                .zip(ys)
                .fold(Dual2DVec64::from_re(0.0), |s, (x, y)| {
                    let r = output(arch, t.as_slice(), *x) - *y;
                    s + r.clone() * r * half_mean
                })
        },
        theta,
    )
}
