//! Procedural macros of newton. Use them through the `newton` crate, which re-exports them
//! beside the runtime they generate code for.
//!
//! The pipeline, one module per pass: [`parse`] (attribute arguments) → [`signature`] and
//! [`lower`] (syn → IR; the only place user errors arise) → [`ir`] (a syn-free, hash-consed
//! DAG: differentiation, simplification, scheduling) → [`emit`] and [`module`] (IR → tokens),
//! with [`fallback`] for functions that have errors.

mod ctxt;
mod emit;
mod expand;
mod fallback;
mod ir;
mod lower;
mod module;
mod parse;
mod signature;

use proc_macro::TokenStream;

/// Differentiates a scalar function at compile time and emits, beside it, a module of the same
/// name with its exact gradient and Hessian.
///
/// See the `newton` crate for the generated items and the supported syntax.
#[proc_macro_attribute]
pub fn hessian(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::hessian(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
