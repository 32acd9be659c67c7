//! `for` loops: constant ranges are unrolled; loops over data slices stay rolled.
//!
//! A rolled loop becomes one `Sum` node per outer accumulator, so the derivative of the loop is
//! a loop whose body is the derivative of the body, and code size does not grow with the data.
//!
//! Before:
//! ```text
//! let mut loss = 0.0;
//! for (x, y) in xs.iter().zip(ys) { let r = a * x + b - y; loss += r * r; }
//! ```
//! After (as nodes): `loss = 0 + Σ (a·x + b − y)²`, with `x`, `y` externs bound per element.

use quote::{format_ident, quote, ToTokens};
use syn::visit::Visit;
use syn::{Expr, Pat};

use super::stmt::PatternSite;
use super::{DataLoop, ExternTy, LoopDef, Lowerer, Value, MAX_UNROLLED};
use crate::ir::LoopId;

/// What the expression of a `for` loop turned out to be.
enum Range {
    /// A constant range, as its indices in iteration order.
    Indices(Vec<i64>),
    /// A range with an error already reported.
    Invalid,
    /// Not a range: a loop over data.
    Data,
}

impl Range {
    fn map(self, f: impl FnOnce(Vec<i64>) -> Vec<i64>) -> Range {
        match self {
            Range::Indices(v) => Range::Indices(f(v)),
            other => other,
        }
    }
}

/// One data source of a rolled loop: the tokens of a slice (an argument, a field of `self`, a
/// static outside the body) and its element shape (`None`: numbers).
struct Source {
    tokens: proc_macro2::TokenStream,
    elem: Option<usize>,
}

const LOOP_FORMS: &str = "`for` loops run over constant ranges (`for i in 0..N`, `0..=N`, `.rev()`, `.step_by(k)`) or over data slices of numbers (`for x in xs`, `xs.iter().zip(ys)`, `.enumerate()`, `self.xs.iter()`)";

