//! Numerical evaluation of a graph, for tests of the passes (loops excluded).

use super::graph::{Graph, Id, Node};

/// Evaluates every node up to `root` with the given inputs and externs; booleans are 0 or 1.
///
/// # Panics
/// On a `Sum` node or a call: loops and calls are evaluated by the generated code, not here.
pub fn eval(g: &Graph, root: Id, inputs: &[f64], externs: &[f64]) -> f64 {
    let mut v = Vec::with_capacity(root.index() + 1);
    for i in 0..=root.index() {
        let x = |id: Id| -> f64 { v[id.index()] };
        let b = |id: Id| -> bool { v[id.index()] != 0.0 };
        let value = match g.node(Id(u32::try_from(i).expect("ids fit u32"))) {
            Node::Const(bits) => f64::from_bits(bits),
            Node::Input(k) => inputs[k as usize],
            Node::Extern(k) => externs[k as usize],
            Node::Add(a, c) => x(a) + x(c),
            Node::Sub(a, c) => x(a) - x(c),
            Node::Mul(a, c) => x(a) * x(c),
            Node::Div(a, c) => x(a) / x(c),
            Node::Neg(a) => -x(a),
            Node::Call(f, a) => f.eval(x(a)),
            Node::Powi(a, n) => x(a).powi(n),
            Node::Powf(a, c) => x(a).powf(x(c)),
            Node::Atan2(a, c) => x(a).atan2(x(c)),
            Node::Hypot(a, c) => x(a).hypot(x(c)),
            Node::Max(a, c) => x(a).max(x(c)),
            Node::Min(a, c) => x(a).min(x(c)),
            Node::Rem(a, c) => x(a) % x(c),
            Node::RemEuclid(a, c) => x(a).rem_euclid(x(c)),
            Node::DivEuclid(a, c) => x(a).div_euclid(x(c)),
            Node::Cmp(op, a, c) => f64::from(u8::from(op.eval(x(a), x(c)))),
            Node::And(a, c) => f64::from(u8::from(b(a) && b(c))),
            Node::Or(a, c) => f64::from(u8::from(b(a) || b(c))),
            Node::Not(a) => f64::from(u8::from(!b(a))),
            Node::Select(c, a, d) => {
                if b(c) {
                    x(a)
                } else {
                    x(d)
                }
            }
            Node::Sum(..) => panic!("`eval` does not run loops"),
            Node::Invoke(_) | Node::CallValue(_) | Node::CallGrad(..) | Node::CallHess(..) => {
                panic!("`eval` does not call other functions")
            }
        };
        v.push(value);
    }
    v[root.index()]
}
