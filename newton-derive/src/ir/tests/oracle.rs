//! Random expressions, differentiated by `differentiate` and evaluated by `eval`, against
//! `num-dual`'s hyper-dual numbers on the same expression.

use std::cell::RefCell;
use std::collections::BTreeSet;

use num_dual::{DualNum, HyperDual64};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};

use super::*;

/// Externs every expression may read (`e0`, `e1`, `e2`).
const EXTERNS: usize = 3;

/// A boolean on externs only, as the lowering guarantees for `Select` conditions.
#[derive(Clone, Debug)]
enum Cond {
    Cmp(Cmp, usize, usize),
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

/// An expression tree; the generator keeps every function inside its smooth domain.
#[derive(Clone, Debug)]
enum Tree {
    Input(u32),
    Extern(usize),
    Const(f64),
    Add(Box<Tree>, Box<Tree>),
    Sub(Box<Tree>, Box<Tree>),
    Mul(Box<Tree>, Box<Tree>),
    Div(Box<Tree>, Box<Tree>),
    Neg(Box<Tree>),
    Call(Func, Box<Tree>),
    Powi(Box<Tree>, i32),
    Powf(Box<Tree>, Box<Tree>),
    Atan2(Box<Tree>, Box<Tree>),
    Hypot(Box<Tree>, Box<Tree>),
    Max(Box<Tree>, Box<Tree>),
    Min(Box<Tree>, Box<Tree>),
    Select(Cond, Box<Tree>, Box<Tree>),
}

/// `1 + u²` or `exp(u)`: strictly positive, for logarithms, roots and `powf` bases.
fn positive(u: Tree, exp: bool) -> Tree {
    if exp {
        Tree::Call(Func::Exp, u.into())
    } else {
        Tree::Add(
            Box::new(Tree::Const(1.0)),
            Box::new(Tree::Mul(u.clone().into(), u.into())),
        )
    }
}

/// `c·sin(u)`: inside `[−c, c]`.
fn bounded(c: f64, u: Tree) -> Tree {
    Tree::Mul(
        Tree::Const(c).into(),
        Box::new(Tree::Call(Func::Sin, u.into())),
    )
}

/// Puts `u` in the domain where `f` is smooth.
fn domain(f: Func, u: Tree, alt: bool) -> Tree {
    match f {
        Func::Sqrt | Func::Cbrt | Func::Ln | Func::Log10 | Func::Log2 | Func::Recip => {
            positive(u, alt)
        }
        Func::Tan => bounded(1.2, u),
        Func::Asin | Func::Acos | Func::Atanh => bounded(0.9, u),
        Func::Ln1p => positive(u, alt),
        Func::Acosh => Tree::Add(Box::new(Tree::Const(0.5)), Box::new(positive(u, alt))),
        _ => u,
    }
}

fn cond() -> impl Strategy<Value = Cond> {
    let cmp = select(vec![Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge, Cmp::Eq, Cmp::Ne]);
    let leaf = (cmp, 0..EXTERNS, 0..EXTERNS).prop_map(|(op, a, c)| Cond::Cmp(op, a, c));
    leaf.prop_recursive(2, 4, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| Cond::Not(c.into())),
            (inner.clone(), inner.clone()).prop_map(|(a, c)| Cond::And(a.into(), c.into())),
            (inner.clone(), inner).prop_map(|(a, c)| Cond::Or(a.into(), c.into())),
        ]
    })
}

