//! `network!`: checks the declaration, rewrites the residual terms, distance and lift into
//! functions that `#[hessian]` differentiates (the residuals in the output jet), and emits a
//! module around newton's network engine (`newton::network`). Only those are compiled; the
//! layers run in the engine over an `Architecture` whose widths are a run-time setting, the
//! declared ones being the default.

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
    let terms: Vec<emit::Term<'_>> = declaration
        .terms
        .iter()
        .map(|(name, expr)| {
            let mut residual = expr.clone();
            let names = (&declaration.inputs[..], &declaration.outputs[..]);
            let uses = rewrite::rewrite(&cx, &mut residual, names, true);
            rewrite::check_target(&cx, &uses, declaration.target);
            emit::Term {
                name: name.as_ref(),
                residual,
                uses,
            }
        })
        .collect();
    let shape = |e: &syn::Expr| {
        let mut e = e.clone();
        let names = (&declaration.inputs[..], &declaration.outputs[..]);
        rewrite::rewrite(&cx, &mut e, names, false);
        e
    };
    let distance = declaration.distance.as_ref().map(shape);
    let lift = declaration.lift.as_ref().map(shape);
    let errors = cx.check().err().map(|e| e.to_compile_error());
    let module = emit::module(&declaration, &terms, distance.as_ref(), lift.as_ref());
    Ok(quote::quote! {
        #errors
        #module
    })
}
