//! `OPS`, the operation counts of the emitted code, as evidence of what the expansion promises:
//! common subexpressions shared across the value, the gradient and every Hessian entry;
//! constants folded; structural zeros never computed; each function no bigger than the fused one.

use newton::{hessian, OpCount, Ops};

use crate::functions::{classic, data, methods, nd, sparse, stats};

/// `sin x`: `f = sin x`, `f′ = cos x`, `f″ = −sin x`.
#[hessian]
fn sine(x: f64) -> f64 {
    x.sin()
}

/// `exp(x y)`: one exponential serves the value, the gradient and all three Hessian entries.
#[hessian]
fn shared_exp(x: f64, y: f64) -> f64 {
    (x * y).exp()
}

/// `Σ exp xᵢ`: three exponentials, no off-diagonal work.
#[hessian]
fn separable_exp(x: [f64; 3]) -> f64 {
    x[0].exp() + x[1].exp() + x[2].exp()
}

#[test]
fn calls_are_shared_between_value_and_derivatives() {
    let (value, _, h) = sine::value_gradient_hessian(0.5);
    assert!((value - sine(0.5)).abs() < 1e-15 && (h[(0, 0)] + value).abs() < 1e-15);
    assert!((shared_exp::value_gradient(0.5, 2.0).0 - shared_exp(0.5, 2.0)).abs() < 1e-15);
    assert_eq!(
        sine::OPS.gradient.calls,
        1,
        "gradient of sin: cos only; {:?}",
        sine::OPS
    );
    assert_eq!(
        sine::OPS.hessian.calls,
        1,
        "hessian of sin: sin only; {:?}",
        sine::OPS
    );
    assert_eq!(
        sine::OPS.value_gradient_hessian.calls,
        2,
        "sin shared; {:?}",
        sine::OPS
    );

    let ops = shared_exp::OPS;
    assert_eq!(
        ops.value_gradient_hessian.calls, 1,
        "one exp(x y) for everything; {ops:?}"
    );
    assert_eq!(ops.gradient.calls, 1, "{ops:?}");
    assert_eq!(ops.hessian.calls, 1, "{ops:?}");
}

#[test]
fn structural_zeros_cost_nothing() {
    let at_zero = separable_exp::gradient([0.0; 3]).sum() - separable_exp([0.0; 3]);
    assert!(at_zero.abs() < 1e-15, "∇f(0) = (1, 1, 1), f(0) = 3");
    let ops = separable_exp::OPS;
    assert_eq!(ops.value_gradient_hessian.calls, 3, "{ops:?}");
    assert_eq!(separable_exp::SPARSITY, &[(0, 0), (1, 1), (2, 2)]);
    // Value: two additions; gradient and Hessian are the exponentials themselves.
    let arithmetic = ops.value_gradient_hessian.total() - ops.value_gradient_hessian.calls;
    assert!(
        arithmetic <= 2,
        "separable_exp does arithmetic beyond the value's sum: {ops:?}"
    );
}

#[test]
fn constant_hessians_are_folded() {
    assert_eq!(
        classic::booth::OPS.hessian,
        OpCount::default(),
        "booth's Hessian is constant"
    );
    assert_eq!(
        sparse::trid::OPS.hessian,
        OpCount::default(),
        "trid's Hessian is constant"
    );
    assert_eq!(
        data::fit::OPS.hessian.calls,
        0,
        "fit's Hessian needs no calls"
    );
}

#[test]
fn a_rolled_loop_counts_its_body_once() {
    let ops = data::fit::OPS.value_gradient_hessian;
    assert!(ops.total() < 40, "fit's fused body has {ops:?}");
    assert_eq!(ops.calls, 0, "{ops:?}");
    let ops = data::fit_exp::OPS.value_gradient_hessian;
    assert_eq!(ops.calls, 1, "one exp per data point, shared: {ops:?}");
}

#[test]
fn no_function_is_bigger_than_the_fused_one() {
    let all: [(&str, Ops); 9] = [
        ("himmelblau", classic::himmelblau::OPS),
        ("goldstein_price", classic::goldstein_price::OPS),
        ("easom", classic::easom::OPS),
        ("wood", nd::wood::OPS),
        ("zakharov", nd::zakharov::OPS),
        ("trigonometric", methods::trigonometric::OPS),
        ("powers", methods::powers::OPS),
        ("mixture_nll", stats::mixture_nll::OPS),
        ("weighted", data::weighted::OPS),
    ];
    for (name, ops) in all {
        let fused = ops.value_gradient_hessian;
        assert!(fused.total() > 0, "{name}: empty fused body {ops:?}");
        for (part, count) in [("gradient", ops.gradient), ("hessian", ops.hessian)] {
            assert!(
                count.total() <= fused.total() && count.calls <= fused.calls,
                "{name}: {part} ({count:?}) bigger than value_gradient_hessian ({fused:?})"
            );
        }
    }
}
