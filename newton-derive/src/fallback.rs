//! What `#[hessian]` emits when the function has errors (model: thiserror's `fallback.rs`).
//!
//! The user's function unchanged, every `compile_error!`, and the module with its real
//! signatures and `unreachable!()` bodies, so callers of `f::gradient` see the real mistakes
//! and no "cannot find module `f`" cascade.

use proc_macro2::TokenStream;
use quote::quote;

use crate::module::{module, Parts};
use crate::signature::Signature;

/// Emits the errors beside the fallback items.
pub fn expand(errors: &syn::Error, item: &syn::ItemFn, sig: &Signature) -> TokenStream {
    let errors = errors.to_compile_error();
    let zero = crate::emit::Count::default();
    let parts = Parts {
        sparsity: quote!(
            /// The structural non-zeros `(row, column)` of the Hessian's upper triangle.
            pub const SPARSITY: &[(usize, usize)] = &[];
        ),
        ops: [quote!(#zero), quote!(#zero), quote!(#zero)],
        callees: TokenStream::new(),
        bodies: None,
    };
    let items = module(item, sig, &parts);
    quote! {
        #errors
        #items
    }
}
