//! Which Hessian entries are structurally non-zero when some depend on called functions.
//!
//! An entry built from a callee's Hessian (`CallHess`) is non-zero only where the callee's is:
//! the macro cannot know that (it sees only the caller), but the compiler can, from the
//! callee's `SPARSITY`. So each entry gets a [`Structure`]: always non-zero, or non-zero when any
//! of a set of callee Hessian entries is, and the generated `SPARSITY` is filtered in a `const`.

use std::collections::BTreeSet;

use super::graph::{Graph, Id, Node};

/// When a node is structurally non-zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Structure {
    /// Never: a constant zero.
    Never,
    /// Whatever the callees' sparsity.
    Always,
    /// When any of these `CallHess` nodes is structurally non-zero in its callee.
    AnyOf(BTreeSet<Id>),
}

impl Structure {
    /// Non-zero when either is: a sum, a selection.
    fn either(self, other: Structure) -> Structure {
        match (self, other) {
            (Structure::Always, _) | (_, Structure::Always) => Structure::Always,
            (Structure::Never, s) | (s, Structure::Never) => s,
            (Structure::AnyOf(mut a), Structure::AnyOf(b)) => {
                a.extend(b);
                Structure::AnyOf(a)
            }
        }
    }

    /// Non-zero when both are: a product. Two conditional factors are approximated by either
    /// condition, which can only keep an entry; the chain rule never multiplies two callee
    /// Hessian entries, so this does not arise from differentiation.
    fn both(self, other: Structure) -> Structure {
        match (self, other) {
            (Structure::Never, _) | (_, Structure::Never) => Structure::Never,
            (Structure::Always, s) | (s, Structure::Always) => s,
            (a, b) => a.either(b),
        }
    }
}

/// Returns the structure of every root.
pub fn structure(g: &Graph, roots: &[Id]) -> Vec<Structure> {
    let end = roots.iter().map(|r| r.index() + 1).max().unwrap_or(0);
    let mut s: Vec<Structure> = Vec::with_capacity(end);
    for i in 0..end {
        let id = Id(u32::try_from(i).expect("ids fit u32"));
        let of = |c: Id| s[c.index()].clone();
        let value = match g.node(id) {
            Node::Const(_) if g.as_const(id) == Some(0.0) => Structure::Never,
            Node::CallHess(..) => Structure::AnyOf(BTreeSet::from([id])),
            Node::Add(a, b) | Node::Sub(a, b) | Node::Max(a, b) | Node::Min(a, b) => {
                of(a).either(of(b))
            }
            Node::Select(_, a, b) => of(a).either(of(b)),
            Node::Mul(a, b) => of(a).both(of(b)),
            Node::Div(a, _) | Node::Neg(a) | Node::Sum(_, a) => of(a),
            Node::Powi(a, n) if n > 0 => of(a),
            _ => Structure::Always,
        };
        s.push(value);
    }
    roots.iter().map(|r| s[r.index()].clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Invocation;

    #[test]
    fn entries_through_a_callee_hessian_are_conditional() {
        let mut g = Graph::new();
        let x = g.intern(Node::Input(0));
        let y = g.intern(Node::Input(1));
        let inv = g.new_invocation(Invocation {
            args: vec![x, y],
            slots: vec![x, y],
            scope: None,
        });
        let h01 = g.call_hess(inv, 0, 1);
        let h11 = g.call_hess(inv, 1, 1);
        let g1 = g.call_grad(inv, 1);
        let two = g.constant(2.0);
        let scaled = g.mul(two, h01);
        let mixed = g.add(scaled, h11);
        let plus_grad = g.add(h01, g1);
        let zero = g.constant(0.0);
        let never = g.mul(zero, h01);
        assert_eq!(
            structure(&g, &[scaled, mixed, plus_grad, never]),
            vec![
                Structure::AnyOf(BTreeSet::from([h01])),
                Structure::AnyOf(BTreeSet::from([h01, h11])),
                Structure::Always,
                Structure::Never,
            ]
        );
    }
}
