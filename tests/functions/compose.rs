//! Functions that call functions: `#[hessian]` functions calling other `#[hessian]` functions
//! (a chain of three, a callee with data and constant arguments, a callee inside a rolled data
//! loop), a hand-written primitive module (`erf`), and helpers nested in the body.
//!
//! Each caller is checked like any other function: against num-dual and central differences,
//! its value against the original function, and its `SPARSITY` exact (a callee's structural
//! zeros stay zeros in the caller).

#![allow(
    clippy::cast_precision_loss,
    reason = "data lengths below 2⁵³, written as users write them"
)]

use newton::hessian;
use num_dual::DualNum;

use crate::functions::data::data;
use crate::oracle::{generated, Case};

/// The innermost level: dense in `(a, b)`.
#[hessian]
pub fn inner(a: f64, b: f64) -> f64 {
    (a * b).sin() + a * a * b
}

fn inner_ref<D: DualNum<f64> + Copy>(a: D, b: D) -> D {
    (a * b).sin() + a * a * b
}

/// The middle level: calls `inner` twice, once with a constant second argument; `scale` is
/// a constant parameter.
#[hessian(wrt(u))]
pub fn middle(u: [f64; 2], scale: f64) -> f64 {
    scale * inner(u[0], u[1]) + inner(u[1] * u[1], 0.5) + u[0].exp()
}

fn middle_ref<D: DualNum<f64> + Copy>(u: [D; 2], scale: f64) -> D {
    inner_ref(u[0], u[1]) * scale + inner_ref(u[1] * u[1], D::from(0.5)) + u[0].exp()
}

/// The outer level: calls `middle` with an array built from its arguments; `w` does not reach
/// `middle`, so the Hessian's `(0, 3)`, `(1, 3)`, `(2, 3)` entries are structural zeros.
#[hessian]
pub fn outer(x: f64, y: f64, z: f64, w: f64) -> f64 {
    middle([x * y, z - x], 1.5) + w * w
}

fn outer_ref<D: DualNum<f64> + Copy>([x, y, z, w]: [D; 4]) -> D {
    middle_ref([x * y, z - x], 1.5) + w * w
}

#[test]
fn a_chain_of_three_matches_oracle() {
    Case::new([(-0.8, 0.8), (-0.8, 0.8), (-0.8, 0.8), (-1.0, 1.0)])
        .check(generated!(outer, |[x, y, z, w]| (x, y, z, w)), outer_ref);
    Case::new([(-0.8, 0.8), (-0.8, 0.8)])
        .check(generated!(middle, |[a, b]| ([a, b], 1.5)), |[a, b]| {
            middle_ref([a, b], 1.5)
        });
}

#[test]
fn the_callers_sparsity_composes_the_callees() {
    assert_eq!(
        outer::SPARSITY,
        &[(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2), (3, 3)]
    );
    // `separable` has no (0, 1) entry, so a caller that feeds it `x` and `z` has no (0, 2).
    assert_eq!(separable::SPARSITY, &[(0, 0), (1, 1)]);
    assert_eq!(through_separable::SPARSITY, &[(0, 0), (1, 1), (2, 2)]);
}

/// A callee whose Hessian is diagonal.
#[hessian]
pub fn separable(a: f64, b: f64) -> f64 {
    a.sin() + b * b * b
}

/// Feeds `separable` two of its three arguments.
#[hessian]
pub fn through_separable(x: f64, y: f64, z: f64) -> f64 {
    separable(x, z) + y.cosh()
}

#[test]
fn exact_sparsity_through_a_sparse_callee_matches_oracle() {
    Case::new([(-1.0, 1.0), (-1.0, 1.0), (-1.0, 1.0)]).check(
        generated!(through_separable, |[x, y, z]| (x, y, z)),
        |[x, y, z]| x.sin() + z * z * z + y.cosh(),
    );
}

#[test]
fn ops_count_the_calls_and_include_the_callees() {
    assert_eq!(outer::OPS.value_gradient_hessian.functions, 1 + 2);
    assert!(outer::OPS.value_gradient_hessian.total() > middle::OPS.value_gradient_hessian.total());
    assert_eq!(through_separable::OPS.gradient.functions, 1);
}

/// A weighted sum of squared residuals over data, with a constant weight.
#[hessian(wrt(w, c))]
pub fn squares(w: f64, c: f64, xs: &[f64], ys: &[f64], weight: f64) -> f64 {
    let mut s = 0.0;
    for (x, y) in xs.iter().zip(ys) {
        let r = (w * x).tanh() + c - y;
        s += r * r;
    }
    weight * s
}

/// Calls `squares` with its data slices and a constant, and adds a penalty.
#[hessian]
pub fn regularised(w: f64, c: f64, xs: &[f64], ys: &[f64]) -> f64 {
    squares(w, c, xs, ys, 0.5) + 0.01 * (w * w + c * c)
}