/// Trees of depth ≤ 5 (before domain wrapping) over inputs `0..dim`.
fn tree(dim: u32) -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        12 => (0..dim).prop_map(Tree::Input),
        4 => (0..EXTERNS).prop_map(Tree::Extern),
        4 => (-8i32..=8).prop_map(|k| Tree::Const(f64::from(k) * 0.25)),
        1 => extreme_constant().prop_map(Tree::Const),
    ];
    let funcs: Vec<Func> = Func::ALL.iter().map(|&(f, _)| f).collect();
    // Up to 5 levels; the size target makes most trees use every input, so most cases
    // check a full Hessian.
    leaf.prop_recursive(5, 128, 1, move |inner| {
        let t = || inner.clone();
        prop_oneof![
            1 => (t(), t()).prop_map(|(u, v)| Tree::Add(u.into(), v.into())),
            1 => (t(), t()).prop_map(|(u, v)| Tree::Sub(u.into(), v.into())),
            1 => (t(), t()).prop_map(|(u, v)| Tree::Mul(u.into(), v.into())),
            1 => (t(), t(), any::<bool>()).prop_map(|(u, v, alt)| {
                let den = if alt {
                    Tree::Add(Box::new(Tree::Const(2.0)), Box::new(Tree::Call(Func::Sin, v.into())))
                } else {
                    positive(v, false)
                };
                Tree::Div(u.into(), den.into())
            }),
            1 => t().prop_map(|u| Tree::Neg(u.into())),
            4 => (select(funcs.clone()), t(), any::<bool>())
                .prop_map(|(f, u, alt)| Tree::Call(f, Box::new(domain(f, u, alt)))),
            1 => (t(), -3i32..=4, any::<bool>()).prop_map(|(u, n, alt)| {
                let base = if n < 0 { positive(u, alt) } else { u };
                Tree::Powi(base.into(), n)
            }),
            // every exponent `powi` accepts, on a base close enough to 1 that the power
            // stays finite
            1 => (t(), large_exponent()).prop_map(|(u, n)| Tree::Powi(Box::new(near_one(u, n)), n)),
            // `powf` with a constant, an extern and a variable exponent: the two branches
            // of its derivative rule
            1 => (t(), -10i32..=10, any::<bool>()).prop_map(|(u, k, alt)| {
                let c = Tree::Const(f64::from(k) * 0.3);
                Tree::Powf(Box::new(positive(u, alt)), c.into())
            }),
            // whole exponents of every size (the simplifier turns small ones into `powi`),
            // and fractional ones
            1 => (t(), large_exponent(), any::<bool>()).prop_map(|(u, n, fractional)| {
                let c = f64::from(n) + if fractional { 0.375 } else { 0.0 };
                Tree::Powf(Box::new(near_one(u, n)), Tree::Const(c).into())
            }),
            1 => (t(), 0..EXTERNS, any::<bool>()).prop_map(|(u, k, alt)| {
                Tree::Powf(Box::new(positive(u, alt)), Tree::Extern(k).into())
            }),
            1 => (t(), t(), any::<bool>()).prop_map(|(u, v, alt)| {
                Tree::Powf(Box::new(positive(u, alt)), v.into())
            }),
            // away from the origin and from the branch cut on the negative x axis
            1 => (t(), t(), any::<bool>()).prop_map(|(u, v, flip)| if flip {
                Tree::Atan2(Box::new(positive(u, false)), v.into())
            } else {
                Tree::Atan2(u.into(), Box::new(positive(v, false)))
            }),
            1 => (t(), t(), any::<bool>()).prop_map(|(u, v, flip)| if flip {
                Tree::Hypot(Box::new(positive(u, false)), v.into())
            } else {
                Tree::Hypot(u.into(), Box::new(positive(v, false)))
            }),
            1 => (t(), t(), any::<bool>()).prop_map(|(u, v, max)| if max {
                Tree::Max(u.into(), v.into())
            } else {
                Tree::Min(u.into(), v.into())
            }),
            1 => (cond(), t(), t()).prop_map(|(c, u, v)| Tree::Select(c, u.into(), v.into())),
        ]
    })
}

/// Constants of every magnitude, `±1e-300 … ±1e300`, subnormals and both zeros: folding must
/// give what the original code computes, including where a product overflows or underflows.
fn extreme_constant() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-300i32..=300, any::<bool>()).prop_map(|(k, negative)| {
            let c = 10f64.powi(k);
            if negative {
                -c
            } else {
                c
            }
        }),
        Just(-0.0),
        Just(0.0),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
        Just(f64::MAX),
        Just(f64::EPSILON),
    ]
}

/// `powi` exponents over the whole `i32` range, weighted towards the edges where squaring and
/// negation change behaviour (±16, ±17, ±32, ±34) and towards the extremes.
fn large_exponent() -> impl Strategy<Value = i32> {
    prop_oneof![
        3 => -70i32..=70,
        1 => select(vec![-34, -33, -32, -18, -17, -16, 16, 17, 18, 32, 33, 34]),
        1 => any::<i32>(),
        1 => select(vec![i32::MIN, i32::MIN + 1, i32::MAX, i32::MAX - 1]),
    ]
}

