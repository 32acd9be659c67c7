//! What `#[hessian]` emits for a method or an associated function: the derivatives as
//! associated items beside it, since an `impl` block cannot hold a module.
//!
//! For `fn loss(&self, x: [f64; 2], xs: &[f64]) -> f64` the impl gains `loss_value`,
//! `loss_gradient`, `loss_value_gradient`, `loss_hessian`, `loss_value_gradient_hessian` (each
//! taking the receiver and exactly the original arguments), the constants `LOSS_DIM`,
//! `LOSS_SPARSITY`, `LOSS_OPS`, `LOSS_PARAMETERS`, and `loss_objective(&self, xs)`: the method
//! as a `newton::Objective` of its differentiated scalars, a [`FnObjective`] whose context is
//! the receiver and the constant arguments.
//!
//! [`FnObjective`]: https://docs.rs/newton/latest/newton/struct.FnObjective.html

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::visit_mut::VisitMut;

use crate::module::{body_block, parameters, params, point_args, NameElidedLifetimes, Parts};
use crate::signature::Signature;

/// Emits the user's method followed by its derivatives, as associated items.
pub fn methods(item: &syn::ItemFn, sig: &Signature, parts: &Parts) -> TokenStream {
    let vis = &item.vis;
    let name = &item.sig.ident;
    let base = name.unraw().to_string();
    let upper = base.to_uppercase();
    let dim = sig.dim as usize;
    // The generated methods only read the receiver, whatever form the original takes it in
    // (`self`, `self: Rc<Self>`; `&mut self` is reported as an error).
    let receiver = sig.receiver.as_ref().map(|_| quote!(&self,));
    let params = params(sig);
    let functions = derivative_methods(item, sig, parts, receiver.as_ref(), &params);
    let [g_ops, h_ops, vgh_ops] = &parts.ops;
    let (dim_c, sparsity_c, ops_c, parameters_c) = (
        format_ident!("{upper}_DIM"),
        format_ident!("{upper}_SPARSITY"),
        format_ident!("{upper}_OPS"),
        format_ident!("{upper}_PARAMETERS"),
    );
    let sparsity = &parts.sparsity;
    let parameters = parameters(sig);
    let objective = objective(item, sig);
    let docs = [
        format!(" The number of differentiated scalars of [`Self::{name}`]."),
        format!(" The structural non-zeros `(row, column)` of the upper triangle of [`Self::{name}`]'s Hessian, row-major."),
        format!(" Operation counts of the code generated for [`Self::{name}`]."),
        format!(" The parameters of [`Self::{name}`] in order (the receiver excluded), with where each differentiated one sits in the gradient."),
    ];
    let [d0, d1, d2, d3] = &docs;
    quote! {
        #item

        #[doc = #d0]
        #vis const #dim_c: usize = #dim;
        #[doc = #d1]
        #vis const #sparsity_c: &'static [(usize, usize)] = #sparsity;
        #[doc = #d2]
        #vis const #ops_c: ::newton::__private::Ops = ::newton::__private::Ops {
            gradient: #g_ops,
            hessian: #h_ops,
            value_gradient_hessian: #vgh_ops,
        };
        #[doc = #d3]
        #vis const #parameters_c: &'static [::newton::__private::Parameter] = &[#(#parameters),*];

        #(#functions)*

        #objective
    }
}

