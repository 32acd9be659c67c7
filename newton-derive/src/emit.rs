//! IR → tokens: straight-line `let`s in schedule order, rolled loops for data, the module.

use std::collections::HashMap;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{schedule, Derivatives, Graph, Id, Item, Node};
use crate::lower::{CallArg, CallDef, ExternTy, Lowered};
use crate::signature::{Kind, Scalar, Signature};

/// Operation counts of one emitted body, mirrored by `newton::OpCount`.
#[derive(Clone, Copy, Default, Debug)]
pub struct Count {
    pub add: u32,
    pub mul: u32,
    pub div: u32,
    pub neg: u32,
    pub calls: u32,
    pub functions: u32,
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
            Node::Div(..) | Node::Rem(..) => self.div += 1,
            Node::Neg(_) => self.neg += 1,
            Node::Call(..)
            | Node::Powi(..)
            | Node::Powf(..)
            | Node::Atan2(..)
            | Node::Hypot(..)
            | Node::RemEuclid(..)
            | Node::DivEuclid(..) => self.calls += 1,
            Node::Invoke(_) => self.functions += 1,
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
            functions,
        } = *self;
        tokens.extend(quote!(::newton::__private::OpCount { add: #add, mul: #mul, div: #div, neg: #neg, calls: #calls, functions: #functions }));
    }
}

/// Which of a called function's generated functions a body needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Value,
    Gradient,
    Hessian,
}

/// One emitted body: its statements, its operation count, and the functions it calls.
pub struct Body {
    pub code: TokenStream,
    pub count: Count,
    /// `(callee, level)` for every call, in order: the callee's operations add to `count`.
    pub calls: Vec<(usize, Level)>,
}