/// `1 + sin(u)/(2|n|)`: within `1 ± 1/(2|n|)`, so `baseⁿ` stays within about `e^(±½)` and its
/// derivatives stay of order one for every exponent `n`.
fn near_one(u: Tree, n: i32) -> Tree {
    let scale = 0.5 / f64::from(n).abs().max(1.0);
    Tree::Add(
        Box::new(Tree::Const(1.0)),
        Box::new(Tree::Mul(
            Tree::Const(scale).into(),
            Box::new(Tree::Call(Func::Sin, u.into())),
        )),
    )
}

impl Cond {
    fn build(&self, g: &mut Graph, e: &[Id]) -> Id {
        match self {
            Cond::Cmp(op, a, c) => g.cmp(*op, e[*a], e[*c]),
            Cond::Not(a) => {
                let a = a.build(g, e);
                g.not(a)
            }
            Cond::And(a, c) => {
                let (a, c) = (a.build(g, e), c.build(g, e));
                g.and(a, c)
            }
            Cond::Or(a, c) => {
                let (a, c) = (a.build(g, e), c.build(g, e));
                g.or(a, c)
            }
        }
    }

    fn eval(&self, e: &[f64]) -> bool {
        match self {
            Cond::Cmp(op, a, c) => op.eval(e[*a], e[*c]),
            Cond::Not(a) => !a.eval(e),
            Cond::And(a, c) => a.eval(e) && c.eval(e),
            Cond::Or(a, c) => a.eval(e) || c.eval(e),
        }
    }
}

impl Tree {
    /// Builds the tree through the smart constructors.
    fn build(&self, g: &mut Graph, x: &[Id], e: &[Id]) -> Id {
        let two = |g: &mut Graph, u: &Tree, v: &Tree| (u.build(g, x, e), v.build(g, x, e));
        match self {
            Tree::Input(k) => x[*k as usize],
            Tree::Extern(k) => e[*k],
            Tree::Const(c) => g.constant(*c),
            Tree::Add(u, v) => {
                let (u, v) = two(g, u, v);
                g.add(u, v)
            }
            Tree::Sub(u, v) => {
                let (u, v) = two(g, u, v);
                g.sub(u, v)
            }
            Tree::Mul(u, v) => {
                let (u, v) = two(g, u, v);
                g.mul(u, v)
            }
            Tree::Div(u, v) => {
                let (u, v) = two(g, u, v);
                g.div(u, v)
            }
            Tree::Neg(u) => {
                let u = u.build(g, x, e);
                g.neg(u)
            }
            Tree::Call(f, u) => {
                let u = u.build(g, x, e);
                g.call(*f, u)
            }
            Tree::Powi(u, n) => {
                let u = u.build(g, x, e);
                g.powi(u, *n)
            }
            Tree::Powf(u, v) => {
                let (u, v) = two(g, u, v);
                g.powf(u, v)
            }
            Tree::Atan2(u, v) => {
                let (u, v) = two(g, u, v);
                g.atan2(u, v)
            }
            Tree::Hypot(u, v) => {
                let (u, v) = two(g, u, v);
                g.hypot(u, v)
            }
            Tree::Max(u, v) => {
                let (u, v) = two(g, u, v);
                g.max(u, v)
            }
            Tree::Min(u, v) => {
                let (u, v) = two(g, u, v);
                g.min(u, v)
            }
            Tree::Select(c, u, v) => {
                let c = c.build(g, e);
                let (u, v) = two(g, u, v);
                g.select(c, u, v)
            }
        }
    }

    /// Evaluates the tree in dual arithmetic. Sets `unstable` when an `abs` or `signum`
    /// argument is so close to 0 that rounding could flip its sign between evaluations.
    fn dual<D: DualNum<f64> + Copy>(&self, x: &[D], e: &[f64], unstable: &mut bool) -> D {
        let r = self.dual_node(x, e, unstable);
        // Huge or non-finite intermediates leave the region where either evaluation is
        // accurate (num-dual's `powf` loses a huge base entirely).
        let v = r.re();
        *unstable |= !v.is_finite() || v.abs() > 1e8;
        r
    }

