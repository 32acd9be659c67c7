//! What a Rust expression of the body stands for while it is being lowered.

use proc_macro2::TokenStream;
use syn::Ident;

use crate::ir::{Graph, Id, LoopId};

/// The value of an expression of the user's body.
#[derive(Clone, Debug)]
pub enum Value {
    /// A float, as a node of the graph.
    Float(Id),
    /// A boolean known only at run time (depends on data or constant arguments), as a node.
    Bool(Id),
    /// A boolean known at expansion time.
    ConstBool(bool),
    /// An integer known at expansion time: a literal, a `const`, an unrolled loop index.
    Int(i64),
    /// An integer known only at run time (an integer argument, `xs.len()`, an `enumerate`
    /// index): the tokens that compute it, and the data loop they are bound in.
    RuntimeInt(TokenStream, Option<LoopId>),
    /// A fixed-size array, element by element.
    Array(Vec<Value>),
    /// A tuple.
    Tuple(Vec<Value>),
    /// A data argument `&[T]` or `&[[T; K]]`, usable only as the source of a rolled loop.
    Slice { name: Ident, elem: Option<usize> },
    /// An argument of a type the body cannot compute with.
    Opaque(Ident),
    /// The value of a statement.
    Unit,
    /// The value of an expression that already produced an error: every use is silent, so
    /// one mistake gives one message.
    Error,
}

impl Value {
    /// Returns a short description for error messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Float(_) => "a float",
            Value::Bool(_) | Value::ConstBool(_) => "a boolean",
            Value::Int(_) | Value::RuntimeInt(..) => "an integer",
            Value::Array(_) => "an array",
            Value::Tuple(_) => "a tuple",
            Value::Slice { .. } => "a data slice",
            Value::Opaque(_) => "an argument of unsupported type",
            Value::Unit => "`()`",
            Value::Error => "an error",
        }
    }

    /// Returns whether two values are the same (same nodes, same integers).
    pub fn same(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Float(a), Value::Float(b)) | (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::ConstBool(a), Value::ConstBool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::RuntimeInt(a, _), Value::RuntimeInt(b, _)) => a.to_string() == b.to_string(),
            (Value::Array(a), Value::Array(b)) | (Value::Tuple(a), Value::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
            }
            (Value::Slice { name: a, .. }, Value::Slice { name: b, .. })
            | (Value::Opaque(a), Value::Opaque(b)) => a == b,
            (Value::Unit, Value::Unit) | (Value::Error, Value::Error) => true,
            _ => false,
        }
    }

    /// Returns `if cond { a } else { b }` element by element, or `None` when the two differ in
    /// kind (or are integers or slices that differ) and cannot be selected at run time.
    pub fn select(g: &mut Graph, cond: Id, a: &Value, b: &Value) -> Option<Value> {
        if a.same(b) {
            return Some(a.clone());
        }
        Some(match (a, b) {
            (Value::Error, _) | (_, Value::Error) => Value::Error,
            (Value::Float(x), Value::Float(y)) => Value::Float(g.select(cond, *x, *y)),
            (Value::Bool(x), Value::Bool(y)) => {
                let l = g.and(cond, *x);
                let nc = g.not(cond);
                let r = g.and(nc, *y);
                Value::Bool(g.or(l, r))
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => Value::Array(
                x.iter()
                    .zip(y)
                    .map(|(p, q)| Value::select(g, cond, p, q))
                    .collect::<Option<_>>()?,
            ),
            (Value::Tuple(x), Value::Tuple(y)) if x.len() == y.len() => Value::Tuple(
                x.iter()
                    .zip(y)
                    .map(|(p, q)| Value::select(g, cond, p, q))
                    .collect::<Option<_>>()?,
            ),
            _ => return None,
        })
    }
}
