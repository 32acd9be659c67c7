//! Tests of the IR passes: specs for differentiation and scheduling, and a property test of
//! value, gradient and Hessian against `num-dual` on random expressions.

use super::diff::derivative;
use super::eval::eval;
use super::print::sexpr;
use super::{differentiate, schedule, Cmp, Func, Graph, Id, Item, LoopId, Node};

/// Builds `x0`, `x1` and two externs `e0`, `e1` (ids 0 to 3), then the expression.
fn graph(build: impl FnOnce(&mut Graph, [Id; 4]) -> Id) -> (Graph, Id) {
    let mut g = Graph::new();
    let x = g.intern(Node::Input(0));
    let y = g.intern(Node::Input(1));
    let e0 = g.new_extern(None);
    let e1 = g.new_extern(None);
    let f = build(&mut g, [x, y, e0, e1]);
    (g, f)
}

mod diff_specs;
mod oracle;
mod precision;
mod schedule_specs;