/// Emits `<name>_value`, `<name>_gradient`, `<name>_value_gradient`, `<name>_hessian` and
/// `<name>_value_gradient_hessian`, each taking the receiver and the original arguments.
fn derivative_methods(
    item: &syn::ItemFn,
    sig: &Signature,
    parts: &Parts,
    receiver: Option<&TokenStream>,
    params: &[TokenStream],
) -> Vec<TokenStream> {
    let vis = &item.vis;
    let name = &item.sig.ident;
    let scalar = sig.scalar;
    let dim = sig.dim as usize;
    let generics = &item.sig.generics;
    let where_clause = &generics.where_clause;
    let body = |b: Option<&TokenStream>| body_block(sig, b);
    let b = parts.bodies.as_ref();
    let vector = quote!(::newton::__private::SVector<#scalar, #dim>);
    let matrix = quote!(::newton::__private::SMatrix<#scalar, #dim, #dim>);
    let functions = [
        (
            "value",
            quote!(#scalar),
            b.map(|b| &b.value),
            "The value of",
        ),
        (
            "gradient",
            vector.clone(),
            b.map(|b| &b.gradient),
            "The gradient of",
        ),
        (
            "value_gradient",
            quote!((#scalar, #vector)),
            b.map(|b| &b.value_gradient),
            "The value and gradient of",
        ),
        (
            "hessian",
            matrix.clone(),
            b.map(|b| &b.hessian),
            "The Hessian (symmetric; only the upper triangle is computed) of",
        ),
        (
            "value_gradient_hessian",
            quote!((#scalar, #vector, #matrix)),
            b.map(|b| &b.value_gradient_hessian),
            "The value, gradient and Hessian, from one fused body, of",
        ),
    ];
    functions.into_iter().map(|(suffix, output, b, what)| {
        let f = format_ident!("{}_{suffix}", name.unraw());
        let doc = format!(" {what} [`Self::{name}`], generated by `#[hessian]`.");
        let body = body(b);
        quote! {
            #[doc = #doc]
            #[inline]
            #[must_use]
            #[allow(clippy::all, clippy::pedantic, clippy::nursery, unused_parens, non_snake_case)]
            #vis fn #f #generics (#receiver #(#params),*) -> #output #where_clause #body
        }
    })
    .collect()
}

/// Emits `<name>_objective(&self, constants…)`: the method as a `newton::Objective` of its
/// differentiated scalars, with the receiver and the constant arguments as its context.
fn objective(item: &syn::ItemFn, sig: &Signature) -> TokenStream {
    let vis = &item.vis;
    let name = &item.sig.ident;
    let scalar = sig.scalar;
    let dim = sig.dim as usize;
    let constants: Vec<_> = sig
        .args
        .iter()
        .filter(|a| !Signature::is_differentiated(a))
        .collect();
    let mut namer = NameElidedLifetimes(false);
    let mut types: Vec<syn::Type> = constants
        .iter()
        .map(|a| {
            let mut ty = a.ty.clone();
            namer.visit_type_mut(&mut ty);
            ty
        })
        .collect();
    let has_self = sig.receiver.is_some();
    let needs_lifetime = namer.0 || has_self;
    if has_self {
        types.insert(0, syn::parse_quote!(&'__a Self));
    }
    // The method's own lifetimes, which the constant arguments' types may name, and `'__a`.
    let own = item.sig.generics.lifetimes().map(|l| &l.lifetime);
    let lifetimes: Vec<TokenStream> = needs_lifetime
        .then(|| quote!('__a))
        .into_iter()
        .chain(own.map(|l| quote!(#l)))
        .collect();
    let receiver = has_self.then(|| quote!(&'__a self,));
    let const_params = constants
        .iter()
        .zip(types.iter().skip(usize::from(has_self)))
        .map(|(a, t)| {
            let n = &a.name;
            quote!(#n: #t)
        });
    let const_names = constants.iter().map(|a| &a.name);
    let context_values = has_self
        .then(|| quote!(self,))
        .into_iter()
        .chain(const_names.map(|n| quote!(#n,)));
    let offset = usize::from(has_self);
    let call_args = point_args(sig, |a| {
        let i = constants
            .iter()
            .position(|c| c.name == a.name)
            .expect("a constant argument")
            + offset;
        let i = syn::Index::from(i);
        quote!(c.#i)
    });
    let callee = |suffix: &str| {
        let f = format_ident!("{}_{suffix}", name.unraw());
        if has_self {
            quote!(c.0.#f(#(#call_args),*))
        } else {
            quote!(Self::#f(#(#call_args),*))
        }
    };
    let (value, value_gradient, value_gradient_hessian) = (
        callee("value"),
        callee("value_gradient"),
        callee("value_gradient_hessian"),
    );
    let f = format_ident!("{}_objective", name.unraw());
    let doc = format!(" [`Self::{name}`] as a [`newton::Objective`](::newton::Objective) of its {dim} differentiated scalars, with the receiver and the constant arguments held as its context.");
    let generics = (!lifetimes.is_empty()).then(|| quote!(<#(#lifetimes),*>));
    quote! {
        #[doc = #doc]
        #[must_use]
        #[allow(clippy::all, clippy::pedantic, clippy::nursery)]
        #vis fn #f #generics (#receiver #(#const_params),*) -> ::newton::__private::FnObjective<(#(#types,)*), #scalar, #dim> {
            ::newton::__private::FnObjective::new(
                (#(#context_values)*),
                |c, x| #value,
                |c, x| #value_gradient,
                |c, x| #value_gradient_hessian,
            )
        }
    }
}
