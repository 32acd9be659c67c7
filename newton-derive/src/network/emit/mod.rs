//! The module `network!` emits: constants, the compiled residual terms, distance and lift,
//! `Network` and the `Loss` and `Workspace` aliases.
//!
//! Only the residuals, the distance and the lift are compiled (by `#[hessian]`, the residuals
//! in the output jet). The layers are newton's run-time engine over the `Architecture` that
//! `Network` holds, so the declared widths are a default, not a shape baked into the code:
//! `Network::with_widths` changes them, and every emitted method reads the parameter count
//! from the architecture.
//!
//! A declaration with `residuals: { pde: …, wall: … }` gets one submodule per term (its jet,
//! compiled residual and `Residual`), and its `Loss` is newton's `Terms` over them.

mod network;
mod term;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Expr, Ident};

use super::declaration::{Activation, Declaration};
use super::rewrite::{Component, Uses};

/// One residual term after rewriting.
pub struct Term<'a> {
    /// `None` for the single `residual:`.
    pub name: Option<&'a Ident>,
    pub residual: Expr,
    pub uses: Uses,
}

/// The number of components of the jets a residual needs: 1 (value only) or the order-two
/// jet of `d` inputs.
fn jet_components(uses: &Uses, d: usize) -> usize {
    if uses.components.iter().any(Component::is_derivative) {
        1 + d + d * (d + 1) / 2
    } else {
        1
    }
}