fn regularised_ref<D: DualNum<f64> + Copy>([w, c]: [D; 2], xs: &[f64], ys: &[f64]) -> D {
    let mut s = D::from(0.0);
    for (x, y) in xs.iter().zip(ys) {
        let r = (w * *x).tanh() + c - *y;
        s += r * r;
    }
    s * 0.5 + (w * w + c * c) * 0.01
}

#[test]
fn a_callee_with_data_and_constant_arguments_matches_oracle() {
    let (xs, ys) = data(50, 11, |x| (1.5 * x).tanh() - 0.2);
    Case::new([(-2.0, 2.0), (-1.0, 1.0)])
        .check(generated!(regularised, |[w, c]| (w, c, &xs, &ys)), |p| {
            regularised_ref(p, &xs, &ys)
        });
}

/// The pseudo-Huber loss of one residual.
#[hessian(wrt(r))]
pub fn pseudo_huber(r: f64, delta: f64) -> f64 {
    delta * delta * ((1.0 + (r / delta).powi(2)).sqrt() - 1.0)
}

fn pseudo_huber_ref<D: DualNum<f64> + Copy>(r: D, delta: f64) -> D {
    (((r / delta).powi(2) + 1.0).sqrt() - 1.0) * (delta * delta)
}

/// A robust line fit: `pseudo_huber` called once per data point, inside the rolled loop.
#[hessian]
pub fn robust_fit(a: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let mut s = 0.0;
    for (x, y) in xs.iter().zip(ys) {
        s += pseudo_huber(a * x + b - y, 0.3);
    }
    s / xs.len() as f64
}

#[test]
fn a_callee_inside_a_rolled_loop_matches_oracle() {
    let (xs, ys) = data(200, 12, |x| 2.0 * x - 0.5);
    Case::new([(-1.0, 3.0), (-2.0, 1.0)]).check(
        generated!(robust_fit, |[a, b]| (a, b, &xs, &ys)),
        |[a, b]| {
            let mut s = D2::from(0.0);
            for (x, y) in xs.iter().zip(&ys) {
                s += pseudo_huber_ref(a * *x + b - *y, 0.3);
            }
            s / xs.len() as f64
        },
    );
    // The call stays inside the loop: the generated code does not grow with the data.
    assert_eq!(robust_fit::OPS.value_gradient_hessian.functions, 1);
}

type D2 = crate::oracle::Dual<2>;

/// `erf` with its derivatives, written by hand: the items `#[hessian]` code reads from a
/// callee's module. `erf′(x) = 2/√π·e^(−x²)`, `erf″(x) = −2x·erf′(x)`.
pub fn erf(x: f64) -> f64 {
    libm::erf(x)
}

/// `erf` as a primitive that `#[hessian]` functions can call.
pub mod erf {
    use newton::nalgebra::{SMatrix, SVector};
    use newton::{Ops, Parameter};

    pub const DIM: usize = 1;
    pub const PARAMETERS: &[Parameter] = &[Parameter::differentiated("x", 0, 1)];
    pub const SPARSITY: &[(usize, usize)] = &[(0, 0)];
    pub const OPS: Ops = Ops::ZERO;

    #[must_use]
    pub fn value(x: f64) -> f64 {
        libm::erf(x)
    }

    #[must_use]
    pub fn value_gradient(x: f64) -> (f64, SVector<f64, 1>) {
        let d = core::f64::consts::FRAC_2_SQRT_PI * (-x * x).exp();
        (libm::erf(x), SVector::from([d]))
    }

    #[must_use]
    pub fn value_gradient_hessian(x: f64) -> (f64, SVector<f64, 1>, SMatrix<f64, 1, 1>) {
        let (v, g) = value_gradient(x);
        (v, g, SMatrix::from([[-2.0 * x * g[0]]]))
    }
}

/// The negative log-likelihood of a probit model, through the hand-written `erf`.
#[hessian]
pub fn probit(a: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let mut s = 0.0;
    for (x, y) in xs.iter().zip(ys) {
        let p = 0.5 * (1.0 + erf((a * x + b) * core::f64::consts::FRAC_1_SQRT_2));
        s -= y * p.ln() + (1.0 - y) * (1.0 - p).ln();
    }
    s
}

/// `erf` of a second-order dual number by its Taylor expansion, exact to second order.
fn erf_ref<D: DualNum<f64> + Copy>(x: D) -> D {
    let a = x.re();
    let e = x - a;
    let d1 = core::f64::consts::FRAC_2_SQRT_PI * (-a * a).exp();
    let d2 = -2.0 * a * d1;
    e * e * (d2 / 2.0) + e * d1 + libm::erf(a)
}

