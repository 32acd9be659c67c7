//! Smart constructors: every node is built through these, so every rule below applies to
//! every expression, derivatives included. Each rule is named in a comment and has a test.

use super::graph::{const_bits, Graph, Id, LoopId, Node};
use super::ops::{Cmp, Func};

/// Largest `|n|` for which `powi(n)` becomes multiplications.
const MAX_SQUARING: i32 = 16;

/// The most factors `logistic_complement` looks at in one product.
const MAX_FACTORS: usize = 8;

impl Graph {
    /// Interns a constant.
    pub fn constant(&mut self, value: f64) -> Id {
        self.intern(Node::Const(const_bits(value)))
    }

    /// Interns a constant that a rule computed by recombining the user's constants, or returns
    /// `None` when it overflowed or lost precision as a subnormal: then `c₁·(c₂·x)` and
    /// `(c₁c₂)·x` differ by more than rounding (1e300·(1e300·1e-300) is 1e300, (1e300·1e300)·1e-300
    /// is ∞), and the rule must not apply.
    fn folded(&mut self, value: f64) -> Option<Id> {
        (value == 0.0 || value.is_normal()).then(|| self.constant(value))
    }

    fn is_const(&self, id: Id, value: f64) -> bool {
        self.as_const(id)
            .is_some_and(|c| c.to_bits() == const_bits(value))
    }

    /// Splits `c·x` into `(c, x)`, `−x` into `(−1, x)`, anything else into `(1, x)`.
    fn coefficient(&self, id: Id) -> (f64, Id) {
        match self.node(id) {
            Node::Mul(c, x) if self.as_const(c).is_some() => (self.as_const(c).unwrap_or(1.0), x),
            Node::Neg(x) => (-1.0, x),
            _ => (1.0, id),
        }
    }

    /// Orders the operands of a commutative operation so `a·b` and `b·a` intern once.
    fn ordered(a: Id, b: Id) -> (Id, Id) {
        if a <= b {
            (a, b)
        } else {
            (b, a)
        }
    }

    /// Builds `a + b`.
    pub fn add(&mut self, a: Id, b: Id) -> Id {
        match (self.as_const(a), self.as_const(b)) {
            // fold: c₁ + c₂ → c
            (Some(x), Some(y)) => return self.constant(x + y),
            // add-zero: 0 + x → x
            (Some(0.0), _) => return b,
            (_, Some(0.0)) => return a,
            _ => {}
        }
        // add-like-terms: c₁·x + c₂·x → (c₁ + c₂)·x, and x + x → 2·x
        let ((ca, xa), (cb, xb)) = (self.coefficient(a), self.coefficient(b));
        if xa == xb {
            if let Some(c) = self.folded(ca + cb) {
                return self.mul(c, xa);
            }
        }
        match (self.node(a), self.node(b)) {
            // add-neg: x + (−y) → x − y
            (_, Node::Neg(y)) => self.sub(a, y),
            (Node::Neg(x), _) => self.sub(b, x),
            // add-neg-const: x + (−c) → x − c
            (Node::Const(c), _) if f64::from_bits(c) < 0.0 => {
                let c = self.constant(-f64::from_bits(c));
                self.sub(b, c)
            }
            (_, Node::Const(c)) if f64::from_bits(c) < 0.0 => {
                let c = self.constant(-f64::from_bits(c));
                self.sub(a, c)
            }
            // add-const-assoc: c₁ + (c₂ + x) → (c₁ + c₂) + x
            (Node::Const(c1), Node::Add(p, q)) | (Node::Add(p, q), Node::Const(c1))
                if self.as_const(p).is_some() || self.as_const(q).is_some() =>
            {
                let (c2, x) = if self.as_const(p).is_some() {
                    (p, q)
                } else {
                    (q, p)
                };
                let sum = f64::from_bits(c1) + self.as_const(c2).unwrap_or(0.0);
                if let Some(c) = self.folded(sum) {
                    self.add(c, x)
                } else {
                    let (a, b) = Self::ordered(a, b);
                    self.intern(Node::Add(a, b))
                }
            }
            _ => {
                let (a, b) = Self::ordered(a, b);
                self.intern(Node::Add(a, b))
            }
        }
    }

