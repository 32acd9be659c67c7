//! Symbolic differentiation: one chain rule, applied twice.
//!
//! The gradient is `∂f/∂xₖ` by a forward sweep per input over the nodes `f` depends on; the
//! Hessian is the same sweep applied to the gradient's nodes, for the upper triangle only and
//! only where the gradient entry depends on the input at all (the structural sparsity). Every
//! derivative node goes through the smart constructors, so it is simplified and shared with the
//! value and with every other entry as it is built.

use super::graph::{Graph, Id, Node};
use super::ops::Cmp;

/// The value, gradient and upper-triangular Hessian of one function, as nodes of one graph.
#[derive(Clone, Debug)]
pub struct Derivatives {
    /// `f`.
    pub value: Id,
    /// `∂f/∂xₖ` for every input `k`.
    pub gradient: Vec<Id>,
    /// `(j, k, ∂²f/∂xⱼ∂xₖ)` for `j ≤ k`, structural non-zeros only, in row-major order.
    pub hessian: Vec<(u32, u32, Id)>,
}

/// Differentiates `value` twice with respect to inputs `0..dim`.
pub fn differentiate(g: &mut Graph, value: Id, dim: u32) -> Derivatives {
    let gradient: Vec<Id> = (0..dim).map(|k| derivative(g, &[value], k)[0]).collect();
    let mut hessian = Vec::new();
    for j in 0..dim {
        let upper: Vec<Id> = gradient[j as usize..].to_vec();
        let row = derivative(g, &upper, j);
        for (offset, entry) in row.into_iter().enumerate() {
            let k = j + u32::try_from(offset).expect("dim fits u32");
            if g.as_const(entry) != Some(0.0) {
                hessian.push((j, k, entry));
            }
        }
    }
    Derivatives {
        value,
        gradient,
        hessian,
    }
}

/// Returns `∂r/∂x_var` for every root `r`, by one forward sweep over the nodes the roots
/// depend on through `x_var`.
pub fn derivative(g: &mut Graph, roots: &[Id], var: u32) -> Vec<Id> {
    let zero = g.constant(0.0);
    let end = roots.iter().map(|r| r.index() + 1).max().unwrap_or(0);
    // The cone: ancestors of the roots that depend on `var`, found backwards.
    let mut needed = vec![false; end];
    for &r in roots {
        needed[r.index()] = g.depends_on(r, var);
    }
    for i in (0..end).rev() {
        if needed[i] {
            let id = Id(u32::try_from(i).expect("ids fit u32"));
            let children: Vec<Id> = g.children(id).filter(|&c| g.depends_on(c, var)).collect();
            for c in children {
                needed[c.index()] = true;
            }
        }
    }
    let mut d = vec![zero; end];
    for i in 0..end {
        if needed[i] {
            let id = Id(u32::try_from(i).expect("ids fit u32"));
            d[i] = rule(g, id, var, &d, zero);
        }
    }
    roots.iter().map(|r| d[r.index()]).collect()
}

