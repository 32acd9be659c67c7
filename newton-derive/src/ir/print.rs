//! S-expression printing of nodes, for tests and debugging.

use std::fmt::Write;

use super::graph::{Graph, Id, Node};
use super::ops::Cmp;

/// Prints `id` as an S-expression: `(* 2 (sin x0))`.
pub fn sexpr(g: &Graph, id: Id) -> String {
    let mut out = String::new();
    write(g, id, &mut out);
    out
}

fn write(g: &Graph, id: Id, out: &mut String) {
    let (head, children): (String, Vec<Id>) = match g.node(id) {
        Node::Const(bits) => {
            let _ = write!(out, "{}", f64::from_bits(bits));
            return;
        }
        Node::Input(k) => {
            let _ = write!(out, "x{k}");
            return;
        }
        Node::Extern(k) => {
            let _ = write!(out, "e{k}");
            return;
        }
        Node::Add(a, b) => ("+".into(), vec![a, b]),
        Node::Sub(a, b) => ("-".into(), vec![a, b]),
        Node::Mul(a, b) => ("*".into(), vec![a, b]),
        Node::Div(a, b) => ("/".into(), vec![a, b]),
        Node::Neg(a) => ("neg".into(), vec![a]),
        Node::Call(f, a) => (f.name().into(), vec![a]),
        Node::Powi(a, n) => {
            out.push_str("(powi ");
            write(g, a, out);
            let _ = write!(out, " {n})");
            return;
        }
        Node::Powf(a, b) => ("powf".into(), vec![a, b]),
        Node::Atan2(a, b) => ("atan2".into(), vec![a, b]),
        Node::Hypot(a, b) => ("hypot".into(), vec![a, b]),
        Node::Max(a, b) => ("max".into(), vec![a, b]),
        Node::Min(a, b) => ("min".into(), vec![a, b]),
        Node::Rem(a, b) => ("rem".into(), vec![a, b]),
        Node::RemEuclid(a, b) => ("rem_euclid".into(), vec![a, b]),
        Node::DivEuclid(a, b) => ("div_euclid".into(), vec![a, b]),
        Node::Cmp(op, a, b) => (cmp_name(op).into(), vec![a, b]),
        Node::And(a, b) => ("and".into(), vec![a, b]),
        Node::Or(a, b) => ("or".into(), vec![a, b]),
        Node::Not(a) => ("not".into(), vec![a]),
        Node::Select(c, a, b) => ("select".into(), vec![c, a, b]),
        Node::Sum(lp, body) => (format!("sum{}", lp.0), vec![body]),
        Node::Invoke(k) => (format!("call{k}"), g.children(id).collect()),
        Node::CallValue(inv) => ("value".into(), vec![inv]),
        Node::CallGrad(inv, k) => (format!("grad{k}"), vec![inv]),
        Node::CallHess(inv, j, k) => (format!("hess{j}_{k}"), vec![inv]),
    };
    out.push('(');
    out.push_str(&head);
    for c in children {
        out.push(' ');
        write(g, c, out);
    }
    out.push(')');
}

fn cmp_name(op: Cmp) -> &'static str {
    match op {
        Cmp::Lt => "lt",
        Cmp::Le => "le",
        Cmp::Gt => "gt",
        Cmp::Ge => "ge",
        Cmp::Eq => "eq",
        Cmp::Ne => "ne",
    }
}