    /// Builds `a − b`.
    pub fn sub(&mut self, a: Id, b: Id) -> Id {
        match (self.as_const(a), self.as_const(b)) {
            (Some(x), Some(y)) => return self.constant(x - y),
            // sub-zero: x − 0 → x, 0 − x → −x
            (_, Some(0.0)) => return a,
            (Some(0.0), _) => return self.neg(b),
            _ => {}
        }
        // sub-like-terms: c₁·x − c₂·x → (c₁ − c₂)·x, and x − x → 0
        let ((ca, xa), (cb, xb)) = (self.coefficient(a), self.coefficient(b));
        if xa == xb {
            if let Some(c) = self.folded(ca - cb) {
                return self.mul(c, xa);
            }
        }
        // sub-logistic: x − x·w → x·r when w = u·r with r = 1/(u + 1), since 1 − u/(u + 1)
        // = 1/(u + 1). This is softplus″ = σ − σ² = σ(1 − σ): written as σ·r it keeps full
        // precision where σ → 1, instead of cancelling.
        if let Some(r) = self.logistic_complement(a, b) {
            return self.mul(a, r);
        }
        match (self.node(a), self.node(b)) {
            // sub-neg: x − (−y) → x + y
            (_, Node::Neg(y)) => self.add(a, y),
            // sub-neg-const: x − (−c) → x + c
            (_, Node::Const(c)) if f64::from_bits(c) < 0.0 => {
                let c = self.constant(-f64::from_bits(c));
                self.add(a, c)
            }
            // sub-from-neg: (−x) − y → −(x + y), so the sign keeps rising
            (Node::Neg(x), _) => {
                let s = self.add(x, b);
                self.neg(s)
            }
            _ => self.intern(Node::Sub(a, b)),
        }
    }

    /// For `x − y` with `y = x·u·r` (as products) and `r = recip(u + 1)`, returns `r`: then
    /// `x − y = x·(1 − u·r) = x·r`.
    fn logistic_complement(&self, x: Id, y: Id) -> Option<Id> {
        let mut rest = self.factors(y);
        for f in self.factors(x) {
            let i = rest.iter().position(|&g| g == f)?;
            rest.swap_remove(i);
        }
        let [p, q] = rest[..] else { return None };
        [(p, q), (q, p)].into_iter().find_map(|(u, r)| {
            let Node::Call(Func::Recip, s) = self.node(r) else {
                return None;
            };
            let Node::Add(v, one) = self.node(s) else {
                return None;
            };
            (self.as_const(one) == Some(1.0) && v == u).then_some(r)
        })
    }

    /// Returns the factors of a product, flattened through nested `Mul`s; a product of more
    /// than [`MAX_FACTORS`] is returned whole, so the rule stays cheap on long products.
    fn factors(&self, id: Id) -> Vec<Id> {
        let mut factors = vec![id];
        let mut i = 0;
        while i < factors.len() {
            if let Node::Mul(a, b) = self.node(factors[i]) {
                if factors.len() >= MAX_FACTORS {
                    return vec![id];
                }
                factors[i] = a;
                factors.push(b);
            } else {
                i += 1;
            }
        }
        factors
    }