impl Lowerer<'_> {
    pub(super) fn lower_for(&mut self, f: &syn::ExprForLoop) {
        if let Some(label) = &f.label {
            self.cx
                .error_spanned_by(label, "loop labels are not supported by `#[hessian]`; neither are `break` and `continue`, which they serve");
            return;
        }
        match self.constant_range(&f.expr) {
            Range::Indices(indices) => self.unroll(f, &indices),
            Range::Data if self.local_array(&f.expr).is_some() => {
                let elems = self.local_array(&f.expr).unwrap_or_default();
                self.unroll_elements(f, elems);
            }
            Range::Invalid => {}
            Range::Data => self.rolled(f),
        }
    }

    /// Evaluates a constant range expression, reporting errors in its bounds.
    fn constant_range(&mut self, expr: &Expr) -> Range {
        match expr {
            Expr::Paren(p) => self.constant_range(&p.expr),
            Expr::MethodCall(m) if m.method == "rev" && m.args.is_empty() => {
                self.constant_range(&m.receiver).map(|mut v| {
                    v.reverse();
                    v
                })
            }
            Expr::MethodCall(m) if m.method == "step_by" && m.args.len() == 1 => {
                let r = self.constant_range(&m.receiver);
                if matches!(r, Range::Data) {
                    return r;
                }
                match self.lower_expr(&m.args[0]) {
                    Value::Int(step) if step > 0 => {
                        let step = usize::try_from(step).unwrap_or(usize::MAX);
                        r.map(|v| v.into_iter().step_by(step).collect())
                    }
                    Value::Error => Range::Invalid,
                    _ => {
                        self.cx.error_spanned_by(
                            &m.args[0],
                            "`step_by` needs a positive integer known at compile time",
                        );
                        Range::Invalid
                    }
                }
            }
            Expr::Range(r) => {
                let (Some(start), Some(end)) = (&r.start, &r.end) else {
                    self.cx
                        .error_spanned_by(r, "loop ranges need both bounds, such as `0..N`");
                    return Range::Invalid;
                };
                let bounds = (self.lower_expr(start), self.lower_expr(end));
                let inclusive = matches!(r.limits, syn::RangeLimits::Closed(_));
                match bounds {
                    (Value::Int(a), Value::Int(b)) => {
                        let b = if inclusive { b.saturating_add(1) } else { b };
                        let count = u64::try_from(b.saturating_sub(a)).unwrap_or(0);
                        self.unrolled = self.unrolled.saturating_add(count);
                        if self.unrolled > MAX_UNROLLED {
                            self.cx.error_spanned_by(r, format!("unrolling this loop exceeds {MAX_UNROLLED} iterations in one function; `#[hessian]` unrolls constant loops"));
                            return Range::Invalid;
                        }
                        Range::Indices((a..b).collect())
                    }
                    (Value::Error, _) | (_, Value::Error) => Range::Invalid,
                    (bound_start, _) => {
                        let bound: &Expr = if matches!(bound_start, Value::Int(_)) {
                            end
                        } else {
                            start
                        };
                        let name = bound.to_token_stream().to_string();
                        self.cx.error_spanned_by(bound, format!("loop bound `{name}` is not known at compile time; constant loops need integer literals or `const` items inside the function, and a loop over runtime data iterates a slice instead: `for x in xs`, `xs.iter().zip(ys)`, `.enumerate()`"));
                        Range::Invalid
                    }
                }
            }
            _ => Range::Data,
        }
    }

    fn unroll(&mut self, f: &syn::ExprForLoop, indices: &[i64]) {
        let name = match &*f.pat {
            Pat::Ident(p) if p.subpat.is_none() => Some(p.ident.to_string()),
            Pat::Wild(_) => None,
            other => {
                self.cx
                    .error_spanned_by(other, "the index of a constant loop must be a name or `_`");
                return;
            }
        };
        for &i in indices {
            let errors_before = self.cx.has_errors();
            self.push_scope();
            if let Some(name) = &name {
                self.bind(name.clone(), Value::Int(i));
            }
            self.lower_block(&f.body);
            self.pop_scope();
            // One report per mistake, not one per iteration.
            if !errors_before && self.cx.has_errors() {
                break;
            }
        }
    }

    /// The elements of `z`, `z.iter()` or `&z` when `z` is an array the body knows (a local or a
    /// differentiated argument): such a loop is unrolled like a constant range.
    fn local_array(&self, expr: &Expr) -> Option<Vec<Value>> {
        match expr {
            Expr::Paren(p) => self.local_array(&p.expr),
            Expr::Reference(r) => self.local_array(&r.expr),
            Expr::MethodCall(m) if m.method == "iter" && m.args.is_empty() => {
                self.local_array(&m.receiver)
            }
            Expr::Path(p) => match self.lookup(&p.path.get_ident()?.to_string()) {
                Some((_, binding)) => match &binding.value {
                    Value::Array(elems) => Some(elems.clone()),
                    _ => None,
                },
                None => None,
            },
            _ => None,
        }
    }

    /// Unrolls `for pat in z` over the elements of an array the body knows.
    fn unroll_elements(&mut self, f: &syn::ExprForLoop, elems: Vec<Value>) {
        for elem in elems {
            let errors_before = self.cx.has_errors();
            self.push_scope();
            self.bind_pattern(&f.pat, elem, PatternSite::Let);
            self.lower_block(&f.body);
            self.pop_scope();
            if !errors_before && self.cx.has_errors() {
                break;
            }
        }
    }

    fn rolled(&mut self, f: &syn::ExprForLoop) {
        if self.state.data_loop.is_some() {
            self.cx.error_spanned_by(&f.expr, "nested loops over data are not supported by `#[hessian]`; only one loop over data can be open at a time");
            return;
        }
        let Some((sources, enumerate)) = self.sources(&f.expr) else {
            return;
        };
        let lp = LoopId(u32::try_from(self.loops.len()).expect("fewer than 2³² loops"));
        let element = |j: usize| format_ident!("__l{}_{}", lp.0, j);
        let index = format_ident!("__l{}_i", lp.0);

        // The emitted header: `for ((__l0_0, __l0_1), __l0_2) in a.iter().zip(b.iter()).zip(c.iter())`.
        let e0 = element(0);
        let mut pattern = quote!(#e0);
        let first = &sources[0].tokens;
        let mut iter = quote!(#first.iter());
        for (j, s) in sources.iter().enumerate().skip(1) {
            let e = element(j);
            let tokens = &s.tokens;
            pattern = quote!((#pattern, #e));
            iter = quote!(#iter.zip(#tokens.iter()));
        }
        if enumerate {
            pattern = quote!((#index, #pattern));
            iter = quote!(#iter.enumerate());
        }
        self.loops.push(LoopDef { pattern, iter });

        // Bind the user's pattern to per-element values.
        let mut leaves: Vec<Value> = sources
            .iter()
            .enumerate()
            .map(|(j, s)| self.element_value(&element(j), s.elem, lp))
            .collect();
        let shape = user_shape(
            &mut leaves,
            enumerate.then(|| Value::RuntimeInt(quote!(#index), Some(lp))),
        );
        let mut assigned = AssignedNames::default();
        assigned.visit_block(&f.body);
        self.state.data_loop = Some(DataLoop {
            scope_base: self.state.scopes.len(),
            assigned: assigned.0,
            terms: std::collections::BTreeMap::new(),
        });
        self.push_scope();
        self.bind_pattern(&f.pat, shape, PatternSite::Loop);
        self.lower_block(&f.body);
        self.pop_scope();
        let dl = self.state.data_loop.take().expect("the loop is still open");
        for ((name, path), term) in dl.terms {
            let sum = self.g.sum(lp, term);
            let Some((depth, _)) = self.lookup(&name) else {
                continue;
            };
            let binding = self.state.scopes[depth].get_mut(&name).expect("looked up");
            let mut slot = &mut binding.value;
            for &k in &path {
                let Value::Array(elems) = slot else { break };
                slot = &mut elems[k];
            }
            if let Value::Float(old) = *slot {
                *slot = Value::Float(self.g.add(old, sum));
            }
        }
    }

    fn element_value(&mut self, ident: &syn::Ident, elem: Option<usize>, lp: LoopId) -> Value {
        match elem {
            None => Value::Float(self.extern_value(quote!(*#ident), ExternTy::Float, Some(lp))),
            Some(k) => Value::Array(
                (0..k)
                    .map(|i| {
                        Value::Float(self.extern_value(
                            quote!(#ident[#i]),
                            ExternTy::Float,
                            Some(lp),
                        ))
                    })
                    .collect(),
            ),
        }
    }

    /// Parses `xs`, `xs.iter()`, `&xs`, `a.iter().zip(b)…`, `….enumerate()`.
    fn sources(&mut self, expr: &Expr) -> Option<(Vec<Source>, bool)> {
        if let Expr::MethodCall(m) = expr {
            if m.method == "enumerate" && m.args.is_empty() {
                return Some((self.zip_chain(&m.receiver)?, true));
            }
        }
        Some((self.zip_chain(expr)?, false))
    }

    fn zip_chain(&mut self, expr: &Expr) -> Option<Vec<Source>> {
        if let Expr::MethodCall(m) = expr {
            if m.method == "zip" && m.args.len() == 1 {
                let mut left = self.zip_chain(&m.receiver)?;
                left.push(self.source(&m.args[0])?);
                return Some(left);
            }
        }
        Some(vec![self.source(expr)?])
    }

    fn source(&mut self, expr: &Expr) -> Option<Source> {
        match expr {
            Expr::Paren(p) => self.source(&p.expr),
            Expr::Reference(r) if r.mutability.is_none() => self.source(&r.expr),
            Expr::MethodCall(m)
                if m.args.is_empty()
                    && ["iter", "into_iter", "copied", "cloned"]
                        .iter()
                        .any(|n| m.method == n) =>
            {
                self.source(&m.receiver)
            }
            Expr::Path(p)
                if p.path
                    .get_ident()
                    .is_some_and(|i| self.lookup(&i.to_string()).is_some()) =>
            {
                let ident = p.path.get_ident()?;
                match self
                    .lookup(&ident.to_string())
                    .map(|(_, b)| b.value.clone())
                {
                    Some(Value::Slice { name, elem }) => Some(Source {
                        tokens: name.to_token_stream(),
                        elem,
                    }),
                    Some(Value::Error) => None,
                    _ => {
                        self.cx.error_spanned_by(ident, format!("`{ident}` is not a data argument such as `{ident}: &[f64]`; {LOOP_FORMS}"));
                        None
                    }
                }
            }
            // Data outside the body: a field of `self`, a static slice. Its elements are
            // read as numbers.
            other => {
                if let Some((tokens, None)) = self.outer_place(other) {
                    return Some(Source {
                        tokens: quote!((#tokens)),
                        elem: None,
                    });
                }
                self.cx
                    .error_spanned_by(other, format!("unsupported loop; {LOOP_FORMS}"));
                None
            }
        }
    }
}

/// Arranges per-source element values into the shape the user's pattern sees:
/// `a.zip(b).zip(c)` yields `((a, b), c)`, `.enumerate()` yields `(i, …)`.
fn user_shape(leaves: &mut Vec<Value>, index: Option<Value>) -> Value {
    let mut iter = leaves.drain(..);
    let mut shape = iter.next().expect("a loop has a source");
    for v in iter {
        shape = Value::Tuple(vec![shape, v]);
    }
    match index {
        Some(i) => Value::Tuple(vec![i, shape]),
        None => shape,
    }
}

/// The names a loop body assigns to, found before lowering it.
#[derive(Default)]
struct AssignedNames(Vec<String>);

impl AssignedNames {
    fn root(expr: &Expr) -> Option<String> {
        match expr {
            Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
            Expr::Index(i) => Self::root(&i.expr),
            Expr::Paren(p) => Self::root(&p.expr),
            Expr::Unary(u) => Self::root(&u.expr),
            _ => None,
        }
    }
}

impl<'ast> Visit<'ast> for AssignedNames {
    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        self.0.extend(Self::root(&a.left));
        syn::visit::visit_expr_assign(self, a);
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if super::expr::is_assign_op(&b.op) {
            self.0.extend(Self::root(&b.left));
        }
        syn::visit::visit_expr_binary(self, b);
    }
}
