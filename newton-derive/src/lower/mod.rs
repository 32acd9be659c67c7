//! syn → IR: the only pass where user errors arise.
//!
//! The body is interpreted symbolically: locals hold [`Value`]s, constant loops are unrolled,
//! conditions known at expansion time pick their branch, conditions known only at run time
//! become `Select` nodes, and a loop over data becomes `Sum` nodes. Every unsupported construct
//! is recorded in the [`Ctxt`] and lowering goes on, so one build reports every mistake.

mod call;
mod expr;
mod iter;
mod loops;
mod outer;
mod stmt;
mod value;

use std::collections::{BTreeMap, HashMap};

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;
use crate::ir::{Graph, Id, LoopId};
use crate::signature::{Kind, Signature};
pub use call::{CallArg, CallDef, Callee};
#[cfg(test)]
pub(crate) use expr::supported_methods;
pub use value::Value;

/// The type of a runtime value the generated code binds once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExternTy {
    Float,
    Bool,
}

/// A runtime value that is not differentiated: its tokens and type.
#[derive(Clone, Debug)]
pub struct ExternDef {
    pub tokens: TokenStream,
    pub ty: ExternTy,
}

/// A rolled loop over data: the pattern and iterator the emitted `for` uses.
#[derive(Clone, Debug)]
pub struct LoopDef {
    pub pattern: TokenStream,
    pub iter: TokenStream,
}

/// The lowered function.
pub struct Lowered {
    pub graph: Graph,
    pub value: Id,
    /// Indexed by the number in `Node::Extern`.
    pub externs: Vec<ExternDef>,
    /// Indexed by `LoopId`.
    pub loops: Vec<LoopDef>,
    /// Indexed by the number in `Node::Invoke`.
    pub calls: Vec<CallDef>,
    /// The functions `calls` call, indexed by `CallDef::callee`.
    pub callees: Vec<Callee>,
}

/// A local variable.
#[derive(Clone, Debug)]
struct Binding {
    value: Value,
}

/// The rolled data loop being lowered, if any.
#[derive(Clone, Debug)]
struct DataLoop {
    /// Scope depth at which the loop body starts: bindings below it are outer.
    scope_base: usize,
    /// Names the loop body assigns to (found before lowering it): reading an outer one inside
    /// the loop would see a running partial sum, which is a recurrence, not a sum.
    assigned: Vec<String>,
    /// Per outer accumulator `(name, element path)`, the per-element terms added so far.
    terms: BTreeMap<(String, Vec<usize>), Id>,
}

/// The state an `if` on a run-time condition forks and merges.
#[derive(Clone, Debug)]
struct State {
    scopes: Vec<HashMap<String, Binding>>,
    data_loop: Option<DataLoop>,
}

struct Lowerer<'a> {
    cx: &'a Ctxt,
    sig: &'a Signature,
    g: Graph,
    externs: Vec<ExternDef>,
    extern_memo: HashMap<(String, Option<LoopId>), Id>,
    loops: Vec<LoopDef>,
    state: State,
    /// Unrolled iterations so far, bounded so a typo like `0..1_000_000_000` fails fast.
    unrolled: u64,
    calls: Vec<CallDef>,
    callees: Vec<Callee>,
    /// Calls lowered so far, by callee and arguments: identical calls share one `Invoke`.
    call_memo: HashMap<String, Id>,
    /// The items of every open block, innermost last.
    block_items: Vec<call::BlockItems>,
    /// How many nested helpers are being inlined right now.
    inline_depth: usize,
    /// The annotated function's name, to recognise it calling itself.
    name: String,
}

/// Unrolled iterations allowed in one function.
const MAX_UNROLLED: u64 = 1 << 20;

