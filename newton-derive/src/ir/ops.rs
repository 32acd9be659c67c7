//! The one table of elementary functions: name, evaluation, and derivative.
//!
//! Adding a function means adding a variant, a row to [`Func::ALL`], an arm to [`Func::eval`] and
//! one to [`Func::derivative`]; the lowering, the error message's "supported:" list, the
//! emitter and the property test all read from here.

use super::graph::{Graph, Id};

/// An elementary function of one argument, written as a method: `x.sin()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Func {
    Sqrt,
    Cbrt,
    Exp,
    Exp2,
    Ln,
    Log10,
    Log2,
    Sin,
    Cos,
    Tan,
    Tanh,
    Sinh,
    Cosh,
    Atan,
    Asin,
    Acos,
    Recip,
    /// Not smooth at 0: its derivative is `signum`, whose derivative is taken as 0.
    Abs,
    /// Piecewise constant: derivative 0 everywhere it exists.
    Signum,
}

impl Func {
    /// Every function with its method name, in the order error messages list them.
    pub const ALL: [(Func, &'static str); 19] = [
        (Func::Sqrt, "sqrt"),
        (Func::Cbrt, "cbrt"),
        (Func::Exp, "exp"),
        (Func::Exp2, "exp2"),
        (Func::Ln, "ln"),
        (Func::Log10, "log10"),
        (Func::Log2, "log2"),
        (Func::Sin, "sin"),
        (Func::Cos, "cos"),
        (Func::Tan, "tan"),
        (Func::Tanh, "tanh"),
        (Func::Sinh, "sinh"),
        (Func::Cosh, "cosh"),
        (Func::Atan, "atan"),
        (Func::Asin, "asin"),
        (Func::Acos, "acos"),
        (Func::Recip, "recip"),
        (Func::Abs, "abs"),
        (Func::Signum, "signum"),
    ];

    /// Looks a method name up.
    pub fn from_name(name: &str) -> Option<Func> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|&(f, _)| f)
    }

    /// Returns the method name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map(|&(_, n)| n)
            .expect("every Func is listed")
    }

    /// Evaluates the function, as Rust's `f64` method does.
    pub fn eval(self, x: f64) -> f64 {
        match self {
            Func::Sqrt => x.sqrt(),
            Func::Cbrt => x.cbrt(),
            Func::Exp => x.exp(),
            Func::Exp2 => x.exp2(),
            Func::Ln => x.ln(),
            Func::Log10 => x.log10(),
            Func::Log2 => x.log2(),
            Func::Sin => x.sin(),
            Func::Cos => x.cos(),
            Func::Tan => x.tan(),
            Func::Tanh => x.tanh(),
            Func::Sinh => x.sinh(),
            Func::Cosh => x.cosh(),
            Func::Atan => x.atan(),
            Func::Asin => x.asin(),
            Func::Acos => x.acos(),
            Func::Recip => x.recip(),
            Func::Abs => x.abs(),
            Func::Signum => {
                if x == 0.0 {
                    0.0
                } else {
                    x.signum()
                }
            }
        }
    }

    /// Builds `f′(u)` for `node = f(u)`, reusing `node` where `f′` is a function of `f`
    /// (`exp′ = exp`, `tanh′ = 1 − tanh²`) so the value and its derivatives share work.
    /// Returns `None` when the derivative is identically zero.
    pub fn derivative(self, g: &mut Graph, node: Id, u: Id) -> Option<Id> {
        let one = g.constant(1.0);
        Some(match self {
            // ½ / √u
            Func::Sqrt => {
                let half = g.constant(0.5);
                g.div(half, node)
            }
            // ⅓ / ∛u²
            Func::Cbrt => {
                let third = g.constant(1.0 / 3.0);
                let sq = g.mul(node, node);
                g.div(third, sq)
            }
            Func::Exp => node,
            Func::Exp2 => {
                let ln2 = g.constant(core::f64::consts::LN_2);
                g.mul(ln2, node)
            }
            Func::Ln => g.call(Func::Recip, u),
            Func::Log10 => {
                let c = g.constant(core::f64::consts::LN_10);
                let d = g.mul(c, u);
                g.call(Func::Recip, d)
            }
            Func::Log2 => {
                let c = g.constant(core::f64::consts::LN_2);
                let d = g.mul(c, u);
                g.call(Func::Recip, d)
            }
            Func::Sin => g.call(Func::Cos, u),
            Func::Cos => {
                let s = g.call(Func::Sin, u);
                g.neg(s)
            }
            // 1 + tan²u
            Func::Tan => {
                let sq = g.mul(node, node);
                g.add(one, sq)
            }
            // 1 − tanh²u
            Func::Tanh => {
                let sq = g.mul(node, node);
                g.sub(one, sq)
            }
            Func::Sinh => g.call(Func::Cosh, u),
            Func::Cosh => g.call(Func::Sinh, u),
            // 1 / (1 + u²)
            Func::Atan => {
                let sq = g.mul(u, u);
                let d = g.add(one, sq);
                g.call(Func::Recip, d)
            }
            // ±1 / √(1 − u²)
            Func::Asin | Func::Acos => {
                let sq = g.mul(u, u);
                let d = g.sub(one, sq);
                let root = g.call(Func::Sqrt, d);
                let inv = g.call(Func::Recip, root);
                if self == Func::Asin {
                    inv
                } else {
                    g.neg(inv)
                }
            }
            // −1/u², from the node itself
            Func::Recip => {
                let sq = g.mul(node, node);
                g.neg(sq)
            }
            Func::Abs => g.call(Func::Signum, u),
            Func::Signum => return None,
        })
    }
}

/// A comparison in a condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Cmp {
    /// Evaluates the comparison.
    #[expect(clippy::float_cmp, reason = "the user's `==` means exact equality")]
    pub fn eval(self, a: f64, b: f64) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
        }
    }
}
