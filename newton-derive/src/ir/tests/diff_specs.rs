use super::*;

/// Prints `∂f/∂x_var` of the expression `build` makes.
fn d(var: u32, build: impl FnOnce(&mut Graph, [Id; 4]) -> Id) -> String {
    let (mut g, f) = graph(build);
    let df = derivative(&mut g, &[f], var)[0];
    sexpr(&g, df)
}

macro_rules! specs {
    ($($name:ident: wrt $var:literal, $build:expr => $want:expr;)*) => {$(
        #[test]
        fn $name() {
            assert_eq!(d($var, $build), $want);
        }
    )*};
}

specs! {
    square: wrt 0, |g, [x, ..]| g.mul(x, x) => "(* 2 x0)";
    product_left: wrt 0, |g, [x, y, ..]| g.mul(x, y) => "x1";
    product_right: wrt 1, |g, [x, y, ..]| g.mul(x, y) => "x0";
    sin: wrt 0, |g, [x, ..]| g.call(Func::Sin, x) => "(cos x0)";
    cos: wrt 0, |g, [x, ..]| g.call(Func::Cos, x) => "(neg (sin x0))";
    ln: wrt 0, |g, [x, ..]| g.call(Func::Ln, x) => "(recip x0)";
    exp: wrt 0, |g, [x, ..]| g.call(Func::Exp, x) => "(exp x0)";
    signum_is_flat: wrt 0, |g, [x, ..]| g.call(Func::Signum, x) => "0";
    abs: wrt 0, |g, [x, ..]| g.call(Func::Abs, x) => "(signum x0)";
    chain: wrt 0, |g, [x, y, ..]| { let p = g.mul(x, y); g.call(Func::Sin, p) } => "(* x1 (cos (* x0 x1)))";
    independent: wrt 1, |g, [x, ..]| g.call(Func::Sin, x) => "0";
    externs_are_constants: wrt 0, |g, [x, _, e0, _]| g.mul(e0, x) => "e0";
    quotient_by_input: wrt 0, |g, [x, y, ..]| g.div(x, y) => "(recip x1)";
    quotient_reuses_quotient: wrt 1, |g, [x, y, ..]| g.div(x, y) => "(neg (/ (/ x0 x1) x1))";
    powi: wrt 0, |g, [x, ..]| g.powi(x, 3) => "(* 3 (* x0 x0))";
    powf_constant_exponent: wrt 0, |g, [x, _, e0, _]| g.powf(x, e0) => "(* e0 (powf x0 (- e0 1)))";
    powf_variable_exponent: wrt 1, |g, [x, y, ..]| g.powf(x, y) => "(* (powf x0 x1) (ln x0))";
    atan2: wrt 0, |g, [x, y, ..]| g.atan2(x, y) => "(/ x1 (+ (* x1 x1) (* x0 x0)))";
    hypot: wrt 0, |g, [x, y, ..]| g.hypot(x, y) => "(/ x0 (hypot x0 x1))";
    select: wrt 0, |g, [x, _, e0, e1]| { let c = g.cmp(Cmp::Lt, e0, e1); let s = g.mul(x, x); g.select(c, s, x) } => "(select (lt e0 e1) (* 2 x0) 1)";
    select_same_derivative: wrt 0, |g, [x, _, e0, e1]| { let c = g.cmp(Cmp::Lt, e0, e1); let a = g.add(x, e0); let b = g.sub(x, e1); g.select(c, a, b) } => "1";
    sum: wrt 0, |g, [x, ..]| { let e = g.new_extern(Some(LoopId(0))); let t = g.mul(x, e); g.sum(LoopId(0), t) } => "(sum0 e2)";
}

/// The derivative of a quotient is built from the quotient node itself, not a second
/// division of the same operands.
#[test]
fn quotient_rule_shares_the_quotient_node() {
    let (mut g, q) = graph(|g, [x, y, ..]| g.div(x, y));
    let dq = derivative(&mut g, &[q], 1)[0];
    let Node::Neg(inner) = g.node(dq) else {
        panic!("expected a negation, got {}", sexpr(&g, dq))
    };
    assert_eq!(g.node(inner), Node::Div(q, Id(1)));
}

/// `exp′ = exp`: the derivative is the value's node.
#[test]
fn exp_derivative_is_the_value_node() {
    let (mut g, f) = graph(|g, [x, ..]| g.call(Func::Exp, x));
    assert_eq!(derivative(&mut g, &[f], 0), vec![f]);
}

fn hessian(dim: u32, build: impl FnOnce(&mut Graph, [Id; 4]) -> Id) -> Vec<(u32, u32, String)> {
    let (mut g, f) = graph(build);
    let d = differentiate(&mut g, f, dim);
    d.hessian
        .iter()
        .map(|&(j, k, id)| (j, k, sexpr(&g, id)))
        .collect()
}

#[test]
fn product_hessian_has_only_the_cross_term() {
    let h = hessian(2, |g, [x, y, ..]| g.mul(x, y));
    assert_eq!(h, vec![(0, 1, "1".to_owned())]);
}

#[test]
fn separable_hessian_is_diagonal() {
    let h = hessian(2, |g, [x, y, ..]| {
        let s = g.call(Func::Sin, x);
        let c = g.call(Func::Cos, y);
        g.add(s, c)
    });
    assert_eq!(
        h,
        vec![
            (0, 0, "(neg (sin x0))".to_owned()),
            (1, 1, "(neg (cos x1))".to_owned()),
        ]
    );
}

#[test]
fn linear_function_has_an_empty_hessian() {
    let (mut g, f) = graph(|g, [x, y, e0, _]| {
        let p = g.mul(e0, x);
        g.sub(p, y)
    });
    let d = differentiate(&mut g, f, 2);
    assert!(d.hessian.is_empty());
    let gradient: Vec<String> = d.gradient.iter().map(|&id| sexpr(&g, id)).collect();
    assert_eq!(gradient, ["e0", "-1"]);
}

/// Inputs the function does not use get a zero gradient and no Hessian row.
#[test]
fn unused_inputs_are_structural_zeros() {
    let (mut g, f) = graph(|g, [x, ..]| g.mul(x, x));
    let d = differentiate(&mut g, f, 3);
    let gradient: Vec<String> = d.gradient.iter().map(|&id| sexpr(&g, id)).collect();
    assert_eq!(gradient, ["(* 2 x0)", "0", "0"]);
    assert_eq!(d.hessian.len(), 1);
    assert_eq!((d.hessian[0].0, d.hessian[0].1), (0, 0));
    assert_eq!(g.as_const(d.hessian[0].2), Some(2.0));
}