    fn dual_node<D: DualNum<f64> + Copy>(&self, x: &[D], e: &[f64], unstable: &mut bool) -> D {
        let mut go = |t: &Tree| t.dual(x, e, unstable);
        match self {
            Tree::Input(k) => x[*k as usize],
            Tree::Extern(k) => D::from(e[*k]),
            Tree::Const(c) => D::from(*c),
            Tree::Add(u, v) => go(u) + go(v),
            Tree::Sub(u, v) => go(u) - go(v),
            Tree::Mul(u, v) => go(u) * go(v),
            Tree::Div(u, v) => go(u) / go(v),
            Tree::Neg(u) => -go(u),
            Tree::Call(f, u) => {
                let u = go(u);
                call(*f, u, unstable)
            }
            // num-dual's `powi` forms n·(n − 1) in `i32`, which overflows beyond |n| = 46 340;
            // there the base is positive (`near_one`) and `powf` gives the same derivatives
            Tree::Powi(u, n) if n.unsigned_abs() > 46_340 => go(u).powf(f64::from(*n)),
            Tree::Powi(u, n) => go(u).powi(*n),
            Tree::Powf(u, v) => {
                let base = go(u);
                match **v {
                    Tree::Const(c) => base.powf(c),
                    Tree::Extern(k) => base.powf(e[k]),
                    _ => base.powd(go(v)),
                }
            }
            Tree::Atan2(u, v) => go(u).atan2(go(v)),
            // num-dual has no `hypot`; away from the origin it is this
            Tree::Hypot(u, v) => {
                let (u, v) = (go(u), go(v));
                (u * u + v * v).sqrt()
            }
            // the active operand, away from ties
            Tree::Max(u, v) | Tree::Min(u, v) => {
                let (u, v) = (go(u), go(v));
                *unstable |= (u.re() - v.re()).abs() < 1e-6;
                let u_larger = u.re() >= v.re();
                if u_larger == matches!(self, Tree::Max(..)) {
                    u
                } else {
                    v
                }
            }
            Tree::Select(c, u, v) => {
                if c.eval(e) {
                    go(u)
                } else {
                    go(v)
                }
            }
        }
    }

    /// Evaluates the tree as the user's original function would: plain `f64` with Rust's own
    /// methods (`powi`, `hypot`), in the order written.
    fn plain(&self, x: &[f64], e: &[f64]) -> f64 {
        let go = |t: &Tree| t.plain(x, e);
        match self {
            Tree::Input(k) => x[*k as usize],
            Tree::Extern(k) => e[*k],
            Tree::Const(c) => *c,
            Tree::Add(u, v) => go(u) + go(v),
            Tree::Sub(u, v) => go(u) - go(v),
            Tree::Mul(u, v) => go(u) * go(v),
            Tree::Div(u, v) => go(u) / go(v),
            Tree::Neg(u) => -go(u),
            Tree::Call(f, u) => f.eval(go(u)),
            Tree::Powi(u, n) => go(u).powi(*n),
            Tree::Powf(u, v) => go(u).powf(go(v)),
            Tree::Atan2(u, v) => go(u).atan2(go(v)),
            Tree::Hypot(u, v) => go(u).hypot(go(v)),
            Tree::Max(u, v) => go(u).max(go(v)),
            Tree::Min(u, v) => go(u).min(go(v)),
            Tree::Select(c, u, v) => {
                if c.eval(e) {
                    go(u)
                } else {
                    go(v)
                }
            }
        }
    }

    /// The largest `|n|` of a `powi` or constant `powf` exponent in the tree.
    fn largest_exponent(&self) -> f64 {
        let own = match self {
            Tree::Powi(_, n) => f64::from(n.unsigned_abs()),
            Tree::Powf(_, v) => match **v {
                Tree::Const(c) => c.abs(),
                _ => 0.0,
            },
            _ => 0.0,
        };
        let children = self
            .children()
            .into_iter()
            .fold(0.0, |m: f64, c| m.max(c.largest_exponent()));
        own.max(children)
    }

