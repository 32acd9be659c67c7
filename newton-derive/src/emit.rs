//! IR → tokens: straight-line `let`s in schedule order, rolled loops for data, the module.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{schedule, Derivatives, Graph, Id, Item, Node};
use crate::lower::{ExternTy, Lowered};
use crate::signature::{Kind, Scalar, Signature};

/// Operation counts of one emitted body, mirrored by `newton::OpCount`.
#[derive(Clone, Copy, Default, Debug)]
pub struct Count {
    pub add: u32,
    pub mul: u32,
    pub div: u32,
    pub neg: u32,
    pub calls: u32,
}

impl Count {
    pub fn total(self) -> u64 {
        u64::from(self.add)
            + u64::from(self.mul)
            + u64::from(self.div)
            + u64::from(self.neg)
            + u64::from(self.calls)
    }

    fn record(&mut self, node: Node) {
        match node {
            Node::Add(..) | Node::Sub(..) | Node::Sum(..) => self.add += 1,
            Node::Mul(..) => self.mul += 1,
            Node::Div(..) => self.div += 1,
            Node::Neg(_) => self.neg += 1,
            Node::Call(..)
            | Node::Powi(..)
            | Node::Powf(..)
            | Node::Atan2(..)
            | Node::Hypot(..) => self.calls += 1,
            _ => {}
        }
    }
}

impl quote::ToTokens for Count {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let Count {
            add,
            mul,
            div,
            neg,
            calls,
        } = *self;
        tokens.extend(quote!(::newton::__private::OpCount { add: #add, mul: #mul, div: #div, neg: #neg, calls: #calls }));
    }
}

/// Emits code for one function of the module.
pub struct Emitter<'a> {
    pub lowered: &'a Lowered,
    pub sig: &'a Signature,
}

impl Emitter<'_> {
    fn graph(&self) -> &Graph {
        &self.lowered.graph
    }

    /// Returns the name of a node's temporary.
    fn temp(id: Id) -> proc_macro2::Ident {
        format_ident!("__t{}", id.0)
    }