/// The type of a jet of `k` components over `d` inputs.
fn jet_type(k: usize, d: usize) -> TokenStream {
    if k == 1 {
        quote!(f64)
    } else {
        quote!(::newton::network::Jet2<#d, #k>)
    }
}

/// The parameter count of the declared architecture.
fn parameters(d: &Declaration) -> usize {
    let features = d.fourier.map_or(d.inputs.len(), |m| 2 * m);
    let mut previous = features;
    let mut p = 0;
    for &w in &d.hidden {
        p += w * (previous + 1);
        previous = w;
    }
    p + d.outputs.len() * (previous + usize::from(d.output_bias))
}

/// How the run-time constants and trainable coefficients are threaded through the emitted
/// functions.
pub struct Constants {
    /// `, kappa: f64`: the constants as parameters of the compiled distance and lift.
    params: TokenStream,
    /// `, kappa: f64, nu: f64`: the constants, then the coefficients, as parameters of the
    /// compiled residuals.
    residual_params: TokenStream,
    /// `, self.constants.kappa, self.coefficients.nu`: the same, as a `Residual` passes them.
    residual_args: TokenStream,
    /// `, __c: &Constants`: the parameter of the jet helpers.
    helper_param: TokenStream,
    /// `, __c.kappa, __c.nu`: the arguments from the helpers' parameter.
    from_helper: TokenStream,
    /// `, &self.constants`: what `Residual` and `Network` methods pass to the helpers.
    from_self: TokenStream,
    /// `{ constants: self.constants, coefficients: Coefficients::default() }`: the fields a
    /// `Network` builds a `Residual` with.
    residual_init: TokenStream,
}

impl Constants {
    fn new(d: &Declaration) -> Self {
        let names: Vec<&Ident> = d.constants.iter().map(|(n, _)| n).collect();
        let trained: Vec<&Ident> = d.trainable.iter().map(|(n, _)| n).collect();
        let with_constants = !names.is_empty();
        let fields = with_constants.then(|| quote!(constants: self.constants,));
        let coefficients =
            (!trained.is_empty()).then(|| quote!(coefficients: Coefficients::default(),));
        let residual_init = if with_constants || !trained.is_empty() {
            quote!({ #fields #coefficients })
        } else {
            TokenStream::new()
        };
        let when = |tokens: TokenStream| {
            if with_constants {
                tokens
            } else {
                TokenStream::new()
            }
        };
        Self {
            params: quote!(#(, #names: f64)*),
            residual_params: quote!(#(, #names: f64)* #(, #trained: f64)*),
            residual_args: quote!(#(, self.constants.#names)* #(, self.coefficients.#trained)*),
            helper_param: when(quote!(, __c: &Constants)),
            from_helper: quote!(#(, __c.#names)*),
            from_self: when(quote!(, &self.constants)),
            residual_init,
        }
    }
}

/// Emits the module.
pub fn module(
    d: &Declaration,
    terms: &[Term<'_>],
    distance: Option<&Expr>,
    lift: Option<&Expr>,
) -> TokenStream {
    let attrs = &d.attrs;
    let vis = &d.vis;
    let name = &d.name;
    let dim = d.inputs.len();
    let k = terms
        .iter()
        .map(|t| jet_components(&t.uses, dim))
        .max()
        .unwrap_or(1);
    let jet = jet_type(k, dim);
    let p = parameters(d);
    let outputs = d.outputs.len();
    let widths = &d.hidden;
    let layers = widths.len();
    let constants = Constants::new(d);
    let shape = shape_functions(d, &constants, distance, lift);
    let constants_struct = values_struct(
        &d.constants,
        "Constants",
        "The constants of the residuals, set at run time with `Network::with_constants`; \
         `Default` gives the declared values.",
    );
    let coefficients_struct = values_struct(
        &d.trainable,
        "Coefficients",
        "The trainable coefficients of the residuals: the last entries of `θ`, after the \
         network's parameters, in this order; `Default` gives the declared initial values, \
         which `Network::init_xavier` uses.",
    );
    let (terms_items, loss_items) = if d.has_named_terms() {
        term::named(d, terms, &constants)
    } else {
        term::single(d, &terms[0], &constants)
    };
    let network = network::network(d, &constants, lift.is_some());
    let omega_const = match d.activation {
        Activation::Sin(omega) => Some(quote! {
            /// The declared frequency `ω` of the `sin(ω·)` activation (change it at run time
            /// with `Network::with_omega`).
            pub const OMEGA: f64 = #omega;
        }),
        Activation::Tanh | Activation::Plain(_) => None,
    };
    let fourier_const = d.fourier.map(|m| {
        quote! {
            /// The number of Fourier frequencies `m`: the first layer sees `2m` features.
            pub const FREQUENCIES: usize = #m;
        }
    });
    quote! {
        #(#attrs)*
        #[allow(clippy::all, clippy::pedantic)]
        #vis mod #name {
            // The residuals, distance and lift may name constants and functions of the
            // module around the declaration, by their plain names.
            #[allow(unused_imports)]
            use super::*;

            /// The jet every neuron carries: the value alone, or with the input derivatives
            /// the residuals need.
            pub type Jet = #jet;
            /// The number of input coordinates.
            pub const INPUTS: usize = #dim;
            /// The number of outputs (`u`, or those `outputs:` declares).
            pub const OUTPUTS: usize = #outputs;
            /// The declared widths of the hidden layers: the default of `Network`, which
            /// `Network::with_widths` changes at run time.
            pub const WIDTHS: [usize; #layers] = [#(#widths),*];
            /// The number of parameters `P` at the declared widths, `[A¹ row-major, b¹, …, c]`
            /// (`c` one row per output);
            /// `Network::parameters` gives it at the network's run-time widths.
            pub const P: usize = #p;
            #omega_const
            #fourier_const
            #constants_struct
            #coefficients_struct
            #loss_items
            #shape
            #terms_items
            #network
        }
    }
}

/// `Constants` or `Coefficients`: a field per declared name, the declared values as default.
fn values_struct(values: &[(Ident, Expr)], name: &str, doc: &str) -> Option<TokenStream> {
    if values.is_empty() {
        return None;
    }
    let name = format_ident!("{name}");
    let names: Vec<&Ident> = values.iter().map(|(n, _)| n).collect();
    let defaults = values.iter().map(|(_, v)| v);
    let docs = values
        .iter()
        .map(|(n, v)| format!("`{n}`, declared as `{}`.", quote!(#v)));
    Some(quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct #name {
            #(#[doc = #docs] pub #names: f64,)*
        }

        impl ::core::default::Default for #name {
            fn default() -> Self {
                Self { #(#names: (#defaults) as f64,)* }
            }
        }
    })
}

/// The compiled distance and lift (functions of the inputs and constants, differentiated in
/// the inputs), and the generic helpers that turn them into a jet of any order.
fn shape_functions(
    d: &Declaration,
    constants: &Constants,
    distance: Option<&Expr>,
    lift: Option<&Expr>,
) -> TokenStream {
    let inputs = &d.inputs;
    let coordinates: Vec<TokenStream> = (0..inputs.len()).map(|i| quote!(x[#i])).collect();
    let Constants {
        params,
        helper_param,
        from_helper,
        ..
    } = constants;
    let compiled = |name: &Ident, body: &Expr| {
        quote! {
            #[doc(hidden)]
            #[allow(unused_variables, clippy::all, clippy::pedantic)]
            #[::newton::hessian(wrt(#(#inputs),*))]
            pub fn #name(#(#inputs: f64),* #params) -> f64 {
                #body
            }
        }
    };
    let jet_of = |name: &Ident| {
        quote! {{
            if <J as ::newton::network::Jet>::K == 1 {
                <J as ::newton::network::Jet>::constant(#name(#(#coordinates),* #from_helper))
            } else {
                let (v, g, h) = #name::value_gradient_hessian(#(#coordinates),* #from_helper);
                <J as ::newton::network::Jet>::from_derivatives(v, g.as_slice(), h.as_slice())
            }
        }}
    };
    let distance_name = format_ident!("__distance");
    let lift_name = format_ident!("__lift");
    let distance_fn = distance.map(|e| compiled(&distance_name, e));
    let distance_jet = distance.map_or_else(
        || quote!(<J as ::newton::network::Jet>::constant(1.0)),
        |_| jet_of(&distance_name),
    );
    let lift_items = lift.map(|e| {
        let function = compiled(&lift_name, e);
        let jet = jet_of(&lift_name);
        quote! {
            #function

            /// The jet of the declared lift at `x`, added to the network's output.
            #[doc(hidden)]
            #[inline]
            pub fn __lift_jet<J: ::newton::network::Jet>(x: &[f64] #helper_param) -> J {
                #jet
            }
        }
    });
    quote! {
        #distance_fn

        /// The jet of the distance function at `x` (1 when none is declared).
        #[doc(hidden)]
        #[inline]
        #[allow(unused_variables)]
        pub fn __distance_jet<J: ::newton::network::Jet>(x: &[f64] #helper_param) -> J {
            #distance_jet
        }

        #lift_items
    }
}