    /// Records the operations of the tree, for the coverage check.
    fn ops(&self, seen: &mut BTreeSet<String>) {
        let name = match self {
            Tree::Input(_) => "input".to_owned(),
            Tree::Extern(_) => "extern".to_owned(),
            Tree::Const(c) if c.abs() > 1e100 || (*c != 0.0 && c.abs() < 1e-100) => {
                "const-extreme".to_owned()
            }
            Tree::Const(c) if *c == 0.0 && c.is_sign_negative() => "const-negative-zero".to_owned(),
            Tree::Const(_) => "const".to_owned(),
            Tree::Add(..) => "add".to_owned(),
            Tree::Sub(..) => "sub".to_owned(),
            Tree::Mul(..) => "mul".to_owned(),
            Tree::Div(..) => "div".to_owned(),
            Tree::Neg(_) => "neg".to_owned(),
            Tree::Call(f, _) => f.name().to_owned(),
            Tree::Powi(_, n) if (-3..=4).contains(n) => format!("powi{n}"),
            Tree::Powi(_, n) if n.unsigned_abs() > 46_340 => "powi-huge".to_owned(),
            Tree::Powi(_, n) if *n < -16 => "powi-below-16".to_owned(),
            Tree::Powi(..) => "powi-other".to_owned(),
            Tree::Powf(_, v) => match **v {
                Tree::Const(_) => "powf-const".to_owned(),
                Tree::Extern(_) => "powf-extern".to_owned(),
                _ => "powf-variable".to_owned(),
            },
            Tree::Atan2(..) => "atan2".to_owned(),
            Tree::Hypot(..) => "hypot".to_owned(),
            Tree::Max(..) => "max".to_owned(),
            Tree::Min(..) => "min".to_owned(),
            Tree::Select(..) => "select".to_owned(),
        };
        seen.insert(name);
        for child in self.children() {
            child.ops(seen);
        }
    }

    /// The tree's operands, in order (a `Select`'s condition is not a tree).
    fn children(&self) -> Vec<&Tree> {
        match self {
            Tree::Input(_) | Tree::Extern(_) | Tree::Const(_) => vec![],
            Tree::Neg(u) | Tree::Call(_, u) | Tree::Powi(u, _) => vec![u],
            Tree::Add(u, v)
            | Tree::Sub(u, v)
            | Tree::Mul(u, v)
            | Tree::Div(u, v)
            | Tree::Powf(u, v)
            | Tree::Atan2(u, v)
            | Tree::Hypot(u, v)
            | Tree::Max(u, v)
            | Tree::Min(u, v)
            | Tree::Select(_, u, v) => vec![u, v],
        }
    }
}

fn call<D: DualNum<f64> + Copy>(f: Func, u: D, unstable: &mut bool) -> D {
    // Periodic functions amplify the last bits of a large argument, which the two
    // evaluations may round differently.
    *unstable |= matches!(f, Func::Sin | Func::Cos) && u.re().abs() > 1e3;
    // tanh′ = (1 − tanh)(1 + tanh) is 0 once tanh rounds to ±1 (|u| > 19): an absolute error
    // below 1e-16 that a huge inner derivative can amplify past any relative tolerance.
    *unstable |= f == Func::Tanh && u.re().abs() > 15.0;
    match f {
        Func::Sqrt => u.sqrt(),
        Func::Cbrt => u.cbrt(),
        Func::Exp => u.exp(),
        Func::Exp2 => u.exp2(),
        Func::Ln => u.ln(),
        Func::Log10 => u.log10(),
        Func::Log2 => u.log2(),
        Func::Sin => u.sin(),
        Func::Cos => u.cos(),
        Func::Tan => u.tan(),
        Func::Tanh => u.tanh(),
        Func::Sinh => u.sinh(),
        Func::Cosh => u.cosh(),
        Func::Atan => u.atan(),
        Func::Asin => u.asin(),
        Func::Acos => u.acos(),
        Func::Recip => u.recip(),
        Func::Asinh => u.asinh(),
        Func::Acosh => u.acosh(),
        Func::Atanh => u.atanh(),
        Func::Ln1p => u.ln_1p(),
        Func::ExpM1 => u.exp_m1(),
        // Piecewise constant, and `fract`'s slope 1, away from the jumps (at integers, and at
        // half-integers for the rounding functions).
        Func::Floor
        | Func::Ceil
        | Func::Round
        | Func::RoundTiesEven
        | Func::Trunc
        | Func::Fract => {
            let x = u.re();
            let to_jump = (x - x.round()).abs().min((x.fract().abs() - 0.5).abs());
            *unstable |= to_jump < 1e-6;
            let step = D::from(f.eval(x));
            if f == Func::Fract {
                u - D::from(x.trunc())
            } else {
                step
            }
        }
        Func::Abs | Func::Signum => {
            *unstable |= u.re().abs() < 1e-6;
            if f == Func::Abs {
                u.abs()
            } else {
                u.signum()
            }
        }
    }
}