    /// Returns the tokens that read `id`: a literal for constants, else its temporary.
    pub fn operand(&self, id: Id) -> TokenStream {
        if let Some(c) = self.graph().as_const(id) {
            literal(c, self.sig.scalar)
        } else {
            let t = Self::temp(id);
            quote!(#t)
        }
    }

    /// Returns the tokens for `id` as the receiver of a method call: a constant gets its type
    /// and parentheses, `(-0.5_f64).hypot(y)`, since `-0.5.hypot(y)` means `-(0.5.hypot(y))`
    /// and an unsuffixed literal has no methods.
    fn receiver(&self, id: Id) -> TokenStream {
        match self.graph().as_const(id) {
            Some(c) => {
                let (lit, s) = (literal(c, self.sig.scalar), self.sig.scalar);
                quote!((#lit as #s))
            }
            None => self.operand(id),
        }
    }

    /// Returns the right-hand side computing `id` from its children's temporaries.
    fn expression(&self, id: Id) -> TokenStream {
        let o = |c: Id| self.operand(c);
        let r = |c: Id| self.receiver(c);
        match self.graph().node(id) {
            Node::Const(_) => o(id),
            Node::Input(k) => self.input(k),
            Node::Extern(k) => self.lowered.externs[k as usize].tokens.clone(),
            Node::Add(a, b) => {
                let (a, b) = (o(a), o(b));
                quote!(#a + #b)
            }
            Node::Sub(a, b) => {
                let (a, b) = (o(a), o(b));
                quote!(#a - #b)
            }
            Node::Mul(a, b) => {
                let (a, b) = (o(a), o(b));
                quote!(#a * #b)
            }
            Node::Div(a, b) => {
                let (a, b) = (o(a), o(b));
                quote!(#a / #b)
            }
            Node::Neg(a) => {
                let a = o(a);
                quote!(-#a)
            }
            Node::Call(f, a) => {
                let (a, f) = (r(a), format_ident!("{}", f.name()));
                quote!(#a.#f())
            }
            Node::Powi(a, n) => {
                let a = r(a);
                quote!(#a.powi(#n))
            }
            Node::Powf(a, b) => {
                let (a, b) = (r(a), o(b));
                quote!(#a.powf(#b))
            }
            Node::Atan2(a, b) => {
                let (a, b) = (r(a), o(b));
                quote!(#a.atan2(#b))
            }
            Node::Hypot(a, b) => {
                let (a, b) = (r(a), o(b));
                quote!(#a.hypot(#b))
            }
            Node::Max(a, b) => {
                let (a, b) = (r(a), o(b));
                quote!(#a.max(#b))
            }
            Node::Min(a, b) => {
                let (a, b) = (r(a), o(b));
                quote!(#a.min(#b))
            }
            Node::Cmp(op, a, b) => {
                let (a, b) = (o(a), o(b));
                let op = match op {
                    crate::ir::Cmp::Lt => quote!(<),
                    crate::ir::Cmp::Le => quote!(<=),
                    crate::ir::Cmp::Gt => quote!(>),
                    crate::ir::Cmp::Ge => quote!(>=),
                    crate::ir::Cmp::Eq => quote!(==),
                    crate::ir::Cmp::Ne => quote!(!=),
                };
                quote!(#a #op #b)
            }
            Node::And(a, b) => {
                let (a, b) = (o(a), o(b));
                quote!(#a && #b)
            }
            Node::Or(a, b) => {
                let (a, b) = (o(a), o(b));
                quote!(#a || #b)
            }
            Node::Not(a) => {
                let a = o(a);
                quote!(!#a)
            }
            Node::Select(c, a, b) => {
                let (c, a, b) = (o(c), o(a), o(b));
                quote!(if #c { #a } else { #b })
            }
            Node::Sum(..) => unreachable!("sums are emitted by their loop"),
        }
    }

    /// Returns the tokens that read differentiated scalar `k` from the arguments.
    fn input(&self, k: u32) -> TokenStream {
        for arg in &self.sig.args {
            let name = &arg.name;
            match arg.kind {
                Kind::Diff(i) if i == k => return quote!(#name),
                Kind::DiffArray { first, len }
                    if (first..first + u32::try_from(len).unwrap_or(u32::MAX)).contains(&k) =>
                {
                    let i = (k - first) as usize;
                    return quote!(#name[#i]);
                }
                _ => {}
            }
        }
        unreachable!("input {k} belongs to an argument")
    }

    fn ty(&self, id: Id) -> TokenStream {
        let is_bool = match self.graph().node(id) {
            Node::Extern(k) => self.lowered.externs[k as usize].ty == ExternTy::Bool,
            n => n.is_bool(),
        };
        if is_bool {
            quote!(bool)
        } else {
            let s = self.sig.scalar;
            quote!(#s)
        }
    }

    fn let_statement(&self, id: Id, count: &mut Count) -> TokenStream {
        count.record(self.graph().node(id));
        let (t, ty, e) = (Self::temp(id), self.ty(id), self.expression(id));
        quote!(let #t: #ty = #e;)
    }

    /// Emits the statements that compute `outputs`, and counts their operations.
    pub fn body(&self, outputs: &[Id]) -> (TokenStream, Count) {
        let mut count = Count::default();
        let mut out = TokenStream::new();
        let scalar = self.sig.scalar;
        let zero = literal(0.0, scalar);
        for item in schedule(self.graph(), outputs) {
            match item {
                Item::Let(id) => out.extend(self.let_statement(id, &mut count)),
                Item::Loop { lp, sums, body } => {
                    let def = &self.lowered.loops[lp.0 as usize];
                    let (pattern, iter) = (&def.pattern, &def.iter);
                    let accumulators: Vec<_> = sums.iter().map(|&s| Self::temp(s)).collect();
                    let lets: Vec<_> = body
                        .iter()
                        .map(|&id| self.let_statement(id, &mut count))
                        .collect();
                    let terms: Vec<_> = sums
                        .iter()
                        .map(|&s| {
                            count.record(self.graph().node(s));
                            let Node::Sum(_, term) = self.graph().node(s) else {
                                unreachable!("sums are Sum nodes")
                            };
                            self.operand(term)
                        })
                        .collect();
                    out.extend(quote! {
                        #(let mut #accumulators: #scalar = #zero;)*
                        for #pattern in #iter {
                            #(#lets)*
                            #(#accumulators += #terms;)*
                        }
                    });
                }
            }
        }
        (out, count)
    }

    /// Returns `SVector::from([g₀, …])`.
    pub fn gradient(&self, d: &Derivatives) -> TokenStream {
        let s = self.sig.scalar;
        let dim = self.sig.dim as usize;
        let entries = d.gradient.iter().map(|&id| self.operand(id));
        quote!(::newton::__private::SVector::<#s, #dim>::from([#(#entries),*]))
    }

    /// Returns `SMatrix::from([[…], …])`, each entry of the upper triangle mirrored.
    pub fn hessian(&self, d: &Derivatives) -> TokenStream {
        let s = self.sig.scalar;
        let dim = self.sig.dim as usize;
        let zero = literal(0.0, s);
        let mut cells = vec![vec![zero; dim]; dim];
        for &(j, k, id) in &d.hessian {
            let v = self.operand(id);
            cells[j as usize][k as usize] = v.clone();
            cells[k as usize][j as usize] = v;
        }
        let columns = cells.iter().map(|col| quote!([#(#col),*]));
        quote!(::newton::__private::SMatrix::<#s, #dim, #dim>::from([#(#columns),*]))
    }
}

/// Formats a constant for the scalar type: exact, shortest, and lint-clean.
pub fn literal(value: f64, scalar: Scalar) -> TokenStream {
    let ty = quote!(#scalar);
    if value.is_nan() {
        return quote!(#ty::NAN);
    }
    if value.is_infinite() {
        return if value > 0.0 {
            quote!(#ty::INFINITY)
        } else {
            quote!(#ty::NEG_INFINITY)
        };
    }
    let magnitude = match scalar {
        Scalar::F64 => Literal::f64_unsuffixed(value.abs()),
        #[expect(
            clippy::cast_possible_truncation,
            reason = "an f32 function's constants are f32"
        )]
        Scalar::F32 => Literal::f32_unsuffixed(value.abs() as f32),
    };
    if value.is_sign_negative() && value != 0.0 {
        quote!(-#magnitude)
    } else {
        quote!(#magnitude)
    }
}
