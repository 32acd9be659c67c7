//! What `#[hessian]` emits when the function has errors (model: thiserror's `fallback.rs`).
//!
//! The user's function unchanged, every `compile_error!`, and the module with its real
//! signatures and `unreachable!()` bodies, so callers of `f::gradient` see the real mistakes
//! and no "cannot find module `f`" cascade.

use proc_macro2::TokenStream;
use quote::quote;

use crate::module::{module, Parts};
use crate::signature::Signature;

/// Returns whether the derivatives become associated items of an `impl` block rather than a
/// module: for a method, a function that names `Self`, or one marked `#[hessian(associated)]`
/// (the macro sees only the function, so an associated function that does not name `Self`
/// must say so).
pub fn in_impl(item: &syn::ItemFn, sig: &Signature, associated: bool) -> bool {
    fn names_self(tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => i == "Self",
            proc_macro2::TokenTree::Group(g) => names_self(g.stream()),
            _ => false,
        })
    }
    associated || sig.receiver.is_some() || names_self(quote!(#item))
}

/// Emits the errors beside the fallback items.
pub fn expand(
    errors: &syn::Error,
    item: &syn::ItemFn,
    sig: &Signature,
    in_impl: bool,
) -> TokenStream {
    let errors = errors.to_compile_error();
    let zero = crate::emit::Count::default();
    let parts = Parts {
        sparsity: quote!(&[]),
        ops: [quote!(#zero), quote!(#zero), quote!(#zero)],
        callees: TokenStream::new(),
        bodies: None,
    };
    let items = if in_impl {
        crate::method::methods(item, sig, &parts)
    } else {
        module(item, sig, &parts)
    };
    quote! {
        #errors
        #items
    }
}
