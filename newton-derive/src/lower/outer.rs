//! Values from outside the body: module-level `const` tables and fields of constant structs,
//! read by the generated code at run time (calls of `const fn`s are in `call.rs`).
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
use crate::ir::LoopId;

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
}
