//! The `#[hessian]` pipeline: parse → lower → differentiate → schedule → emit.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemFn;

use crate::ctxt::Ctxt;
use crate::emit::Emitter;
use crate::ir::differentiate;
use crate::module::{module, Bodies, Parts};
use crate::parse::Args;
use crate::{compose, lower, signature};

/// Expands `#[hessian(args)] item`.
///
/// # Errors
/// Only when `item` is not a function: every other mistake becomes a `compile_error!` beside a
/// fallback expansion, so callers of the generated items see no follow-on errors.
pub fn hessian(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let item: ItemFn = syn::parse2(item)?;
    let cx = Ctxt::new();
    let args = match syn::parse2::<Args>(args) {
        Ok(a) => a,
        Err(e) => {
            cx.push(e);
            Args::default()
        }
    };
    let sig = signature::analyse(&cx, &item.sig, args.wrt.as_deref());
    let lowered = lower::lower(&cx, &sig, &item);
    let in_impl = crate::fallback::in_impl(&item, &sig, args.associated);
    if let Some(lowered) = &lowered {
        if in_impl {
            for callee in &lowered.callees {
                cx.error_spanned_by(&callee.path, format!("a `#[hessian]` method cannot call other `#[hessian]` functions yet: a method's derivatives live inside the `impl`, where the checks of a call cannot; make `{}` a free function, or define the helper as a `fn` inside its body (it is then inlined)", item.sig.ident));
            }
        }
    }
    if let Err(errors) = cx.check() {
        return Ok(crate::fallback::expand(&errors, &item, &sig, in_impl));
    }
    let Some(mut lowered) = lowered else {
        unreachable!("lowering without errors returns a function")
    };
    let derivatives = differentiate(&mut lowered.graph, lowered.value, sig.dim);
    let emitter = Emitter {
        lowered: &lowered,
        sig: &sig,
    };
    let d = &derivatives;
    let value = emitter.operand(d.value);
    let gradient = emitter.gradient(d);
    let hessian = emitter.hessian(d);
    let hessian_ids: Vec<_> = d.hessian.iter().map(|&(_, _, id)| id).collect();
    let all: Vec<_> = std::iter::once(d.value)
        .chain(d.gradient.iter().copied())
        .chain(hessian_ids.iter().copied())
        .collect();

    let v_body = emitter.body(&[d.value]).code;
    let g = emitter.body(&d.gradient);
    let vg_body = emitter.body(&all[..=d.gradient.len()]).code;
    let h = emitter.body(&hessian_ids);
    let vgh = emitter.body(&all);
    let (g_body, g_count) = (&g.code, g.count);
    let (h_body, h_count) = (&h.code, h.count);
    let (vgh_body, vgh_count) = (&vgh.code, vgh.count);

    if let Some((budget, lit)) = &args.max_ops {
        if vgh_count.total() > *budget {
            let error = syn::Error::new_spanned(
                lit,
                format!(
                    "the fused value, gradient and Hessian take {} operations, above `max_ops = {budget}` (the gradient alone takes {}, the Hessian alone {}); raise the budget or simplify the function",
                    vgh_count.total(),
                    g_count.total(),
                    h_count.total()
                ),
            );
            return Ok(crate::fallback::expand(&error, &item, &sig, in_impl));
        }
    }

    let sparsity = compose::sparsity(&emitter, d);
    let bodies = Bodies {
        value: quote!({ #v_body #value }),
        gradient: quote!({ #g_body #gradient }),
        value_gradient: quote!({ #vg_body (#value, #gradient) }),
        hessian: quote!({ #h_body #hessian }),
        value_gradient_hessian: quote!({ #vgh_body (#value, #gradient, #hessian) }),
    };
    let scalar = sig.scalar;
    let parts = Parts {
        sparsity,
        ops: [
            compose::ops(g_count, &g.calls),
            compose::ops(h_count, &h.calls),
            compose::ops(vgh_count, &vgh.calls),
        ],
        callees: {
            let mut callees = compose::callees_module(&item.sig.ident, &lowered, &quote!(#scalar));
            // The callees' operations are known only to the compiler: check the budget there.
            if let (Some((budget, lit)), false) = (&args.max_ops, lowered.callees.is_empty()) {
                let message = format!("`{}` and the functions it calls take more than `max_ops = {budget}` operations in the fused value, gradient and Hessian (see its `OPS`); raise the budget or simplify the function", item.sig.ident);
                callees.extend(quote::quote_spanned! {lit.span()=>
                    const _: () = ::core::assert!(OPS.value_gradient_hessian.total() as u64 <= #budget, #message);
                });
            }
            callees
        },
        bodies: Some(bodies),
    };
    if in_impl {
        Ok(crate::method::methods(&item, &sig, &parts))
    } else {
        Ok(module(&item, &sig, &parts))
    }
}
