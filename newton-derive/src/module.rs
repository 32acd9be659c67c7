//! The module `#[hessian]` emits beside the function: constants, functions, `Objective`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::visit_mut::VisitMut;

use crate::signature::{Arg, Kind, Signature};

/// The bodies of the four generated functions, each a block.
pub struct Bodies {
    pub value: TokenStream,
    pub gradient: TokenStream,
    pub value_gradient: TokenStream,
    pub hessian: TokenStream,
    pub value_gradient_hessian: TokenStream,
}

/// Everything the module needs besides the signature.
pub struct Parts {
    /// The expression of `SPARSITY`, the upper-triangle structural non-zeros, row-major.
    pub sparsity: TokenStream,
    /// Operation counts of `gradient`, `hessian` and `value_gradient_hessian`, as expressions
    /// (a caller's add its callees').
    pub ops: [TokenStream; 3],
    /// The module of the functions this one calls (empty when it calls none).
    pub callees: TokenStream,
    /// `None` in the fallback expansion: bodies become `unreachable!()`.
    pub bodies: Option<Bodies>,
}

/// Emits the user's function followed by its module.
pub fn module(item: &syn::ItemFn, sig: &Signature, parts: &Parts) -> TokenStream {
    let vis = &item.vis;
    let name = &item.sig.ident;
    let scalar = sig.scalar;
    let dim = sig.dim as usize;
    let generics = &item.sig.generics;
    let where_clause = &generics.where_clause;
    let params = params(sig);
    let body = |b: Option<&TokenStream>| body_block(sig, b);
    let b = parts.bodies.as_ref();
    let value = body(b.map(|b| &b.value));
    let gradient = body(b.map(|b| &b.gradient));
    let value_gradient = body(b.map(|b| &b.value_gradient));
    let hessian = body(b.map(|b| &b.hessian));
    let value_gradient_hessian = body(b.map(|b| &b.value_gradient_hessian));
    let [g_ops, h_ops, vgh_ops] = &parts.ops;
    let sparsity = &parts.sparsity;
    let callees = &parts.callees;
    let parameters = parameters(sig);
    let vector = quote!(::newton::__private::SVector<#scalar, #dim>);
    let matrix = quote!(::newton::__private::SMatrix<#scalar, #dim, #dim>);
    let objective = objective(item, sig, parts.bodies.is_some());
    let doc_mod = format!(
        "Exact derivatives of the function `{name}`, generated at compile time by `#[hessian]`."
    );

    // Callers often use only the module; the original is its specification, not dead code.
    let mut item = item.clone();
    item.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
    quote! {
        #item

        #[doc = #doc_mod]
        #[allow(clippy::all, clippy::pedantic, clippy::nursery, unused_parens, non_snake_case)]
        #vis mod #name {
            #[allow(unused_imports)]
            use super::*;

            /// The number of differentiated scalars: the length of the gradient.
            pub const DIM: usize = #dim;

            /// The structural non-zeros `(row, column)` of the Hessian's upper triangle, row-major.
            pub const SPARSITY: &[(usize, usize)] = #sparsity;

            /// The parameters in order, with where each differentiated one sits in the gradient:
            /// what a `#[hessian]` function that calls this one reads.
            pub const PARAMETERS: &[::newton::__private::Parameter] = &[#(#parameters),*];

            /// Operation counts of the generated code.
            pub const OPS: ::newton::__private::Ops = ::newton::__private::Ops {
                gradient: #g_ops,
                hessian: #h_ops,
                value_gradient_hessian: #vgh_ops,
            };

            /// Returns the value, computed from the same expression graph as the derivatives.
            #[inline]
            #[must_use]
            pub fn value #generics (#(#params),*) -> #scalar #where_clause #value

            /// Returns the gradient.
            #[inline]
            #[must_use]
            pub fn gradient #generics (#(#params),*) -> #vector #where_clause #gradient

            /// Returns the value and the gradient.
            #[inline]
            #[must_use]
            pub fn value_gradient #generics (#(#params),*) -> (#scalar, #vector) #where_clause #value_gradient

            /// Returns the Hessian (symmetric; only the upper triangle is computed).
            #[inline]
            #[must_use]
            pub fn hessian #generics (#(#params),*) -> #matrix #where_clause #hessian

            /// Returns the value, the gradient and the Hessian from one fused body.
            #[inline]
            #[must_use]
            pub fn value_gradient_hessian #generics (#(#params),*) -> (#scalar, #vector, #matrix) #where_clause #value_gradient_hessian

            #objective

            #callees
        }
    }
}

/// Returns the original parameter list, `x: f64, xs: &[f64]`, for the generated functions.
pub fn params(sig: &Signature) -> Vec<TokenStream> {
    sig.args
        .iter()
        .map(|a| {
            let (n, t) = (&a.name, &a.ty);
            quote!(#n: #t)
        })
        .collect()
}

/// Wraps a generated body, or `unreachable!()` in the fallback, in a block that first touches
/// every argument (an argument the derivatives do not need is still not "unused").
pub fn body_block(sig: &Signature, body: Option<&TokenStream>) -> TokenStream {
    let arg_names = sig.args.iter().map(|a| &a.name);
    let touch = quote!(let _ = (#(&#arg_names,)*););
    match body {
        Some(b) => quote!({ #touch #b }),
        None => {
            quote!({ #touch ::core::unreachable!("`#[hessian]` reported errors for this function") })
        }
    }
}

/// Returns the arguments that call a generated function at the point `x` of the objective:
/// `x[k]` for a differentiated scalar, `[x[k], …]` for an array, `constant(arg)` for the rest.
pub fn point_args(sig: &Signature, constant: impl Fn(&Arg) -> TokenStream) -> Vec<TokenStream> {
    sig.args
        .iter()
        .map(|a| match a.kind {
            Kind::Diff(k) => {
                let k = k as usize;
                quote!(x[#k])
            }
            Kind::DiffArray { first, len } => {
                let ks = (first as usize..first as usize + len).map(|k| quote!(x[#k]));
                quote!([#(#ks),*])
            }
            _ => constant(a),
        })
        .collect()
}

/// Returns `Parameter` expressions for every argument, in order.
pub fn parameters(sig: &Signature) -> Vec<TokenStream> {
    sig.args
        .iter()
        .map(|a| {
            let n = a.name.to_string();
            match a.kind {
                Kind::Diff(k) => {
                    let k = k as usize;
                    quote!(::newton::__private::Parameter::differentiated(#n, #k, 1))
                }
                Kind::DiffArray { first, len } => {
                    let first = first as usize;
                    quote!(::newton::__private::Parameter::differentiated(#n, #first, #len))
                }
                _ => quote!(::newton::__private::Parameter::constant(#n)),
            }
        })
        .collect()
}

/// Emits `Objective`: the constant arguments as fields, and the `newton::Objective` impl over
/// the flattened differentiated arguments.
fn objective(item: &syn::ItemFn, sig: &Signature, real: bool) -> TokenStream {
    let name = &item.sig.ident;
    let dim = sig.dim as usize;
    let mut needs_lifetime = false;
    let fields: Vec<(syn::Ident, syn::Type)> = sig
        .args
        .iter()
        .filter(|a| !Signature::is_differentiated(a))
        .map(|a| {
            let mut ty = a.ty.clone();
            let mut namer = NameElidedLifetimes(false);
            namer.visit_type_mut(&mut ty);
            needs_lifetime |= namer.0;
            (a.name.clone(), ty)
        })
        .collect();
    // Only lifetimes: type parameters are rejected, and a struct without fields takes none.
    let mut generics = item.sig.generics.clone();
    generics.params = generics
        .params
        .into_iter()
        .filter(|p| matches!(p, syn::GenericParam::Lifetime(_)) && !fields.is_empty())
        .collect();
    if fields.is_empty() {
        generics.where_clause = None;
    }
    if needs_lifetime {
        generics.params.insert(0, syn::parse_quote!('__a));
    }
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let derives = if sig
        .args
        .iter()
        .any(|a| matches!(a.kind, Kind::Opaque | Kind::Rejected))
    {
        quote!()
    } else {
        quote!(#[derive(Clone, Copy, Debug)])
    };
    let field_names: Vec<_> = fields.iter().map(|(n, _)| n).collect();
    let field_types: Vec<_> = fields.iter().map(|(_, t)| t).collect();
    let field_docs: Vec<_> = field_names
        .iter()
        .map(|n| format!("The constant argument `{n}`."))
        .collect();
    let definition = if fields.is_empty() {
        quote!(
            pub struct Objective;
        )
    } else {
        quote!(pub struct Objective #impl_generics #where_clause { #(#[doc = #field_docs] pub #field_names: #field_types,)* })
    };
    let doc = format!("`{name}` as a [`newton::Objective`](::newton::Objective) of its {dim} differentiated scalars; the fields are its constant arguments.");
    let implementation = objective_impl(sig, &generics, real);
    quote! {
        #[doc = #doc]
        #derives
        #definition
        #implementation
    }
}

/// Emits `impl newton::Objective for Objective`, forwarding to the module's functions.
fn objective_impl(sig: &Signature, generics: &syn::Generics, real: bool) -> TokenStream {
    let scalar = sig.scalar;
    let dim = sig.dim as usize;
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let call_args = point_args(sig, |a| {
        let n = &a.name;
        quote!(self.#n)
    });
    let vector = quote!(::newton::__private::SVector<#scalar, #dim>);
    let matrix = quote!(::newton::__private::SMatrix<#scalar, #dim, #dim>);
    // In the fallback, the module functions are unreachable, and so are these.
    let forward = |outputs: TokenStream, call: TokenStream| {
        if real {
            call
        } else {
            quote!({ let _ = (self, x, #outputs); ::core::unreachable!("`#[hessian]` reported errors for this function") })
        }
    };
    let value_body = forward(quote!(), quote!({ value(#(#call_args),*) }));
    let value_gradient_body = forward(
        quote!(gradient),
        quote!({
            let (value, g) = value_gradient(#(#call_args),*);
            *gradient = g;
            value
        }),
    );
    let value_gradient_hessian_body = forward(
        quote!(gradient, hessian),
        quote!({
            let (value, g, h) = value_gradient_hessian(#(#call_args),*);
            *gradient = g;
            *hessian = h;
            value
        }),
    );
    quote! {
        impl #impl_generics ::newton::__private::Objective for Objective #ty_generics #where_clause {
            type Scalar = #scalar;
            type Dim = ::newton::__private::Const<#dim>;

            #[inline]
            fn dim(&self) -> Self::Dim {
                ::newton::__private::Const
            }

            #[inline]
            fn value(&self, x: &#vector) -> #scalar #value_body

            #[inline]
            fn value_gradient(&self, x: &#vector, gradient: &mut #vector) -> #scalar #value_gradient_body

            #[inline]
            fn value_gradient_hessian(&self, x: &#vector, gradient: &mut #vector, hessian: &mut #matrix) -> #scalar #value_gradient_hessian_body
        }
    }
}

/// Gives elided reference lifetimes the name `'__a`, so the types can be struct fields.
pub struct NameElidedLifetimes(pub bool);

impl VisitMut for NameElidedLifetimes {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        let elided = r.lifetime.as_ref().is_none_or(|l| l.ident == "_");
        if elided {
            r.lifetime = Some(syn::parse_quote!('__a));
            self.0 = true;
        }
        syn::visit_mut::visit_type_reference_mut(self, r);
    }
}
