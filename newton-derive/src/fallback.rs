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
    let parts = Parts {
        sparsity: Vec::new(),
        ops: Default::default(),
        bodies: None,
    };
    let items = module(item, sig, &parts);
    quote! {
        #errors
        #items
    }
}