/// One random case: an expression over `dim` inputs, a point and extern values.
#[derive(Clone, Debug)]
struct Case {
    dim: u32,
    tree: Tree,
    x: Vec<f64>,
    e: Vec<f64>,
}

fn case() -> impl Strategy<Value = Case> {
    (2u32..=3).prop_flat_map(|dim| {
        let coordinate = -2.0..2.0f64;
        (
            tree(dim),
            proptest::collection::vec(coordinate.clone(), dim as usize),
            proptest::collection::vec(coordinate, EXTERNS),
        )
            .prop_map(move |(tree, x, e)| Case { dim, tree, x, e })
    })
}

/// Value, gradient and full upper-triangle Hessian by num-dual, or `None` when the case is
/// outside the region where the comparison is meaningful.
struct Expected {
    value: f64,
    gradient: Vec<f64>,
    hessian: Vec<Vec<f64>>,
}

fn expected(case: &Case) -> Option<Expected> {
    let n = case.dim as usize;
    let mut unstable = false;
    let mut value = 0.0;
    let mut gradient = vec![0.0; n];
    let mut hessian = vec![vec![0.0; n]; n];
    for (j, row) in hessian.iter_mut().enumerate() {
        for (k, entry) in row.iter_mut().enumerate().skip(j) {
            let seeded: Vec<HyperDual64> = case
                .x
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let unit = |m: usize| if i == m { 1.0 } else { 0.0 };
                    HyperDual64::new(v, unit(j), unit(k), 0.0)
                })
                .collect();
            let r = case.tree.dual(&seeded, &case.e, &mut unstable);
            value = r.re;
            if j == k {
                gradient[j] = r.eps1;
            }
            *entry = r.eps1eps2;
        }
    }
    let tame = std::iter::once(value)
        .chain(gradient.iter().copied())
        .chain(hessian.iter().flatten().copied())
        .all(|v| v.is_finite() && v.abs() <= 1e8);
    (tame && !unstable).then_some(Expected {
        value,
        gradient,
        hessian,
    })
}

/// `|actual − expected| ≤ tol · max(|expected|, scale)`.
fn close(actual: f64, expected: f64, scale: f64, tol: f64) -> bool {
    (actual - expected).abs() <= tol * expected.abs().max(scale)
}

