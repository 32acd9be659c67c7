//! The expression IR: a hash-consed DAG with differentiation, simplification and scheduling.
//!
//! Nothing here knows `syn`, `quote` or `proc_macro2`: every pass is tested with plain values.
//! Common subexpressions are shared by construction: [`Graph::intern`] interns every node, and the
//! smart constructors of `simplify` put commutative operands in a canonical order, so the value,
//! the gradient and every Hessian entry reuse one another's nodes.

mod diff;
mod graph;
mod ops;
mod schedule;
mod simplify;
mod structure;

#[cfg(test)]
mod eval;
#[cfg(test)]
mod print;
#[cfg(test)]
mod tests;

pub use diff::{differentiate, Derivatives};
pub use graph::{Graph, Id, Invocation, LoopId, Node};
pub use ops::{Cmp, Func};
pub use schedule::{schedule, Item};
pub use structure::{structure, Structure};
