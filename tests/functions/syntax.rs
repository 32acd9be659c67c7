//! The rest of the supported syntax: `const` items, `core::f64::consts`, block expressions,
//! shadowing, `let mut` with every compound assignment, tuple patterns, methods on constants,
//! nested and inclusive loops, `if` with and without `else` on loop indices and constant
//! arguments, `wrt(…)` selecting a subset, and constant `f64`, array and integer arguments.

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_lossless,
    reason = "small loop indices and integer arguments are exact in f64"
)]
#![allow(
    clippy::needless_range_loop,
    reason = "`#[hessian]` unrolls `for i in 0..N` over arrays; array iterators are not supported"
)]
#![allow(
    clippy::nonminimal_bool,
    reason = "`syntax_tour` exercises `!` on purpose"
)]

use core::f64::consts::{FRAC_PI_4, PI};

use newton::hessian;
use num_dual::DualNum;

use crate::oracle::{generated, Case};

/// A tour of statement and expression forms over three scalars and a weight.
#[hessian]
pub fn syntax_tour(x: [f64; 3], y: f64) -> f64 {
    const SCALE: f64 = 0.3;
    const N: usize = 3;
    let (a, b) = (x[0], x[1]);
    let c = {
        let t = x[2] * SCALE;
        t * t + 1.0
    };
    let mut acc = 0.0;
    acc += a * b;
    acc -= 0.5 * c;
    acc *= 1.0 + 0.1 * y * y;
    acc /= 2.0 + 0.5 * (core::f64::consts::PI * a).cos();
    for i in 0..N {
        if i == 0 {
            acc += x[i] * x[i];
        } else if i < 2 {
            acc -= 0.25 * x[i] * y;
        } else {
            acc += (x[i] * (i as f64)).sin();
        }
        if i != 1 && !(i > 5) {
            acc += 0.125 * x[i];
        }
    }
    let mut k = 0.0;
    for j in 1..=2 {
        k += x[j - 1] * (j as f64);
    }
    let a = a * 2.0;
    -acc + k * k / 3.0 + 5.0_f64.sqrt() * y * a + core::f64::consts::FRAC_PI_4 * x[2] * y
}

fn syntax_tour_ref<D: DualNum<f64> + Copy>([x0, x1, x2, y]: [D; 4]) -> D {
    let x = [x0, x1, x2];
    let (a, b) = (x0, x1);
    let t = x2 * 0.3;
    let c = t * t + 1.0;
    let mut acc = a * b;
    acc -= c * 0.5;
    acc *= y * 0.1 * y + 1.0;
    acc /= (a * PI).cos() * 0.5 + 2.0;
    acc += x0 * x0;
    acc -= x1 * 0.25 * y;
    acc += (x2 * 2.0).sin();
    acc += x0 * 0.125;
    acc += x2 * 0.125;
    let k = x[0] + x[1] * 2.0;
    -acc + k * k / 3.0 + y * 5.0_f64.sqrt() * (a * 2.0) + x2 * FRAC_PI_4 * y
}

#[test]
fn syntax_tour_matches_oracle() {
    Case::cube(-2.0, 2.0).check(
        generated!(syntax_tour, |[a, b, c, y]| ([a, b, c], y)),
        syntax_tour_ref,
    );
    assert_eq!(syntax_tour::DIM, 4, "[f64; 3] then f64, flattened");
}

/// Methods applied to constants fold; only the differentiated parts remain.
#[hessian]
pub fn constant_methods(x: f64, y: f64) -> f64 {
    let c = 2.0_f64.ln() * 3.0_f64.exp() + core::f64::consts::PI.cos() + 0.25_f64.powi(-2);
    c * x * y + 5.0_f64.sqrt() * x * x + 8.0_f64.cbrt().recip() * y.powi(3)
}