/// Lowers the body of `item`, recording errors in `cx`. Returns `None` when lowering failed.
pub fn lower(cx: &Ctxt, sig: &Signature, item: &syn::ItemFn) -> Option<Lowered> {
    let mut l = Lowerer {
        cx,
        sig,
        g: Graph::new(),
        externs: Vec::new(),
        extern_memo: HashMap::new(),
        loops: Vec::new(),
        state: State {
            scopes: vec![HashMap::new()],
            data_loop: None,
        },
        unrolled: 0,
        calls: Vec::new(),
        callees: Vec::new(),
        call_memo: HashMap::new(),
        block_items: Vec::new(),
        inline_depth: 0,
        name: item.sig.ident.to_string(),
    };
    l.bind_arguments();
    if !sig.returns_float {
        return None;
    }
    let value = l.lower_body(&item.block);
    if cx.has_errors() {
        return None;
    }
    let value = match value {
        Value::Float(id) => id,
        other => {
            cx.error_spanned_by(
                &item.sig.output,
                format!("the body evaluates to {}, not a float", other.describe()),
            );
            return None;
        }
    };
    Some(Lowered {
        graph: l.g,
        value,
        externs: l.externs,
        loops: l.loops,
        calls: l.calls,
        callees: l.callees,
    })
}

impl Lowerer<'_> {
    fn bind_arguments(&mut self) {
        for arg in &self.sig.args {
            let name = &arg.name;
            let value = match arg.kind {
                Kind::Diff(k) => Value::Float(self.g.intern(crate::ir::Node::Input(k))),
                Kind::DiffArray { first, len } => Value::Array(
                    (0..len)
                        .map(|i| {
                            let k = first + u32::try_from(i).expect("dim fits u32");
                            Value::Float(self.g.intern(crate::ir::Node::Input(k)))
                        })
                        .collect(),
                ),
                Kind::Scalar => {
                    Value::Float(self.extern_value(quote!(#name), ExternTy::Float, None))
                }
                Kind::Array(len) => Value::Array(
                    (0..len)
                        .map(|i| {
                            Value::Float(self.extern_value(
                                quote!(#name[#i]),
                                ExternTy::Float,
                                None,
                            ))
                        })
                        .collect(),
                ),
                Kind::Int => Value::RuntimeInt(quote!(#name), None),
                Kind::Bool => Value::Bool(self.extern_value(quote!(#name), ExternTy::Bool, None)),
                Kind::Slice(elem) => Value::Slice {
                    name: name.clone(),
                    elem,
                },
                Kind::Opaque => Value::Opaque(name.clone()),
                Kind::Rejected => Value::Error,
            };
            self.state.scopes[0].insert(name.to_string(), Binding { value });
        }
    }

    /// Returns the node of a runtime value, binding it once per loop scope.
    fn extern_value(&mut self, tokens: TokenStream, ty: ExternTy, scope: Option<LoopId>) -> Id {
        let key = (tokens.to_string(), scope);
        if let Some(&id) = self.extern_memo.get(&key) {
            return id;
        }
        let id = self.g.new_extern(scope);
        self.externs.push(ExternDef { tokens, ty });
        self.extern_memo.insert(key, id);
        id
    }

    /// Converts a runtime integer to a float extern: `(n as f64)`.
    fn runtime_int_to_float(&mut self, tokens: &TokenStream, scope: Option<LoopId>) -> Id {
        let scalar = self.sig.scalar;
        self.extern_value(quote!((#tokens as #scalar)), ExternTy::Float, scope)
    }

    fn lookup(&self, name: &str) -> Option<(usize, &Binding)> {
        self.state
            .scopes
            .iter()
            .enumerate()
            .rev()
            .find_map(|(depth, s)| s.get(name).map(|b| (depth, b)))
    }

    fn push_scope(&mut self) {
        self.state.scopes.push(HashMap::new());
    }

    fn pop_scope(&mut self) {
        self.state.scopes.pop();
    }

    fn bind(&mut self, name: String, value: Value) {
        self.state
            .scopes
            .last_mut()
            .expect("a scope is open")
            .insert(name, Binding { value });
    }

    /// Returns a float node for a value used in float arithmetic, or `None` (with an error
    /// recorded, unless the value already was an error).
    fn float(&mut self, value: Value, at: &dyn quote::ToTokens) -> Option<Id> {
        match value {
            Value::Float(id) => Some(id),
            #[expect(
                clippy::cast_precision_loss,
                reason = "the user's integer literal, as Rust would convert it"
            )]
            Value::Int(i) => Some(self.g.constant(i as f64)),
            Value::Error => None,
            Value::RuntimeInt(..) => {
                self.cx.error_spanned_by(at, "integer arguments must be converted to floats with `as f64` before float arithmetic");
                None
            }
            other => {
                self.cx.error_spanned_by(
                    at,
                    format!("expected a float here, found {}", other.describe()),
                );
                None
            }
        }
    }
}
