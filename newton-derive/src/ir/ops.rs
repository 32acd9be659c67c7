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
    Asinh,
    Acosh,
    Atanh,
    /// `ln(1 + u)`, accurate near `u = 0`.
    Ln1p,
    /// `exp(u) − 1`, accurate near `u = 0`.
    ExpM1,
    Recip,
    /// Not smooth at 0: its derivative is `signum`, whose derivative is taken as 0.
    Abs,
    /// Piecewise constant: derivative 0 everywhere it exists.
    Signum,
    /// Piecewise constant (`floor`, `ceil`, `round`, `round_ties_even`, `trunc`): derivative 0
    /// away from the jumps.
    Floor,
    Ceil,
    Round,
    RoundTiesEven,
    Trunc,
    /// `u − trunc(u)`: derivative 1 away from the jumps.
    Fract,
}

impl Func {
    /// Every function with its method name, in the order error messages list them.
    pub const ALL: [(Func, &'static str); 30] = [
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
        (Func::Asinh, "asinh"),
        (Func::Acosh, "acosh"),
        (Func::Atanh, "atanh"),
        (Func::Ln1p, "ln_1p"),
        (Func::ExpM1, "exp_m1"),
        (Func::Recip, "recip"),
        (Func::Abs, "abs"),
        (Func::Signum, "signum"),
        (Func::Floor, "floor"),
        (Func::Ceil, "ceil"),
        (Func::Round, "round"),
        (Func::RoundTiesEven, "round_ties_even"),
        (Func::Trunc, "trunc"),
        (Func::Fract, "fract"),
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
            Func::Asinh => x.asinh(),
            Func::Acosh => x.acosh(),
            Func::Atanh => x.atanh(),
            Func::Ln1p => x.ln_1p(),
            Func::ExpM1 => x.exp_m1(),
            Func::Floor => x.floor(),
            Func::Ceil => x.ceil(),
            Func::Round => x.round(),
            Func::RoundTiesEven => x.round_ties_even(),
            Func::Trunc => x.trunc(),
            Func::Fract => x.fract(),
            Func::Recip => x.recip(),
            Func::Abs => x.abs(),
            // Rust's: ±1 by the sign bit, so `0.0.signum()` is 1, as the original computes
            Func::Signum => x.signum(),
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
            // 1 − tanh²u, as (1 − t)(1 + t): 1 − t is exact for t near 1 (Sterbenz), so the
            // product keeps full relative precision where 1 − t·t cancels to a few digits
            Func::Tanh => {
                let below = g.sub(one, node);
                let above = g.add(one, node);
                g.mul(below, above)
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
            // 1 / √(u² + 1)
            Func::Asinh => {
                let sq = g.mul(u, u);
                let d = g.add(sq, one);
                let root = g.call(Func::Sqrt, d);
                g.call(Func::Recip, root)
            }
            // 1 / √(u² − 1) = 1 / (√(u − 1)·√(u + 1)), exact near u = 1 where u² − 1 cancels
            Func::Acosh => {
                let below = g.sub(u, one);
                let above = g.add(u, one);
                let (rb, ra) = (g.call(Func::Sqrt, below), g.call(Func::Sqrt, above));
                let d = g.mul(rb, ra);
                g.call(Func::Recip, d)
            }
            // 1 / ((1 − u)(1 + u)), exact near |u| = 1 where 1 − u² cancels
            Func::Atanh => {
                let below = g.sub(one, u);
                let above = g.add(one, u);
                let d = g.mul(below, above);
                g.call(Func::Recip, d)
            }
            // 1 / (1 + u)
            Func::Ln1p => {
                let d = g.add(one, u);
                g.call(Func::Recip, d)
            }
            // eᵘ = (eᵘ − 1) + 1 would lose the digits exp_m1 keeps; eᵘ itself is exact
            Func::ExpM1 => g.call(Func::Exp, u),
            Func::Fract => one,
            Func::Floor | Func::Ceil | Func::Round | Func::RoundTiesEven | Func::Trunc => {
                return None
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
