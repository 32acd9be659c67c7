//! `f32` functions: the generated code is `f32` throughout; it is compared with `f64` num-dual at
//! `f32`-representable points, with `f32` tolerances.

#![allow(
    clippy::needless_range_loop,
    reason = "`#[hessian]` unrolls `for i in 0..N` over arrays; array iterators are not supported"
)]

use newton::hessian;
use num_dual::DualNum;

use crate::oracle::{generated, Case, Tolerance};

/// Six-hump camel in `f32`: `(4 − 2.1x² + x⁴/3) x² + x y + (4y² − 4) y²`.
#[hessian]
pub fn camel32(x: f32, y: f32) -> f32 {
    (4.0 - 2.1 * x * x + x.powi(4) / 3.0) * x * x + x * y + (-4.0 + 4.0 * y * y) * y * y
}

fn camel32_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    (-x * 2.1 * x + x.powi(4) / 3.0 + 4.0) * x * x + x * y + (y * 4.0 * y - 4.0) * y * y
}

#[test]
fn camel32_matches_oracle() {
    Case::new([(-2.0, 2.0), (-1.0, 1.0)])
        .tolerance(Tolerance::F32)
        .check(generated!(f32: camel32, |[x, y]| (x, y)), camel32_ref);
    let (f, g, h) = camel32::value_gradient_hessian(0.0, 0.0);
    let _: (f32, f32, f32) = (f, g[0], h[(0, 0)]);
    assert_eq!(camel32::DIM, 2);
}

/// An `f32` function over `[f32; 3]` with an unrolled loop, transcendental methods and
/// `core::f32::consts`; the `f32` argument `phase` is held constant by `wrt(x)`.
#[hessian(wrt(x))]
pub fn waves32(x: [f32; 3], phase: f32) -> f32 {
    let mut s = 0.0;
    for i in 0..3 {
        s += (x[i] + phase).sin() * (0.5 * x[i]).exp();
    }
    s + (x[0] * x[1] + x[2] * x[2] + 1.0).sqrt() + core::f32::consts::PI * x[2].tanh()
}

fn waves32_ref<D: DualNum<f64> + Copy>(x: [D; 3], phase: f64) -> D {
    let mut s = D::from(0.0);
    for xi in x {
        s += (xi + phase).sin() * (xi * 0.5).exp();
    }
    s + (x[0] * x[1] + x[2] * x[2] + 1.0).sqrt() + x[2].tanh() * f64::from(core::f32::consts::PI)
}

#[test]
fn waves32_matches_oracle() {
    let phase = 0.25_f32;
    Case::cube(-1.0, 1.0)
        .tolerance(Tolerance::F32)
        .check(generated!(f32: waves32, |x| (x, phase)), |x| {
            waves32_ref(x, f64::from(phase))
        });
}