    /// Builds `a · b`.
    pub fn mul(&mut self, a: Id, b: Id) -> Id {
        let (a, b) = Self::ordered(a, b);
        match (self.as_const(a), self.as_const(b)) {
            (Some(x), Some(y)) => return self.constant(x * y),
            // mul-zero: 0 · x → 0 (the derivative code's structural zeros; `x` is finite there)
            (Some(0.0), _) | (_, Some(0.0)) => return self.constant(0.0),
            // mul-one: 1 · x → x
            (Some(1.0), _) => return b,
            (_, Some(1.0)) => return a,
            // mul-minus-one: −1 · x → −x
            (Some(-1.0), _) => return self.neg(b),
            (_, Some(-1.0)) => return self.neg(a),
            _ => {}
        }
        match (self.node(a), self.node(b)) {
            // mul-neg: (−x) · y → −(x · y), so signs collect at the top and products share
            (Node::Neg(x), _) => {
                let p = self.mul(x, b);
                self.neg(p)
            }
            (_, Node::Neg(y)) => {
                let p = self.mul(a, y);
                self.neg(p)
            }
            // mul-const-assoc: c₁ · (c₂ · x) → (c₁c₂) · x, unless c₁c₂ over- or underflows
            (Node::Const(c1), Node::Mul(p, q)) | (Node::Mul(p, q), Node::Const(c1))
                if self.as_const(p).is_some_and(|c2| {
                    let c = f64::from_bits(c1) * c2;
                    c == 0.0 || c.is_normal()
                }) =>
            {
                let c = self.constant(f64::from_bits(c1) * self.as_const(p).unwrap_or(1.0));
                self.mul(c, q)
            }
            // mul-distribute-const: c·(c₁·x ± c₂·y) → (c·c₁)·x ± (c·c₂)·y when both terms
            // carry a constant, which saves the outer multiplication
            (Node::Const(_), Node::Add(p, q) | Node::Sub(p, q))
            | (Node::Add(p, q) | Node::Sub(p, q), Node::Const(_))
                if self.coefficient(p).1 != p && self.coefficient(q).1 != q =>
            {
                let (c, sum) = if self.as_const(a).is_some() {
                    (a, b)
                } else {
                    (b, a)
                };
                let (cp, cq) = (self.mul(c, p), self.mul(c, q));
                if matches!(self.node(sum), Node::Add(..)) {
                    self.add(cp, cq)
                } else {
                    self.sub(cp, cq)
                }
            }
            // mul-pull-const: (c·x)·y → c·(x·y), so constant factors meet and fold
            (Node::Mul(p, q), _) if self.as_const(p).is_some() && self.as_const(b).is_none() => {
                let inner = self.mul(q, b);
                self.mul(p, inner)
            }
            (_, Node::Mul(p, q)) if self.as_const(p).is_some() && self.as_const(a).is_none() => {
                let inner = self.mul(a, q);
                self.mul(p, inner)
            }
            _ => {
                // constants first, for readable output: `2.0 * x`
                let (a, b) = if self.as_const(b).is_some() {
                    (b, a)
                } else {
                    (a, b)
                };
                self.intern(Node::Mul(a, b))
            }
        }
    }

    /// Builds `a / b`.
    pub fn div(&mut self, a: Id, b: Id) -> Id {
        match (self.as_const(a), self.as_const(b)) {
            (Some(x), Some(y)) => return self.constant(x / y),
            // div-zero: 0 / x → 0
            (Some(0.0), _) => return self.constant(0.0),
            // div-one: x / 1 → x
            (_, Some(1.0)) => return a,
            // div-const: x / c → (1/c) · x, a multiplication instead of a division, unless 1/c
            // overflows (c subnormal) or is subnormal itself (c above 2¹⁰²²)
            (_, Some(y)) if (1.0 / y).is_normal() => {
                let r = self.constant(1.0 / y);
                return self.mul(r, a);
            }
            // div-into-one: 1 / x → recip(x)
            (Some(1.0), _) => return self.call(Func::Recip, b),
            _ => {}
        }
        match (self.node(a), self.node(b)) {
            // div-neg: (−x) / y → −(x / y)
            (Node::Neg(x), _) => {
                let q = self.div(x, b);
                self.neg(q)
            }
            (_, Node::Neg(y)) => {
                let q = self.div(a, y);
                self.neg(q)
            }
            _ => self.intern(Node::Div(a, b)),
        }
    }

    /// Builds `−a`.
    pub fn neg(&mut self, a: Id) -> Id {
        if let Some(x) = self.as_const(a) {
            return self.constant(-x);
        }
        match self.node(a) {
            // neg-neg: −(−x) → x
            Node::Neg(x) => x,
            // neg-sub: −(x − y) → y − x
            Node::Sub(x, y) => self.sub(y, x),
            // neg-coefficient: −(c·x) → (−c)·x
            Node::Mul(c, x) if self.as_const(c).is_some() => {
                let c = self.constant(-self.as_const(c).unwrap_or(1.0));
                self.mul(c, x)
            }
            _ => self.intern(Node::Neg(a)),
        }
    }

    /// Builds `f(a)`.
    pub fn call(&mut self, f: Func, a: Id) -> Id {
        if let Some(x) = self.as_const(a) {
            return self.constant(f.eval(x));
        }
        match (f, self.node(a)) {
            // recip-recip: 1/(1/x) → x
            (Func::Recip, Node::Call(Func::Recip, x)) => x,
            _ => self.intern(Node::Call(f, a)),
        }
    }