/// Returns the path of the `k`-th callee's module, as the generated functions name it.
pub fn callee_module(k: usize) -> TokenStream {
    let alias = format_ident!("__c{k}");
    quote!(__callees::#alias)
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
            Node::Rem(a, b) => {
                let (a, b) = (o(a), o(b));
                quote!(#a % #b)
            }
            Node::Powf(a, b)
            | Node::Atan2(a, b)
            | Node::Hypot(a, b)
            | Node::Max(a, b)
            | Node::Min(a, b)
            | Node::RemEuclid(a, b)
            | Node::DivEuclid(a, b) => {
                let method = format_ident!("{}", binary_method(self.graph().node(id)));
                let (a, b) = (r(a), o(b));
                quote!(#a.#method(#b))
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
            Node::Invoke(_) => unreachable!("calls are emitted with their level"),
            Node::CallValue(_) | Node::CallGrad(..) | Node::CallHess(..) => self.call_result(id),
        }
    }

    /// Returns what a call-result node reads from its call's tuple: `.0` the value, `.1[k]`
    /// the gradient, `.2[(j, k)]` the Hessian.
    fn call_result(&self, id: Id) -> TokenStream {
        match self.graph().node(id) {
            Node::CallValue(inv) => {
                let t = Self::temp(inv);
                quote!(#t.0)
            }
            Node::CallGrad(inv, k) => {
                let (t, k) = (Self::temp(inv), self.slot_index(inv, k));
                quote!(#t.1[#k])
            }
            Node::CallHess(inv, j, k) => {
                let (t, j, k) = (
                    Self::temp(inv),
                    self.slot_index(inv, j),
                    self.slot_index(inv, k),
                );
                quote!(#t.2[(#j, #k)])
            }
            _ => unreachable!("only call results read a call"),
        }
    }

    /// Returns the call behind an `Invoke` node.
    fn call(&self, inv: Id) -> &CallDef {
        let Node::Invoke(k) = self.graph().node(inv) else {
            unreachable!("call results read an `Invoke`")
        };
        &self.lowered.calls[k as usize]
    }

    /// Returns the tokens that pass one argument of a call.
    fn call_arg(&self, arg: &CallArg) -> TokenStream {
        match arg {
            CallArg::Node(id) => self.operand(*id),
            CallArg::Array(ids) => {
                let elems = ids.iter().map(|&id| self.operand(id));
                quote!([#(#elems),*])
            }
            CallArg::Tokens(t) => t.clone(),
            CallArg::Ref(inner) => {
                let inner = self.call_arg(inner);
                quote!(&#inner)
            }
        }
    }

    /// Returns the module of the function the call `inv` calls.
    pub fn callee_of(&self, inv: Id) -> TokenStream {
        callee_module(self.call(inv).callee)
    }

    /// Returns the callee's gradient index of slot `k` of the call `inv`, as a constant the
    /// callee's `PARAMETERS` fixes: `const { __callees::__c0::PARAMETERS[1].offset + 2 }`.
    pub fn slot_index(&self, inv: Id, k: u32) -> TokenStream {
        let call = self.call(inv);
        let module = callee_module(call.callee);
        let (arg, element) = call.places[k as usize];
        let element = element.unwrap_or(0);
        quote!(const { #module::PARAMETERS[#arg].offset + #element })
    }

    /// Returns the call of the callee's function that gives what the body needs, as a tuple
    /// whose fields `.0`, `.1`, `.2` are the value, gradient and Hessian.
    fn invoke(&self, inv: Id, level: Level) -> TokenStream {
        let call = self.call(inv);
        let module = callee_module(call.callee);
        let args = call.args.iter().map(|a| self.call_arg(a));
        match level {
            Level::Value => quote!((#module::value(#(#args),*),)),
            Level::Gradient => quote!(#module::value_gradient(#(#args),*)),
            Level::Hessian => quote!(#module::value_gradient_hessian(#(#args),*)),
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

    fn let_statement(&self, id: Id, levels: &HashMap<Id, Level>, count: &mut Count) -> TokenStream {
        let t = Self::temp(id);
        let node = self.graph().node(id);
        count.record(node);
        if let Node::Invoke(_) = node {
            let call = self.invoke(id, levels[&id]);
            return quote!(let #t = #call;);
        }
        let (ty, e) = (self.ty(id), self.expression(id));
        quote!(let #t: #ty = #e;)
    }

    /// Emits the statements that compute `outputs`, and counts their operations.
    pub fn body(&self, outputs: &[Id]) -> Body {
        let mut count = Count::default();
        let mut out = TokenStream::new();
        let scalar = self.sig.scalar;
        let zero = literal(0.0, scalar);
        let items = schedule(self.graph(), outputs);
        let levels = self.levels(&items);
        let mut calls: Vec<(usize, Level)> = levels
            .iter()
            .map(|(&inv, &level)| (inv, self.call(inv).callee, level))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|(_, callee, level)| (callee, level))
            .collect();
        calls.shrink_to_fit();
        for item in items {
            match item {
                Item::Let(id) => out.extend(self.let_statement(id, &levels, &mut count)),
                Item::Loop { lp, sums, body } => {
                    let def = &self.lowered.loops[lp.0 as usize];
                    let (pattern, iter) = (&def.pattern, &def.iter);
                    let accumulators: Vec<_> = sums.iter().map(|&s| Self::temp(s)).collect();
                    let lets: Vec<_> = body
                        .iter()
                        .map(|&id| self.let_statement(id, &levels, &mut count))
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
        Body {
            code: out,
            count,
            calls,
        }
    }

    /// Returns, for every call the scheduled nodes read, the least of the callee's functions
    /// that gives what they read.
    fn levels(&self, items: &[Item]) -> HashMap<Id, Level> {
        let mut levels = HashMap::new();
        let ids = items.iter().flat_map(|item| match item {
            Item::Let(id) => std::slice::from_ref(id),
            Item::Loop { body, .. } => body.as_slice(),
        });
        for &id in ids {
            let (inv, level) = match self.graph().node(id) {
                Node::CallValue(inv) => (inv, Level::Value),
                Node::CallGrad(inv, _) => (inv, Level::Gradient),
                Node::CallHess(inv, ..) => (inv, Level::Hessian),
                _ => continue,
            };
            let entry = levels.entry(inv).or_insert(level);
            *entry = (*entry).max(level);
        }
        levels
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

/// The `f64` method a two-operand node is emitted as: `a.powf(b)`, `a.max(b)`, ….
fn binary_method(node: Node) -> &'static str {
    match node {
        Node::Powf(..) => "powf",
        Node::Atan2(..) => "atan2",
        Node::Hypot(..) => "hypot",
        Node::Max(..) => "max",
        Node::Min(..) => "min",
        Node::RemEuclid(..) => "rem_euclid",
        Node::DivEuclid(..) => "div_euclid",
        _ => unreachable!("a two-operand method node"),
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
