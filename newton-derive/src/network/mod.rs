//! `network!`: checks the declaration, rewrites the residual and distance into functions that
//! `#[hessian]` differentiates in the output jet, and emits a module around newton's network
//! engine (`newton::network`). Only the residual and the distance are compiled; the layers run
//! in the engine over an `Architecture` whose widths are a run-time setting, the declared ones
//! being the default.

mod declaration;
mod emit;
mod rewrite;

use proc_macro2::TokenStream;

use crate::ctxt::Ctxt;

/// Expands one `network!` declaration.
pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let raw: declaration::Raw = syn::parse2(input)?;
    let cx = Ctxt::new();
    let declaration = raw.check(&cx);
    let mut residual = declaration.residual.clone();
    let uses = rewrite::rewrite(&cx, &mut residual, &declaration.inputs, true);
    rewrite::check_target(&cx, &uses, declaration.target);
    let distance = declaration.distance.clone().map(|mut e| {
        rewrite::rewrite(&cx, &mut e, &declaration.inputs, false);
        e
    });
    let errors = cx.check().err().map(|e| e.to_compile_error());
    let module = emit::module(&declaration, &residual, &uses, distance.as_ref());
    Ok(quote::quote! {
        #errors
        #module
    })
}