    /// Builds `a.powi(n)`.
    pub fn powi(&mut self, a: Id, n: i32) -> Id {
        if let Some(x) = self.as_const(a) {
            return self.constant(x.powi(n));
        }
        match n {
            // powi-zero, powi-one, powi-minus-one
            0 => self.constant(1.0),
            1 => a,
            -1 => self.call(Func::Recip, a),
            // powi-negative: a⁻ⁿ → 1/aⁿ, so the positive power is shared
            _ if (-MAX_SQUARING..0).contains(&n) => {
                let p = self.powi(a, -n);
                self.call(Func::Recip, p)
            }
            // powi-squaring: aⁿ by repeated squaring, a⁴ = (a·a)·(a·a), so a⁴, its
            // derivative 4a³ and its second derivative 12a² share a² instead of each
            // calling `powi`. Only for 2 ≤ n ≤ 16: every other exponent stays one `powi`
            // (the lower bound matters: `n / 2` and `n % 2` of a negative `n` would square
            // towards the wrong power).
            _ if (2..=MAX_SQUARING).contains(&n) => {
                let half = self.powi(a, n / 2);
                let square = self.mul(half, half);
                if n % 2 == 0 {
                    square
                } else {
                    self.mul(square, a)
                }
            }
            _ => self.intern(Node::Powi(a, n)),
        }
    }

