//! Rules chosen for precision, each checked against a reference that is exact given the same
//! inner values (`e^x`, `tanh x` as `f64`): integer arithmetic in `u128` on their binary
//! representations, so the test measures the error of the derivative's algebraic form alone.
//! num-dual on `f64` would not do: it makes the same kind of rounding the rules avoid.

use super::*;

/// `(m, k)` with `v = m·2^k`, `m` an integer below 2⁵³: the exact value of a positive normal
/// `f64`.
fn split(v: f64) -> (u128, i32) {
    assert!(v.is_normal() && v > 0.0);
    let bits = v.to_bits();
    let exponent = i32::try_from((bits >> 52) & 0x7ff).expect("an 11-bit exponent");
    let mantissa = u128::from((bits & ((1 << 52) - 1)) | (1 << 52));
    (mantissa, exponent - 1075)
}

/// Returns `|got − want| / ulp(want)` for `want = n / d` given exactly as integers.
#[expect(
    clippy::cast_precision_loss,
    reason = "rounding the exact reference once"
)]
fn ulps(got: f64, n: u128, d: u128) -> f64 {
    // `n / d` in f64: each conversion and the division round once, 1.5 ulp at most.
    let want = n as f64 / d as f64;
    let ulp = f64::from_bits(want.to_bits() + 1) - want;
    (got - want).abs() / ulp
}

/// Evaluates the second derivative of `f(x0)` at `x`.
fn second_derivative(build: impl FnOnce(&mut Graph, Id) -> Id, x: f64) -> f64 {
    let (mut g, f) = graph(|g, [x0, ..]| build(g, x0));
    let d = differentiate(&mut g, f, 1);
    let (_, _, h) = d.hessian[0];
    eval(&g, h, &[x, 0.0], &[0.0, 0.0])
}

fn softplus(g: &mut Graph, x: Id) -> Id {
    let e = g.call(Func::Exp, x);
    let one = g.constant(1.0);
    let s = g.add(e, one);
    g.call(Func::Ln, s)
}

/// softplus″ = `eˣ/(1 + eˣ)²` comes out as `σ·r` with `r = 1/(1 + eˣ)`, not `σ − σ²`, whose
/// cancellation loses `e^(−x)` of its precision (7 digits at x = 17, everything at x = 37).
#[test]
fn softplus_curvature_keeps_precision_in_the_tail() {
    for i in 0..=90 {
        let x = -8.0 + 0.5 * f64::from(i);
        let e = x.exp();
        if !(1.0..2f64.powi(50)).contains(&e) {
            continue;
        }
        // e = m·2^k with k ≤ 0 here; e/(1+e)² = m·2^(−k) / (2^(−k) + m)².
        let (m, k) = split(e);
        let (m, k) = (m >> k.max(0), u32::try_from(-k.min(0)).expect("k ≤ 0"));
        let n = m << k;
        let d = ((1u128 << k) + m) * ((1u128 << k) + m);
        let got = second_derivative(softplus, x);
        assert!(
            ulps(got, n, d) <= 4.0,
            "softplus″({x}) = {got}: {} ulps",
            ulps(got, n, d)
        );
        // The form the rule replaces, from the same e: far off in the tail.
        let sigma = e * (1.0 + e).recip();
        if x >= 20.0 {
            assert!(ulps(sigma - sigma * sigma, n, d) > 1e3);
        }
    }
}

/// tanh′ = `(1 − t)(1 + t)`, not `1 − t²`: exact to a few ulps as `|t| → 1`.
#[test]
fn tanh_derivative_keeps_precision_in_the_tail() {
    for i in 1..=36 {
        let x = 0.5 * f64::from(i);
        let t = x.tanh();
        if t >= 1.0 {
            break;
        }
        // t = m·2^k with k = −53 for t ∈ [0.5, 1): 1 − t² = (2^106 − m²) / 2^106.
        let (m, k) = split(t);
        if k != -53 {
            continue;
        }
        let (n, d) = ((1u128 << 106) - m * m, 1u128 << 106);
        let (mut g, f) = graph(|g, [x0, ..]| g.call(Func::Tanh, x0));
        let gradient = differentiate(&mut g, f, 1).gradient[0];
        let got = eval(&g, gradient, &[x, 0.0], &[0.0, 0.0]);
        assert!(
            ulps(got, n, d) <= 2.0,
            "tanh′({x}) = {got}: {} ulps",
            ulps(got, n, d)
        );
        if x >= 8.0 {
            assert!(ulps(1.0 - t * t, n, d) > 1.0);
        }
    }
}

/// The first derivative of `f(x0)` at `x`.
fn first_derivative(f: Func, x: f64) -> f64 {
    let (mut g, root) = graph(|g, [x0, ..]| g.call(f, x0));
    let gradient = differentiate(&mut g, root, 1).gradient[0];
    eval(&g, gradient, &[x, 0.0], &[0.0, 0.0])
}

/// atanh′ = `1/((1 − u)(1 + u))`, not `1/(1 − u²)`: as `u → 1`, `1 − u` is exact and `1 − u²`
/// is not. The reference is `1 − u²` exactly, so the test compares `1/atanh′`.
#[test]
fn atanh_derivative_keeps_precision_near_one() {
    for i in 1..=40 {
        let u = 1.0 - f64::from(i).powi(3) * 2f64.powi(-52);
        let (m, k) = split(u);
        assert_eq!(k, -53, "u ∈ [0.5, 1)");
        let (n, d) = ((1u128 << 106) - m * m, 1u128 << 106);
        let got = first_derivative(Func::Atanh, u).recip();
        assert!(
            ulps(got, n, d) <= 3.0,
            "1/atanh′({u}): {} ulps",
            ulps(got, n, d)
        );
        if i > 20 {
            assert!(ulps(1.0 - u * u, n, d) > 3.0);
        }
    }
}

/// acosh′ = `1/(√(u − 1)·√(u + 1))`, not `1/√(u² − 1)`: as `u → 1`, `u − 1` is exact and
/// `u² − 1` is not. The reference is `u² − 1` exactly, so the test compares `1/acosh′²`.
#[test]
fn acosh_derivative_keeps_precision_near_one() {
    for i in 1..=40 {
        let u = 1.0 + f64::from(i).powi(3) * 2f64.powi(-52);
        let (m, k) = split(u);
        assert_eq!(k, -52, "u ∈ [1, 2)");
        // u² − 1 = (m² − 2^104) / 2^104.
        let (n, d) = (m * m - (1u128 << 104), 1u128 << 104);
        let got = first_derivative(Func::Acosh, u).powi(-2);
        assert!(
            ulps(got, n, d) <= 6.0,
            "1/acosh′({u})²: {} ulps",
            ulps(got, n, d)
        );
        if i > 20 {
            assert!(ulps(u * u - 1.0, n, d) > 6.0);
        }
    }
}
