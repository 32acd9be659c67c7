//! Procedural macros of newton. Use them through the `newton` crate, which re-exports them
//! beside the runtime they generate code for.
//!
//! The pipeline, one module per pass: `parse` (attribute arguments) → `signature` and
//! `lower` (syn → IR; the only place user errors arise) → `ir` (a syn-free, hash-consed
//! DAG: differentiation, simplification, scheduling) → `emit` and `module` (IR → tokens),
//! with `fallback` for functions that have errors.

mod compose;
mod ctxt;
mod emit;
mod expand;
mod fallback;
mod ir;
mod lower;
mod method;
mod module;
mod network;
mod parse;
mod signature;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Differentiates a scalar function at compile time and emits, beside it, a module of the same
/// name with its exact gradient and Hessian.
///
/// ```text
/// #[hessian]                 every f64 / [f64; K] argument is differentiated
/// #[hessian(wrt(a, b))]      only `a` and `b`; other float arguments are constants
/// #[hessian(max_ops = 5000)] a compile error if the expansion exceeds 5000 operations
/// ```
///
/// The module holds `DIM`, `value`, `gradient`, `value_gradient`, `hessian`,
/// `value_gradient_hessian`, `SPARSITY`, `PARAMETERS`, `OPS` and `Objective`; every function takes exactly the
/// original arguments. The `newton` crate's front page documents the supported syntax with
/// compiled examples.
#[proc_macro_attribute]
pub fn hessian(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::hessian(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declares a fully connected network and its loss, and emits a module with its exact,
/// allocation-free loss, gradient and Hessian (through `newton::network`).
///
/// ```text
/// network! {
///     /// docs
///     pub name {
///         inputs: (x),                 // 1 to 3 coordinates
///         hidden: [10, 10],            // default widths; `Network::with_widths` sets others
///         activation: sin(1.0),        // or tanh
///         embedding: none,             // or fourier(m): [cos 2πBx, sin 2πBx], B at run time
///         output_bias: false,          // optional, false by default
///         distance: x * (1.0 - x),     // optional; multiplies every basis function
///         target: none,                // optional: the residual uses no target
///         residual: u.xx + 4.0 * PI * PI * (2.0 * PI * x).sin(),
///     }
/// }
/// ```
///
/// The residual and the distance are compiled (differentiated in the output jet by
/// `#[hessian]`); the layers run in newton's run-time engine, whose widths are a setting.
///
/// The `newton` crate's front page documents the emitted module with compiled examples.
#[proc_macro]
pub fn network(input: TokenStream) -> TokenStream {
    network::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