fn constant_methods_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    let c = 2.0_f64.ln() * 3.0_f64.exp() + PI.cos() + 0.25_f64.powi(-2);
    x * c * y + x * 5.0_f64.sqrt() * x + y.powi(3) * 8.0_f64.cbrt().recip()
}

#[test]
fn constant_methods_matches_oracle() {
    Case::cube(-3.0, 3.0).check(
        generated!(constant_methods, |[x, y]| (x, y)),
        constant_methods_ref,
    );
    let (_, _, h) = constant_methods::value_gradient_hessian(0.0, 0.0);
    assert!((h[(0, 0)] - 2.0 * 5.0_f64.sqrt()).abs() < 1e-15, "{h}");
}

/// Nested unrolled loops, the inner bound depending on the outer index: `Σ_{i ≤ j} xᵢ xⱼ sin(xⱼ)`.
#[hessian]
pub fn nested(x: [f64; 3]) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        for j in i..3 {
            s += x[i] * x[j].sin();
        }
    }
    s
}

fn nested_ref<D: DualNum<f64> + Copy>(x: [D; 3]) -> D {
    let mut s = D::from(0.0);
    for i in 0..3 {
        for xj in &x[i..] {
            s += x[i] * xj.sin();
        }
    }
    s
}

#[test]
fn nested_matches_oracle() {
    Case::cube(-2.0, 2.0).check(generated!(nested, |x| (x)), nested_ref);
}

/// `wrt(x, z)`: differentiates `x` and the two scalars of `z`; `y`, `w` and `scale` are
/// constant arguments kept in their positions.
#[hessian(wrt(x, z))]
pub fn partial(x: f64, y: f64, z: [f64; 2], w: [f64; 2], scale: f64) -> f64 {
    scale * (x * z[0] - y).powi(2) + (z[1] * y).sin() * x + w[0] * z[0] * z[1] + w[1] * x.exp()
}

fn partial_ref<D: DualNum<f64> + Copy>([x, z0, z1]: [D; 3], y: f64, w: [f64; 2], scale: f64) -> D {
    (x * z0 - y).powi(2) * scale + (z1 * y).sin() * x + z0 * w[0] * z1 + x.exp() * w[1]
}

#[test]
fn partial_matches_oracle() {
    for (y, w, scale) in [(0.7, [1.5, -0.5], 2.0), (-1.25, [0.0, 3.0], 0.1)] {
        // With `w[0] = 0` the (1, 2) entry vanishes at run time; it stays in `SPARSITY`.
        let case = Case::cube(-2.0, 2.0);
        let case = if w[0] == 0.0 {
            case.loose_sparsity()
        } else {
            case
        };
        case.check(
            generated!(partial, |[x, z0, z1]| (x, y, [z0, z1], w, scale)),
            |p| partial_ref(p, y, w, scale),
        );
    }
    assert_eq!(partial::DIM, 3, "x and z only");
}

/// Integer constant arguments: `n` as a number, `k` in conditions.
#[hessian]
pub fn integer_arguments(x: f64, y: f64, n: i32, k: usize) -> f64 {
    let mut s = (n as f64) * x * x * y;
    if k > 2 {
        s += (x * y).cos();
    } else {
        s -= (x - y).exp();
    }
    if k == 0 || n < 0 {
        s *= 0.5;
    }
    s
}

fn integer_arguments_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2], n: i32, k: usize) -> D {
    let mut s = x * f64::from(n) * x * y;
    if k > 2 {
        s += (x * y).cos();
    } else {
        s -= (x - y).exp();
    }
    if k == 0 || n < 0 {
        s *= 0.5;
    }
    s
}

#[test]
fn integer_arguments_matches_oracle() {
    for (n, k) in [(3, 0), (-2, 5), (1, 2), (4, 3)] {
        Case::cube(-1.5, 1.5).check(generated!(integer_arguments, |[x, y]| (x, y, n, k)), |p| {
            integer_arguments_ref(p, n, k)
        });
    }
    assert_eq!(integer_arguments::DIM, 2);
}
