//! Values from outside the body: module-level `const` tables, fields of constant structs, calls
//! of `const fn`s, read by the generated code at run time.
//!
//! The macro sees only the annotated function, so it cannot know `GAUSS_Y`'s values; it does not
//! need to. Any expression built from names the body does not bind, indexed by compile-time or
//! run-time integers, or called with arguments that do not depend on the differentiated
//! arguments, is a constant of the differentiation: the generated code evaluates it where the
//! original did (`GAUSS_Y[3]`, `params.scale`, `weight(i)`), and its derivatives are zero.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, ToTokens};
use syn::Expr;

use super::{ExternTy, Lowerer, Value};
use crate::ir::{LoopId, Node};

impl Lowerer<'_> {
    /// Returns the tokens of `expr` and the data loop they are bound in, if `expr` is a place
    /// outside the body (an unbound path, possibly indexed or with fields); `None` otherwise.
    /// Errors inside index expressions are recorded and give `Some` with the tokens unchanged.
    pub(super) fn outer_place(&mut self, expr: &Expr) -> Option<(TokenStream, Option<LoopId>)> {
        match expr {
            Expr::Path(p) if p.qself.is_none() => {
                let bound = p
                    .path
                    .get_ident()
                    .is_some_and(|i| self.lookup(&i.to_string()).is_some());
                (!bound).then(|| (p.to_token_stream(), None))
            }
            Expr::Paren(p) => self.outer_place(&p.expr),
            Expr::Field(f) => {
                let (base, scope) = self.outer_place(&f.base)?;
                let member = &f.member;
                Some((quote!(#base.#member), scope))
            }
            Expr::Index(i) => {
                let (base, scope) = self.outer_place(&i.expr)?;
                let (index, inner) = self.index_tokens(&i.index);
                Some((quote!(#base[#index]), scope.or(inner)))
            }
            _ => None,
        }
    }

    /// The tokens of an integer index: a literal for a compile-time integer, the expression for
    /// a run-time one (an `enumerate` index).
    fn index_tokens(&mut self, index: &Expr) -> (TokenStream, Option<LoopId>) {
        match self.lower_expr(index) {
            Value::Int(k) => {
                if let Ok(k) = usize::try_from(k) {
                    (Literal::usize_unsuffixed(k).into_token_stream(), None)
                } else {
                    self.unsupported(index, &format!("index {k} is negative"));
                    (index.to_token_stream(), None)
                }
            }
            Value::RuntimeInt(tokens, scope) => (quote!((#tokens) as usize), scope),
            Value::Error => (index.to_token_stream(), None),
            other => {
                let found = other.describe();
                self.unsupported(
                    index,
                    &format!("an index must be an integer, found {found}"),
                );
                (index.to_token_stream(), None)
            }
        }
    }

    /// Lowers an indexed or field place outside the body as a run-time constant.
    pub(super) fn lower_outer_place(&mut self, expr: &Expr) -> Option<Value> {
        let (tokens, scope) = self.outer_place(expr)?;
        Some(Value::Float(self.extern_value(
            tokens,
            ExternTy::Float,
            scope,
        )))
    }

    /// Lowers a call of a function the body does not define, such as a `const fn`, when none
    /// of its arguments depends on the differentiated arguments: a run-time constant. With
    /// such an argument, it is an error naming the function.
    pub(super) fn lower_outer_call(&mut self, c: &syn::ExprCall, name: &str) -> Value {
        let func = &c.func;
        let mut args = Vec::with_capacity(c.args.len());
        let mut scope = None;
        for arg in &c.args {
            let tokens = match self.lower_expr(arg) {
                Value::Error => return Value::Error,
                Value::Int(k) => Literal::i64_unsuffixed(k).into_token_stream(),
                Value::ConstBool(b) => quote!(#b),
                Value::RuntimeInt(tokens, s) => {
                    scope = scope.or(s);
                    tokens
                }
                Value::Float(id) if self.g.deps(id).is_empty() => {
                    scope = scope.or(self.g.scope(id));
                    match (self.g.as_const(id), self.g.node(id)) {
                        (Some(v), _) => crate::emit::literal(v, self.sig.scalar),
                        (None, Node::Extern(k)) => self.externs[k as usize].tokens.clone(),
                        (None, _) => {
                            return self.unsupported(
                                arg,
                                &format!("pass `{name}` a literal, a loop index, a constant argument or data element as it is; `#[hessian]` cannot yet pass a value computed in the body to a function it does not differentiate"),
                            )
                        }
                    }
                }
                Value::Float(_) | Value::Array(_) => {
                    return self.unsupported(
                        arg,
                        &format!("`{name}` is called with a value that depends on the differentiated arguments, but `#[hessian]` sees only this function's body and cannot differentiate `{name}`; inline its body here; a function called from `#[hessian]` code may only take constants (a `const fn` of a loop index, say)"),
                    )
                }
                _ => arg.to_token_stream(),
            };
            args.push(tokens);
        }
        let tokens = quote!(#func(#(#args),*));
        Value::Float(self.extern_value(tokens, ExternTy::Float, scope))
    }
}