/// The relative tolerance against num-dual: 1e-9, or what `powi` itself guarantees for a huge
/// exponent. Rust's `powi` multiplies by repeated squaring and its relative error grows with
/// `|n|` (4e-9 at n = 6·10⁸, against num-dual's `powf` there), in the original function and the
/// generated code alike; exponents up to 70, where an off-by-two power would hide, keep 1e-9.
fn tolerance(tree: &Tree) -> f64 {
    1e-9f64.max(64.0 * tree.largest_exponent() * f64::EPSILON)
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let Some(want) = expected(case) else {
        return Err(TestCaseError::reject("outside the tame region"));
    };
    let mut g = Graph::new();
    let x: Vec<Id> = (0..case.dim).map(|k| g.intern(Node::Input(k))).collect();
    let e: Vec<Id> = (0..EXTERNS).map(|_| g.new_extern(None)).collect();
    let root = case.tree.build(&mut g, &x, &e);
    let d = differentiate(&mut g, root, case.dim);
    let at = |id: Id| eval(&g, id, &case.x, &case.e);
    let scale = 1.0
        + std::iter::once(want.value)
            .chain(want.gradient.iter().copied())
            .chain(want.hessian.iter().flatten().copied())
            .fold(0.0f64, |m, v| m.max(v.abs()));
    let describe = |id: Id| sexpr(&g, id);
    let tol = tolerance(&case.tree);

    let value = at(d.value);
    // The generated value is the original function's, to rounding: the simplifier may
    // reorder and fold, never compute a different function.
    let original = case.tree.plain(&case.x, &case.e);
    prop_assert!(
        (value - original).abs() <= 1e-12 * original.abs().max(scale),
        "value {value} ≠ {original} computed by the original function, for {}",
        describe(d.value)
    );
    prop_assert!(
        close(value, want.value, scale, tol),
        "value {value} ≠ {} for {}",
        want.value,
        describe(d.value)
    );
    for (k, (&id, &w)) in d.gradient.iter().zip(&want.gradient).enumerate() {
        let v = at(id);
        prop_assert!(
            close(v, w, scale, tol),
            "∂f/∂x{k} = {v} ≠ {w} for {}",
            describe(id)
        );
    }
    // Listed entries: upper triangle, row-major, each once, equal to the oracle.
    let positions: Vec<(u32, u32)> = d.hessian.iter().map(|&(j, k, _)| (j, k)).collect();
    prop_assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "not row-major: {positions:?}"
    );
    for &(j, k, id) in &d.hessian {
        prop_assert!(
            j <= k && k < case.dim,
            "({j}, {k}) outside the upper triangle"
        );
        let v = at(id);
        let w = want.hessian[j as usize][k as usize];
        prop_assert!(
            close(v, w, scale, tol),
            "∂²f/∂x{j}∂x{k} = {v} ≠ {w} for {}",
            describe(id)
        );
    }
    // Unlisted entries are zeros. Usually num-dual finds exactly 0 there too, but where the
    // simplifier proves a cancellation (`2^(−x)·2^(x+y)` does not depend on `x`) num-dual
    // is left with rounding, hence the tolerance.
    for j in 0..case.dim {
        for k in j..case.dim {
            if !positions.contains(&(j, k)) {
                let w = want.hessian[j as usize][k as usize];
                prop_assert!(
                    close(0.0, w, scale, tol),
                    "∂²f/∂x{j}∂x{k} is not listed but num-dual gives {w}"
                );
            }
        }
    }
    Ok(())
}

/// Accepted cases of the property test.
const CASES: u32 = 10_000;

/// Every node kind, every `Func`, `powi` exponents over the whole `i32` range, both `powf`
/// rules and constants of every magnitude, against num-dual at random points, and the value
/// against the original function.
#[test]
fn derivatives_match_num_dual() {
    let config = Config {
        cases: CASES,
        max_global_rejects: 4 * CASES,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x6e65_7774_6f6e),
        ..Config::default()
    };
    let seen = RefCell::new(BTreeSet::new());
    let rejected = RefCell::new(0u32);
    let mut runner = TestRunner::new(config);
    let result = runner.run(&case(), |case| {
        let outcome = check(&case);
        match &outcome {
            Ok(()) => case.tree.ops(&mut seen.borrow_mut()),
            Err(TestCaseError::Reject(_)) => *rejected.borrow_mut() += 1,
            Err(TestCaseError::Fail(_)) => {}
        }
        outcome
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let seen = seen.into_inner();
    let mut wanted: Vec<String> = [
        "input",
        "extern",
        "const",
        "add",
        "sub",
        "mul",
        "div",
        "neg",
        "powf-const",
        "powf-extern",
        "powf-variable",
        "atan2",
        "hypot",
        "max",
        "min",
        "select",
    ]
    .iter()
    .map(|&s| s.to_owned())
    .collect();
    wanted.extend(Func::ALL.iter().map(|(_, n)| (*n).to_owned()));
    wanted.extend((-3..=4).map(|n| format!("powi{n}")));
    wanted.extend(
        [
            "powi-huge",
            "powi-below-16",
            "powi-other",
            "const-extreme",
            "const-negative-zero",
        ]
        .map(str::to_owned),
    );
    let missing: Vec<&String> = wanted.iter().filter(|w| !seen.contains(*w)).collect();
    assert!(missing.is_empty(), "never exercised: {missing:?}");
    // The tame region must be most of the space, or the test checks little.
    assert!(
        rejected.into_inner() < CASES,
        "too many cases outside the tame region"
    );
}
