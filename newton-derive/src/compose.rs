//! What a `#[hessian]` function that calls others emits besides its bodies: the callees'
//! modules under private names, the compile-time checks of each call, and `OPS` and
//! `SPARSITY` composed with the callees'.
//!
//! The caller names each callee's module through `__callees::__cK`, an import of the path the
//! user wrote. When that path is a plain function (no module beside it), the import brings the
//! function alone and a glob-imported fallback module of the same name fills the module
//! namespace: its items keep the generated code compiling, and its `DIM` has a type that fails a
//! trait bound whose `#[diagnostic::on_unimplemented]` message names both functions.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};

use crate::emit::{callee_module, Count, Emitter, Level};
use crate::ir::{structure, Derivatives, Node, Structure};
use crate::lower::{Callee, Lowered};

/// Emits `mod __callees`, or nothing when the function calls no other.
pub fn callees_module(caller: &syn::Ident, lowered: &Lowered, scalar: &TokenStream) -> TokenStream {
    if lowered.callees.is_empty() {
        return TokenStream::new();
    }
    let mut imports = Vec::new();
    let mut fallbacks = Vec::new();
    let mut checks = Vec::new();
    for (k, callee) in lowered.callees.iter().enumerate() {
        let alias = format_ident!("__c{k}");
        let path = respan(resolved(&callee.path), name_span(callee));
        imports.push(quote!(#[allow(unused_imports)] pub(super) use #path as #alias;));
        let width = lowered
            .calls
            .iter()
            .filter(|c| c.callee == k)
            .flat_map(|c| c.places.iter().map(|&(_, e)| e.unwrap_or(0) + 1))
            .max()
            .unwrap_or(1);
        fallbacks.push(fallback(&alias, callee, width, scalar));
        checks.push(differentiable_check(caller, k, callee));
    }
    for call in &lowered.calls {
        let callee = &lowered.callees[call.callee];
        let module = format_ident!("__c{}", call.callee);
        let mut arguments: Vec<usize> = call.places.iter().map(|&(i, _)| i).collect();
        arguments.dedup();
        for i in arguments {
            let name = callee_name(callee);
            let before = format!("`{caller}` passes a value that depends on its differentiated arguments to the parameter `");
            let after = format!("` of `{name}`, which `{name}` treats as a constant, so its derivatives would be lost: differentiate that parameter in `{name}` (name it in `wrt`, or leave `wrt` out), or pass a value that does not depend on the differentiated arguments");
            let span = call.spans[i];
            checks.push(quote_spanned! {span=>
                const _: () = ::newton::__private::expect_differentiated(#module::PARAMETERS, #i, #before, #after);
            });
        }
    }
    quote! {
        /// The functions this one calls, by their modules; see `newton`'s composition docs.
        #[doc(hidden)]
        mod __callees {
            #[allow(unused_imports)]
            use super::super::*;
            #[allow(unused_imports)]
            pub(super) use self::__fallback::*;
            #(#imports)*

            /// Stand-ins for callees that have no module: they exist only for the error.
            #[allow(dead_code, non_camel_case_types, clippy::all, clippy::pedantic)]
            mod __fallback {
                #(#fallbacks)*
            }

            #(#checks)*
        }
    }
}

/// Returns the path that imports the callee from inside `__callees`, two modules below the
/// caller's: relative single names and `self::` paths are anchored at the caller's module;
/// others (`crate::…`, another crate's) are written as the user wrote them.
fn resolved(path: &syn::Path) -> TokenStream {
    let first = path.segments.first().map(|s| s.ident.to_string());
    match first.as_deref() {
        _ if path.leading_colon.is_some() => path.to_token_stream(),
        Some("crate") => path.to_token_stream(),
        Some("self") => {
            let rest = path.segments.iter().skip(1);
            quote!(super::super #(::#rest)*)
        }
        Some("super") => quote!(super::super::#path),
        _ if path.segments.len() == 1 => quote!(super::super::#path),
        _ => path.to_token_stream(),
    }
}

/// Gives every token the span of the user's path, so an unresolved import points at it.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut t| {
            t.set_span(span);
            t
        })
        .collect()
}

/// The span of the callee's name in the first call.
fn name_span(callee: &Callee) -> Span {
    callee
        .path
        .segments
        .last()
        .map_or_else(Span::call_site, |s| s.ident.span())
}

/// The callee's name as the user wrote it, for messages.
fn callee_name(callee: &Callee) -> String {
    callee.path.to_token_stream().to_string().replace(' ', "")
}

/// The fallback module of one callee: the items the caller reads, with the call's shape.
fn fallback(
    alias: &syn::Ident,
    callee: &Callee,
    width: usize,
    scalar: &TokenStream,
) -> TokenStream {
    let arity = callee.arity;
    let generics: Vec<_> = (0..arity).map(|i| format_ident!("A{i}")).collect();
    let params = generics.iter().map(|g| quote!(_: #g));
    let params = quote!(#(#params),*);
    let unreachable = quote!({ ::core::unreachable!("not a `#[hessian]` function") });
    let vector = quote!(::newton::__private::SVector<#scalar, #width>);
    let matrix = quote!(::newton::__private::SMatrix<#scalar, #width, #width>);
    let zero = Count::default();
    quote! {
        pub mod #alias {
            pub struct PlainFunction;
            pub const DIM: PlainFunction = PlainFunction;
            pub const PARAMETERS: &[::newton::__private::Parameter] =
                &[::newton::__private::Parameter::differentiated("", 0, #width); #arity];
            pub const SPARSITY: &[(usize, usize)] = &[];
            pub const OPS: ::newton::__private::Ops = ::newton::__private::Ops { gradient: #zero, hessian: #zero, value_gradient_hessian: #zero };
            pub fn value<#(#generics),*>(#params) -> #scalar #unreachable
            pub fn value_gradient<#(#generics),*>(#params) -> (#scalar, #vector) #unreachable
            pub fn value_gradient_hessian<#(#generics),*>(#params) -> (#scalar, #vector, #matrix) #unreachable
        }
    }
}

/// A trait bound only a real module's `DIM` (a `usize`) meets, with the message for the rest.
fn differentiable_check(caller: &syn::Ident, k: usize, callee: &Callee) -> TokenStream {
    let name = callee_name(callee);
    let span = name_span(callee);
    let alias = syn::Ident::new(&format!("__c{k}"), span);
    let trait_name = format_ident!("Differentiable{k}");
    let message = format!(
        "`{name}` is not a `#[hessian]` function, so `{caller}` cannot differentiate through it"
    );
    let label = format!(
        "`{caller}` calls `{name}` with values that depend on its differentiated arguments"
    );
    let note = format!("mark `{name}` with `#[hessian]`, define it as a `fn` inside `{caller}` (it is then inlined), or write a module `{name}` with the items a `#[hessian]` module exports (see \"Functions that call functions\" in newton's README)");
    quote_spanned! {span=>
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        trait #trait_name {}
        #[diagnostic::do_not_recommend]
        impl #trait_name for usize {}
        const _: () = {
            const fn differentiable<T: #trait_name>(_: &T) {}
            differentiable(&#alias::DIM)
        };
    }
}

/// Returns the `OPS` count of one body: its own operations plus those of the callee function
/// each call runs (`gradient` for a value and gradient, `value_gradient_hessian` for a Hessian).
pub fn ops(count: Count, calls: &[(usize, Level)]) -> TokenStream {
    let mut tokens = count.to_token_stream();
    for &(callee, level) in calls {
        let module = callee_module(callee);
        let field = match level {
            Level::Value => continue,
            Level::Gradient => quote!(gradient),
            Level::Hessian => quote!(value_gradient_hessian),
        };
        tokens = quote!(#tokens.plus(#module::OPS.#field));
    }
    tokens
}

/// Returns the expression of `SPARSITY`: a literal list, or a list filtered at compile time
/// where an entry is non-zero only if a callee's Hessian entry is.
pub fn sparsity(emitter: &Emitter, d: &Derivatives) -> TokenStream {
    let ids: Vec<_> = d.hessian.iter().map(|&(_, _, id)| id).collect();
    let structures = structure(&emitter.lowered.graph, &ids);
    if structures.iter().all(|s| *s == Structure::Always) {
        let entries = d.hessian.iter().map(|&(j, k, _)| {
            let (j, k) = (j as usize, k as usize);
            quote!((#j, #k))
        });
        return quote!(&[#(#entries),*]);
    }
    let candidates = d.hessian.iter().zip(&structures).map(|(&(j, k, _), s)| {
        let (j, k) = (j as usize, k as usize);
        let nonzero = match s {
            Structure::Never => quote!(false),
            Structure::Always => quote!(true),
            Structure::AnyOf(entries) => {
                let conditions = entries.iter().map(|&h| {
                    let Node::CallHess(inv, a, b) = emitter.lowered.graph.node(h) else {
                        unreachable!("conditions are callee Hessian entries")
                    };
                    let module = emitter.callee_of(inv);
                    let (a, b) = (emitter.slot_index(inv, a), emitter.slot_index(inv, b));
                    quote!(::newton::__private::hessian_nonzero(#module::SPARSITY, #a, #b))
                });
                quote!(#(#conditions)||*)
            }
        };
        quote!((#j, #k, #nonzero))
    });
    let m = d.hessian.len();
    quote! {{
        const CANDIDATES: [(usize, usize, bool); #m] = [#(#candidates),*];
        const NNZ: usize = ::newton::__private::count_nonzero(&CANDIDATES);
        const NONZERO: [(usize, usize); NNZ] =
            ::newton::__private::nonzero::<#m, NNZ>(&CANDIDATES);
        &NONZERO
    }}
}