    /// Builds `a.powf(b)`.
    pub fn powf(&mut self, a: Id, b: Id) -> Id {
        match (self.as_const(a), self.as_const(b)) {
            (Some(x), Some(y)) => self.constant(x.powf(y)),
            // powf-int: a constant integer exponent becomes `powi`, which is exact and cheap
            (_, Some(y)) if y.fract() == 0.0 && y.abs() <= 64.0 =>
            {
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "checked integral and small"
                )]
                self.powi(a, y as i32)
            }
            // powf-half: x^½ → √x
            (_, Some(0.5)) => self.call(Func::Sqrt, a),
            _ => self.intern(Node::Powf(a, b)),
        }
    }

    /// Builds `y.atan2(x)`.
    pub fn atan2(&mut self, y: Id, x: Id) -> Id {
        match (self.as_const(y), self.as_const(x)) {
            (Some(a), Some(b)) => self.constant(a.atan2(b)),
            _ => self.intern(Node::Atan2(y, x)),
        }
    }

    /// Builds `x.hypot(y)`.
    pub fn hypot(&mut self, x: Id, y: Id) -> Id {
        if let (Some(a), Some(b)) = (self.as_const(x), self.as_const(y)) {
            self.constant(a.hypot(b))
        } else {
            let (x, y) = Self::ordered(x, y);
            self.intern(Node::Hypot(x, y))
        }
    }

    /// Builds `a.max(b)`.
    pub fn max(&mut self, a: Id, b: Id) -> Id {
        match (self.as_const(a), self.as_const(b)) {
            (Some(x), Some(y)) => self.constant(x.max(y)),
            // max-same: x.max(x) → x
            _ if a == b => a,
            _ => self.intern(Node::Max(a, b)),
        }
    }

    /// Builds `a % b`.
    pub fn rem(&mut self, a: Id, b: Id) -> Id {
        match (self.as_const(a), self.as_const(b)) {
            (Some(x), Some(y)) => self.constant(x % y),
            _ => self.intern(Node::Rem(a, b)),
        }
    }

    /// Builds `a.rem_euclid(b)`.
    pub fn rem_euclid(&mut self, a: Id, b: Id) -> Id {
        match (self.as_const(a), self.as_const(b)) {
            (Some(x), Some(y)) => self.constant(x.rem_euclid(y)),
            _ => self.intern(Node::RemEuclid(a, b)),
        }
    }

    /// Builds `a.div_euclid(b)`.
    pub fn div_euclid(&mut self, a: Id, b: Id) -> Id {
        match (self.as_const(a), self.as_const(b)) {
            (Some(x), Some(y)) => self.constant(x.div_euclid(y)),
            _ => self.intern(Node::DivEuclid(a, b)),
        }
    }

    /// Builds `a.min(b)`.
    pub fn min(&mut self, a: Id, b: Id) -> Id {
        match (self.as_const(a), self.as_const(b)) {
            (Some(x), Some(y)) => self.constant(x.min(y)),
            // min-same: x.min(x) → x
            _ if a == b => a,
            _ => self.intern(Node::Min(a, b)),
        }
    }

    /// Builds a comparison; both sides must be scalars.
    pub fn cmp(&mut self, op: Cmp, a: Id, b: Id) -> Id {
        self.intern(Node::Cmp(op, a, b))
    }

    /// Builds `a && b`.
    pub fn and(&mut self, a: Id, b: Id) -> Id {
        self.intern(Node::And(a, b))
    }

    /// Builds `a || b`.
    pub fn or(&mut self, a: Id, b: Id) -> Id {
        self.intern(Node::Or(a, b))
    }

    /// Builds `!a`.
    pub fn not(&mut self, a: Id) -> Id {
        match self.node(a) {
            Node::Not(x) => x,
            _ => self.intern(Node::Not(a)),
        }
    }

    /// Builds `if c { a } else { b }`.
    pub fn select(&mut self, c: Id, a: Id, b: Id) -> Id {
        // select-same: both branches equal → no branch
        if a == b {
            return a;
        }
        match self.node(c) {
            // select-not: swap branches instead of negating the condition
            Node::Not(c) => self.select(c, b, a),
            _ => self.intern(Node::Select(c, a, b)),
        }
    }

    /// Builds the sum of `body` over every element of `lp`.
    pub fn sum(&mut self, lp: LoopId, body: Id) -> Id {
        // sum-zero: Σ 0 → 0
        if self.is_const(body, 0.0) {
            return body;
        }
        match self.node(body) {
            // sum-neg: Σ −x → −Σ x
            Node::Neg(x) => {
                let s = self.sum(lp, x);
                self.neg(s)
            }
            // sum-invariant-factor: Σ c·x → c·Σ x for a constant or any value computed outside
            // the loop: one multiplication instead of one per element
            Node::Mul(c, x) if self.scope(c).is_none() => {
                let s = self.sum(lp, x);
                self.mul(c, s)
            }
            Node::Mul(x, c) if self.scope(c).is_none() => {
                let s = self.sum(lp, x);
                self.mul(c, s)
            }
            _ => self.intern(Node::Sum(lp, body)),
        }
    }

    /// Reads the called function's value from the invocation `inv`.
    pub fn call_value(&mut self, inv: Id) -> Id {
        self.intern(Node::CallValue(inv))
    }

    /// Reads `∂g/∂sₖ` from the invocation `inv`.
    pub fn call_grad(&mut self, inv: Id, k: u32) -> Id {
        self.intern(Node::CallGrad(inv, k))
    }

    /// Reads `∂²g/∂sⱼ∂sₖ` from the invocation `inv`, in the upper triangle (the Hessian is
    /// symmetric, so `(j, k)` and `(k, j)` are one node).
    pub fn call_hess(&mut self, inv: Id, j: u32, k: u32) -> Id {
        self.intern(Node::CallHess(inv, j.min(k), j.max(k)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::print::sexpr;
    use super::*;

    /// Builds `x = Input(0)`, `y = Input(1)` and applies `build`, returning the printed result.
    fn rule(build: impl FnOnce(&mut Graph, Id, Id) -> Id) -> String {
        let mut g = Graph::new();
        let x = g.intern(Node::Input(0));
        let y = g.intern(Node::Input(1));
        let r = build(&mut g, x, y);
        sexpr(&g, r)
    }

    macro_rules! rules {
        ($($name:ident: $build:expr => $want:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(rule($build), $want);
            }
        )*};
    }

    rules! {
        fold: |g, _, _| { let a = g.constant(2.0); let b = g.constant(3.0); g.mul(a, b) } => "6";
        add_zero: |g, x, _| { let z = g.constant(0.0); g.add(z, x) } => "x0";
        add_neg: |g, x, y| { let n = g.neg(y); g.add(x, n) } => "(- x0 x1)";
        add_commutes: |g, x, y| { let a = g.add(y, x); let b = g.add(x, y); assert_eq!(a, b); a } => "(+ x0 x1)";
        sub_self: |g, x, _| g.sub(x, x) => "0";
        sub_zero: |g, x, _| { let z = g.constant(0.0); g.sub(z, x) } => "(neg x0)";
        sub_neg: |g, x, y| { let n = g.neg(y); g.sub(x, n) } => "(+ x0 x1)";
        sub_neg_const: |g, x, _| { let c = g.constant(-2.0); g.sub(x, c) } => "(+ x0 2)";
        sub_from_neg: |g, x, y| { let n = g.neg(x); g.sub(n, y) } => "(neg (+ x0 x1))";
        add_same: |g, x, _| g.add(x, x) => "(* 2 x0)";
        add_like_terms: |g, x, y| { let p = g.mul(x, y); let c = g.constant(-2.0); let a = g.mul(c, p); let d = g.constant(4.5); let b = g.mul(d, p); g.add(a, b) } => "(* 2.5 (* x0 x1))";
        sub_like_terms: |g, x, _| { let c = g.constant(3.0); let a = g.mul(c, x); g.sub(a, x) } => "(* 2 x0)";
        sum_const_factor: |g, x, _| { let c = g.constant(3.0); let a = g.mul(c, x); g.sum(LoopId(0), a) } => "(* 3 (sum0 x0))";
        sum_invariant_factor: |g, x, _| { let e = g.new_extern(Some(LoopId(0))); let a = g.mul(x, e); g.sum(LoopId(0), a) } => "(* x0 (sum0 e0))";
        add_const_assoc: |g, x, _| { let c = g.constant(2.0); let d = g.constant(3.0); let s = g.add(x, c); g.add(d, s) } => "(+ x0 5)";
        add_neg_const: |g, x, _| { let c = g.constant(-2.0); g.add(x, c) } => "(- x0 2)";
        mul_pull_const: |g, x, y| { let c = g.constant(2.0); let p = g.mul(c, x); g.mul(p, y) } => "(* 2 (* x0 x1))";
        neg_coefficient: |g, x, _| { let c = g.constant(2.0); let p = g.mul(c, x); g.neg(p) } => "(* -2 x0)";
        mul_zero: |g, x, _| { let z = g.constant(0.0); g.mul(x, z) } => "0";
        mul_one: |g, x, _| { let o = g.constant(1.0); g.mul(o, x) } => "x0";
        mul_minus_one: |g, x, _| { let o = g.constant(-1.0); g.mul(x, o) } => "(neg x0)";
        mul_neg: |g, x, y| { let n = g.neg(x); g.mul(n, y) } => "(neg (* x0 x1))";
        mul_const_first: |g, x, _| { let c = g.constant(2.0); g.mul(x, c) } => "(* 2 x0)";
        mul_const_assoc: |g, x, _| { let c = g.constant(2.0); let d = g.constant(3.0); let p = g.mul(c, x); g.mul(d, p) } => "(* 6 x0)";
        div_zero: |g, x, _| { let z = g.constant(0.0); g.div(z, x) } => "0";
        div_one: |g, x, _| { let o = g.constant(1.0); g.div(x, o) } => "x0";
        div_const: |g, x, _| { let c = g.constant(4.0); g.div(x, c) } => "(* 0.25 x0)";
        div_into_one: |g, x, _| { let o = g.constant(1.0); g.div(o, x) } => "(recip x0)";
        neg_neg: |g, x, _| { let n = g.neg(x); g.neg(n) } => "x0";
        neg_sub: |g, x, y| { let s = g.sub(x, y); g.neg(s) } => "(- x1 x0)";
        call_fold: |g, _, _| { let c = g.constant(0.0); g.call(Func::Cos, c) } => "1";
        recip_recip: |g, x, _| { let r = g.call(Func::Recip, x); g.call(Func::Recip, r) } => "x0";
        powi_zero: |g, x, _| g.powi(x, 0) => "1";
        powi_squaring: |g, x, _| g.powi(x, 5) => "(* x0 (* (* x0 x0) (* x0 x0)))";
        powi_negative: |g, x, _| g.powi(x, -2) => "(recip (* x0 x0))";
        powi_large: |g, x, _| g.powi(x, 40) => "(powi x0 40)";
        powi_large_negative: |g, x, _| g.powi(x, -17) => "(powi x0 -17)";
        powi_most_negative: |g, x, _| g.powi(x, i32::MIN) => "(powi x0 -2147483648)";
        mul_distribute_const: |g, x, y| { let c = g.constant(-2.0); let p = g.mul(c, x); let d = g.constant(3.0); let q = g.mul(d, y); let s = g.add(p, q); let h = g.constant(0.5); g.mul(h, s) } => "(- (* 1.5 x1) x0)";
        powi_one: |g, x, _| g.powi(x, 1) => "x0";
        powf_int: |g, x, _| { let c = g.constant(3.0); g.powf(x, c) } => "(* x0 (* x0 x0))";
        powf_half: |g, x, _| { let c = g.constant(0.5); g.powf(x, c) } => "(sqrt x0)";
        select_same: |g, x, y| { let c = g.cmp(Cmp::Lt, x, y); g.select(c, x, x) } => "x0";
        select_not: |g, x, y| { let c = g.cmp(Cmp::Lt, x, y); let n = g.not(c); g.select(n, x, y) } => "(select (lt x0 x1) x1 x0)";
        sum_zero: |g, _, _| { let z = g.constant(0.0); g.sum(LoopId(0), z) } => "0";
        sum_neg: |g, x, _| { let n = g.neg(x); g.sum(LoopId(0), n) } => "(neg (sum0 x0))";
    }
}
