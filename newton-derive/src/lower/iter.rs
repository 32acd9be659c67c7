//! Iterator sums and folds, lowered as the `for` loops they mean.
//!
//! `ITER.map(|PAT| BODY).sum::<f64>()`, `ITER.sum()` and `ITER.fold(INIT, |acc, PAT| acc + BODY)`
//! are rewritten, as syntax, into
//!
//! ```text
//! { let mut __newton_sum = 0.0; for PAT in ITER { __newton_sum += BODY; } __newton_sum }
//! ```
//!
//! and lowered like that block: over a constant range the loop is unrolled, over data slices it
//! stays rolled, exactly as a hand-written `for` loop would. The user's own tokens (`ITER`, `PAT`,
//! `BODY`) keep their spans, so errors inside them point where they were written.

use quote::{quote, ToTokens};
use syn::{Expr, ExprMethodCall, Pat};

use super::{Lowerer, Value};

/// The supported forms, for error messages.
const ITER_FORMS: &str = "supported: `xs.iter().map(|x| …).sum::<f64>()`, `xs.iter().zip(ys).map(|(x, y)| …).sum()`, `(0..K).map(|i| …).sum()`, `xs.iter().sum()`, and `.fold(0.0, |acc, x| acc + …)`";

impl Lowerer<'_> {
    /// Lowers `.sum()` and `.fold(..)` calls; `None` when `m` is neither.
    pub(super) fn lower_iterator_sum(&mut self, m: &ExprMethodCall) -> Option<Value> {
        let method = m.method.to_string();
        if !matches!(method.as_str(), "sum" | "fold") {
            return None;
        }
        if let Some(turbofish) = &m.turbofish {
            let ty = turbofish.args.to_token_stream().to_string();
            if method == "fold" || !matches!(ty.as_str(), "f64" | "f32") {
                return Some(self.unsupported(
                    turbofish,
                    &format!("`{method}::<{ty}>` is not supported by `#[hessian]`; {ITER_FORMS}"),
                ));
            }
        }
        let block = if method == "sum" {
            if !m.args.is_empty() {
                return Some(self.unsupported(&m.args, "`sum` takes no arguments"));
            }
            self.sum_as_loop(&m.receiver)
        } else {
            self.fold_as_loop(m)
        };
        // `None`: the error is reported; the call is not lowered again as a method
        Some(block.map_or(Value::Error, |block| self.lower_expr(&block)))
    }

    /// `ITER.map(|PAT| BODY).sum()` or `ITER.sum()` as a block with a `for` loop.
    fn sum_as_loop(&mut self, receiver: &Expr) -> Option<Expr> {
        let (iter, pat, body): (&Expr, Pat, Expr) = match receiver {
            Expr::MethodCall(map) if map.method == "map" && map.args.len() == 1 => {
                let closure = self.closure(&map.args[0], 1)?;
                (&map.receiver, closure.0[0].clone(), closure.1)
            }
            iter => (
                iter,
                syn::parse_quote!(__newton_term),
                syn::parse_quote!(*__newton_term),
            ),
        };
        Some(syn::parse_quote!({
            let mut __newton_sum = 0.0;
            for #pat in #iter {
                __newton_sum += #body;
            }
            __newton_sum
        }))
    }

    /// `ITER.fold(INIT, |acc, PAT| acc + BODY)` (or `BODY + acc`, `acc - BODY`) as a block.
    fn fold_as_loop(&mut self, m: &ExprMethodCall) -> Option<Expr> {
        if m.args.len() != 2 {
            self.unsupported(&m.args, "`fold` takes an initial value and a closure");
            return None;
        }
        let init = &m.args[0];
        let (params, body) = self.closure(&m.args[1], 2)?;
        let Pat::Ident(acc) = &params[0] else {
            self.unsupported(
                &params[0],
                "the accumulator of `fold` must be a plain name, such as `acc`",
            );
            return None;
        };
        let acc = &acc.ident;
        let is_acc = |e: &Expr| matches!(e, Expr::Path(p) if p.path.is_ident(acc));
        let (op, term) = match &body {
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) && is_acc(&b.left) => {
                (quote!(+=), &*b.right)
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Add(_)) && is_acc(&b.right) => {
                (quote!(+=), &*b.left)
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Sub(_)) && is_acc(&b.left) => {
                (quote!(-=), &*b.right)
            }
            other => {
                self.unsupported(other, &format!("`#[hessian]` differentiates a `fold` whose closure adds a term to the accumulator, `{acc} + …` or `{acc} - …`, which is a sum; any other recurrence is not supported; {ITER_FORMS}"));
                return None;
            }
        };
        let pat = &params[1];
        let iter = &m.receiver;
        Some(syn::parse_quote!({
            let mut #acc = #init;
            for #pat in #iter {
                #acc #op #term;
            }
            #acc
        }))
    }

    /// The parameters and body of a closure argument with `arity` parameters.
    fn closure(&mut self, expr: &Expr, arity: usize) -> Option<(Vec<Pat>, Expr)> {
        let Expr::Closure(c) = expr else {
            self.unsupported(expr, &format!("expected a closure here; {ITER_FORMS}"));
            return None;
        };
        if c.inputs.len() != arity {
            self.unsupported(
                &c.inputs,
                &format!("this closure must take {arity} parameter(s)"),
            );
            return None;
        }
        // `|&x|` binds the element itself, as `for x in xs` does in the lowering.
        let params = c
            .inputs
            .iter()
            .map(|p| match p {
                Pat::Reference(r) => (*r.pat).clone(),
                Pat::Type(t) => (*t.pat).clone(),
                other => other.clone(),
            })
            .collect();
        Some((params, (*c.body).clone()))
    }
}