#[test]
fn a_hand_written_primitive_matches_oracle() {
    let (xs, ys) = data(80, 13, |x| if x > 0.5 { 1.0 } else { 0.0 });
    Case::new([(-1.0, 1.0), (-0.5, 0.5)]).check(
        generated!(probit, |[a, b]| (a, b, &xs, &ys)),
        |[a, b]| {
            let mut s = D2::from(0.0);
            for (x, y) in xs.iter().zip(&ys) {
                let p = (erf_ref((a * *x + b) * core::f64::consts::FRAC_1_SQRT_2) + 1.0) * 0.5;
                s -= p.ln() * *y + (-p + 1.0).ln() * (1.0 - y);
            }
            s
        },
    );
    // A hand-written module's `SPARSITY` and `OPS` compose like a generated one's.
    assert_eq!(probit::SPARSITY, &[(0, 0), (0, 1), (1, 1)]);
    assert_eq!(probit::OPS.gradient.functions, 1);
}

/// Two calls of `erf`: each Hessian entry is non-zero where `erf`'s `SPARSITY` says so.
#[hessian]
pub fn erf_pair(x: f64, y: f64) -> f64 {
    erf(x) * 0.5 + erf(y - 1.0)
}

#[test]
fn a_primitives_sparsity_composes() {
    assert_eq!(erf_pair::SPARSITY, &[(0, 0), (1, 1)]);
    Case::new([(-2.0, 2.0), (-2.0, 2.0)]).check(generated!(erf_pair, |[x, y]| (x, y)), |[x, y]| {
        erf_ref(x) * 0.5 + erf_ref(y - 1.0)
    });
}

/// Helpers nested in the body are inlined, also one calling another and one used twice.
#[hessian]
pub fn nested_helpers(x: f64, y: f64) -> f64 {
    fn softplus(t: f64) -> f64 {
        (1.0 + t.exp()).ln()
    }
    fn bump(t: f64, width: f64) -> f64 {
        let s = softplus(t / width);
        s * s
    }
    bump(x - y, 0.5) + softplus(x * y) + bump(y, 2.0)
}

fn nested_helpers_ref<D: DualNum<f64> + Copy>([x, y]: [D; 2]) -> D {
    let softplus = |t: D| (t.exp() + 1.0).ln();
    let bump = |t: D, width: f64| {
        let s = softplus(t / width);
        s * s
    };
    bump(x - y, 0.5) + softplus(x * y) + bump(y, 2.0)
}

#[test]
fn nested_helpers_match_oracle() {
    Case::new([(-1.0, 1.0), (-1.0, 1.0)]).check(
        generated!(nested_helpers, |[x, y]| (x, y)),
        nested_helpers_ref,
    );
    assert_eq!(nested_helpers::OPS.value_gradient_hessian.functions, 0);
}

/// The callee's `g`, shadowed inside a block of `scoped_helpers` only.
#[hessian]
pub fn g(t: f64) -> f64 {
    t * t
}

/// A nested `fn g` counts only inside its block; after it, `g` is the `#[hessian]` function
/// again. A nested helper sees the `const`s of its block.
#[hessian]
pub fn scoped_helpers(x: f64) -> f64 {
    let inner = {
        const K: f64 = 3.0;
        fn g(t: f64) -> f64 {
            K * t.sin()
        }
        g(x)
    };
    inner + g(x)
}

#[test]
fn nested_helpers_are_scoped_like_rust() {
    Case::new([(-1.0, 1.0)]).check(generated!(scoped_helpers, |[x]| (x)), |[x]| {
        x.sin() * 3.0 + x * x
    });
}

/// A callee taking constants by reference, and data through a local alias.
#[hessian(wrt(x))]
pub fn weighted(x: f64, w: &[f64; 3], xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for t in xs {
        s += w[0] * (x - t) * (x - t) + w[1] * x + w[2];
    }
    s
}

/// Calls `weighted` with `&w` and `&d`, where `d` is another name for the data.
#[hessian(wrt(x))]
#[allow(
    clippy::needless_borrow,
    reason = "the borrow of an alias is the case under test"
)]
pub fn by_reference(x: f64, w: [f64; 3], data: &[f64]) -> f64 {
    let d = data;
    weighted(x.sin(), &w, &d) + weighted(x, &[1.0, 0.0, 0.0], d)
}

#[test]
fn arguments_by_reference_match_oracle() {
    let (xs, _) = data(30, 14, |x| x);
    let w = [0.5, 0.25, 2.0];
    let weighted_ref = |x: D1, w: [f64; 3]| {
        let mut s = D1::from(0.0);
        for t in &xs {
            s += (x - *t) * (x - *t) * w[0] + x * w[1] + w[2];
        }
        s
    };
    Case::new([(-1.0, 1.0)]).check(generated!(by_reference, |[x]| (x, w, &xs)), |[x]| {
        weighted_ref(x.sin(), w) + weighted_ref(x, [1.0, 0.0, 0.0])
    });
}

type D1 = crate::oracle::Dual<1>;