/// The chain rule for one node, given the derivatives `d` of every earlier node.
fn rule(g: &mut Graph, id: Id, var: u32, d: &[Id], zero: Id) -> Id {
    let d_of = |c: Id| d[c.index()];
    match g.node(id) {
        Node::Input(k) => {
            if k == var {
                g.constant(1.0)
            } else {
                zero
            }
        }
        Node::Const(_)
        | Node::Extern(_)
        | Node::Cmp(..)
        | Node::And(..)
        | Node::Or(..)
        | Node::Not(_)
        // piecewise constant: 0 away from its jumps
        | Node::DivEuclid(..)
        // The tuple itself has no derivative: its readers below carry the chain rule.
        | Node::Invoke(_) => zero,
        Node::Add(a, b) => g.add(d_of(a), d_of(b)),
        Node::Sub(a, b) => g.sub(d_of(a), d_of(b)),
        Node::Neg(a) => g.neg(d_of(a)),
        Node::Mul(a, b) => {
            let l = g.mul(d_of(a), b);
            let r = g.mul(a, d_of(b));
            g.add(l, r)
        }
        // (a/b)′ = (a′ − (a/b)·b′) / b, reusing the quotient
        Node::Div(a, b) => {
            let t = g.mul(id, d_of(b));
            let n = g.sub(d_of(a), t);
            g.div(n, b)
        }
        Node::Call(f, a) => match f.derivative(g, id, a) {
            Some(fp) => g.mul(fp, d_of(a)),
            None => zero,
        },
        // (aⁿ)′ = n·aⁿ⁻¹·a′; for n = i32::MIN, aⁿ⁻¹ is aⁿ/a (n − 1 does not fit an i32)
        Node::Powi(a, n) => {
            let c = g.constant(f64::from(n));
            let p = match n.checked_sub(1) {
                Some(m) => g.powi(a, m),
                None => g.div(id, a),
            };
            let cp = g.mul(c, p);
            g.mul(cp, d_of(a))
        }
        Node::Powf(a, b) => {
            let (da, db) = (d_of(a), d_of(b));
            if g.as_const(db) == Some(0.0) {
                // (aᵇ)′ = b·aᵇ⁻¹·a′ for b independent of the input
                let one = g.constant(1.0);
                let bm1 = g.sub(b, one);
                let p = g.powf(a, bm1);
                let bp = g.mul(b, p);
                g.mul(bp, da)
            } else {
                // (aᵇ)′ = aᵇ·(b′·ln a + b·a′/a)
                let ln = g.call(super::ops::Func::Ln, a);
                let l = g.mul(db, ln);
                let q = g.div(da, a);
                let r = g.mul(b, q);
                let s = g.add(l, r);
                g.mul(id, s)
            }
        }
        // atan2(y, x)′ = (x·y′ − y·x′) / (x² + y²)
        Node::Atan2(y, x) => {
            let l = g.mul(x, d_of(y));
            let r = g.mul(y, d_of(x));
            let n = g.sub(l, r);
            let xx = g.mul(x, x);
            let yy = g.mul(y, y);
            let den = g.add(xx, yy);
            g.div(n, den)
        }
        // hypot(x, y)′ = (x·x′ + y·y′) / hypot(x, y)
        Node::Hypot(x, y) => {
            let l = g.mul(x, d_of(x));
            let r = g.mul(y, d_of(y));
            let n = g.add(l, r);
            g.div(n, id)
        }
        Node::Select(c, a, b) => g.select(c, d_of(a), d_of(b)),
        // the derivative of the active operand; at a tie, of `a` (a one-sided derivative)
        Node::Max(a, b) | Node::Min(a, b) => {
            let op = if matches!(g.node(id), Node::Max(..)) {
                Cmp::Ge
            } else {
                Cmp::Le
            };
            let a_active = g.cmp(op, a, b);
            g.select(a_active, d_of(a), d_of(b))
        }
        Node::Sum(lp, body) => g.sum(lp, d_of(body)),
        Node::Rem(a, b) | Node::RemEuclid(a, b) => remainder(g, id, (a, d_of(a)), (b, d_of(b))),
        // g(s)′ = Σₖ ∂g/∂sₖ · sₖ′
        Node::CallValue(inv) => chain(g, inv, var, d, zero, |g, k| g.call_grad(inv, k)),
        // (∂g/∂sⱼ)′ = Σₖ ∂²g/∂sⱼ∂sₖ · sₖ′
        Node::CallGrad(inv, j) => chain(g, inv, var, d, zero, |g, k| g.call_hess(inv, j, k)),
        Node::CallHess(..) => {
            unreachable!("`differentiate` takes two derivatives, so a callee's Hessian is a leaf")
        }
    }
}

/// `(a − b·q)′ = a′ − q·b′` for a remainder with the piecewise-constant quotient `q`
/// (truncated for `%`, Euclidean for `rem_euclid`), given `(a, a′)` and `(b, b′)`.
fn remainder(g: &mut Graph, id: Id, (a, da): (Id, Id), (b, db): (Id, Id)) -> Id {
    let q = if matches!(g.node(id), Node::Rem(..)) {
        let ratio = g.div(a, b);
        g.call(super::ops::Func::Trunc, ratio)
    } else {
        g.div_euclid(a, b)
    };
    let qb = g.mul(q, db);
    g.sub(da, qb)
}

/// `Σₖ coefficient(k) · sₖ′` over the slots of the invocation `inv` that depend on `var`.
fn chain(
    g: &mut Graph,
    inv: Id,
    var: u32,
    d: &[Id],
    zero: Id,
    coefficient: impl Fn(&mut Graph, u32) -> Id,
) -> Id {
    let Node::Invoke(k) = g.node(inv) else {
        unreachable!("call results read an `Invoke`")
    };
    let slots = g.invocation(k).slots.clone();
    let mut total = zero;
    for (k, slot) in slots.into_iter().enumerate() {
        if g.depends_on(slot, var) {
            let c = coefficient(g, u32::try_from(k).expect("slots fit u32"));
            let term = g.mul(c, d[slot.index()]);
            total = g.add(total, term);
        }
    }
    total
}
