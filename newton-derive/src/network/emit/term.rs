//! The items of each residual term: its jet, its residual compiled by `#[hessian]` in the
//! output jet, and its `Residual`; and the `Loss` and `Workspace` of the declaration.

use proc_macro2::{Span, TokenStream};
use quote::quote;

use super::super::declaration::Declaration;
use super::super::rewrite::local;
use super::{jet_components, jet_type, Constants, Term};

/// The items of the single `residual:` at the module's top level, and its `Loss` and
/// `Workspace`.
pub fn single(
    d: &Declaration,
    term: &Term<'_>,
    constants: &Constants,
) -> (TokenStream, TokenStream) {
    let items = term_items(d, term, constants, false);
    let loss = aliases(
        d,
        &quote!(::newton::network::Loss<'a, Jet, Residual>),
        &quote!(::newton::network::Workspace<Jet>),
    );
    (items, loss)
}

/// One submodule per named term, `PointSets` with a field per term, and the `Loss` over
/// them all.
pub fn named(
    d: &Declaration,
    terms: &[Term<'_>],
    constants: &Constants,
) -> (TokenStream, TokenStream) {
    let names: Vec<_> = terms.iter().filter_map(|t| t.name).collect();
    let modules = terms.iter().map(|t| {
        let name = t.name;
        let items = term_items(d, t, constants, true);
        let doc = format!(
            "The term `{}`: its jet, compiled residual and `Residual`.",
            quote!(#name)
        );
        quote! {
            #[doc = #doc]
            pub mod #name {
                #[allow(unused_imports)]
                use super::*;
                #items
            }
        }
    });
    let set_docs = names
        .iter()
        .map(|n| format!("The points, targets and weight of the term `{n}`."));
    let items = quote! {
        #(#modules)*

        /// The points of every term, each with its targets and weight, given at run time.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct PointSets<'a> {
            #(#[doc = #set_docs] pub #names: ::newton::network::PointSet<'a>,)*
        }
    };
    let terms = quote!(::newton::network::Terms<(#(::newton::network::Loss<'a, #names::Jet, #names::Residual>,)*)>);
    let workspaces = quote!((#(::newton::network::Workspace<#names::Jet>,)*));
    let loss = if d.trainable.is_empty() {
        aliases(d, &terms, &workspaces)
    } else {
        // Trainable coefficients wrap the tuple of terms itself.
        aliases(
            d,
            &quote!((#(::newton::network::Loss<'a, #names::Jet, #names::Residual>,)*)),
            &workspaces,
        )
    };
    (items, loss)
}

/// `Loss<'a>` and `Workspace` from the loss of the terms and its workspace, wrapped in
/// `Trainable` when coefficients are declared.
fn aliases(d: &Declaration, loss: &TokenStream, workspace: &TokenStream) -> TokenStream {
    if d.trainable.is_empty() {
        quote! {
            /// The loss over the points: `Σₖ wₖ/(2Nₖ) Σᵢ rₖᵢ²` (one term unless `residuals:`
            /// names several).
            pub type Loss<'a> = #loss;
            /// The reusable storage of every evaluation.
            pub type Workspace = #workspace;
        }
    } else {
        quote! {
            /// The loss over the points, with the trainable coefficients as the last entries
            /// of `θ`.
            pub type Loss<'a> = ::newton::network::Trainable<#loss>;
            /// The reusable storage of every evaluation.
            pub type Workspace = ::newton::network::TrainableWorkspace<#workspace>;
        }
    }
}

/// A term's `Jet` (in a term's own module), `__residual` and `Residual`.
fn term_items(
    d: &Declaration,
    term: &Term<'_>,
    constants: &Constants,
    own_jet: bool,
) -> TokenStream {
    let dim = d.inputs.len();
    let k = jet_components(&term.uses, dim);
    let jet = own_jet.then(|| {
        let jet = jet_type(k, dim);
        quote! {
            /// The jet this term's residual reads: the value alone, or with the input
            /// derivatives it uses.
            pub type Jet = #jet;
        }
    });
    let function = residual_function(d, term, constants, k);
    let implementation = residual_impl(d, term, constants, k);
    quote! {
        #jet
        #function
        #implementation
    }
}

/// `__residual(__jet, inputs…, __target, constants…)`, differentiated in `__jet`.
fn residual_function(
    d: &Declaration,
    term: &Term<'_>,
    constants: &Constants,
    k: usize,
) -> TokenStream {
    let inputs = &d.inputs;
    let dim = inputs.len();
    // Output `o`'s jet is entries `o·K ..` of `__jet`.
    let bindings = term.uses.components.iter().map(|c| {
        let index = c.output * k + if k == 1 { 0 } else { c.index(dim) };
        let local = local(c, (inputs, &d.outputs), Span::call_site());
        quote!(let #local = __jet[#index];)
    });
    let bindings: Vec<TokenStream> = bindings.collect();
    // Every output's `K` components, output after output.
    let length = d.outputs.len() * k;
    let residual = &term.residual;
    let params = &constants.residual_params;
    let trained = d.trainable.iter().map(|(n, _)| n);
    // With trainable coefficients, the same residual differentiated in them as well.
    let in_coefficients = (!d.trainable.is_empty()).then(|| {
        quote! {
            #[doc(hidden)]
            #[allow(unused_variables, clippy::all, clippy::pedantic)]
            #[::newton::hessian(wrt(__jet #(, #trained)*))]
            pub fn __residual_c(__jet: [f64; #length], #(#inputs: f64,)* __target: f64 #params) -> f64 {
                #(#bindings)*
                #residual
            }
        }
    });
    quote! {
        #[doc(hidden)]
        #[allow(unused_variables, clippy::all, clippy::pedantic)]
        #[::newton::hessian(wrt(__jet))]
        pub fn __residual(__jet: [f64; #length], #(#inputs: f64,)* __target: f64 #params) -> f64 {
            #(#bindings)*
            #residual
        }
        #in_coefficients
    }
}

/// `Residual` and its `impl newton::network::Residual<Jet>`.
fn residual_impl(d: &Declaration, term: &Term<'_>, constants: &Constants, k: usize) -> TokenStream {
    let dim = d.inputs.len();
    let outputs = d.outputs.len();
    let n = outputs * k;
    let coordinates: Vec<TokenStream> = (0..dim).map(|i| quote!(x[#i])).collect();
    // The components of every output's jet, output after output, as `__residual` takes them.
    let components = quote! {{
        let mut __c = [0.0; #n];
        for (o, u) in u.iter().enumerate().take(#outputs) {
            for k in 0..#k {
                __c[o * #k + k] = <Jet as ::newton::network::Jet>::get(u, k);
            }
        }
        __c
    }};
    let from_self = &constants.from_self;
    let arguments = &constants.residual_args;
    // The lift moves the jet the residual sees: `u = lift + D·N` (one output only).
    let shift = d.lift.as_ref().map(|_| {
        quote! {
            let __lifted = [<Jet as ::newton::network::Jet>::add_scaled(u[0], 1.0, __lift_jet::<Jet>(x #from_self))];
            let u = &__lifted[..];
        }
    });
    let uses_target = term.uses.uses_target();
    let constants_field = (!d.constants.is_empty()).then(|| {
        quote! {
            /// The constants the residual is evaluated with.
            pub constants: Constants,
        }
    });
    let coefficients_field = (!d.trainable.is_empty()).then(|| {
        quote! {
            /// The trainable coefficients the residual is evaluated with.
            pub coefficients: Coefficients,
        }
    });
    let structure = if d.constants.is_empty() && d.trainable.is_empty() {
        quote! {
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
            pub struct Residual;
        }
    } else {
        quote! {
            #[derive(Clone, Copy, Debug, Default, PartialEq)]
            pub struct Residual {
                #constants_field
                #coefficients_field
            }
        }
    };
    let coefficients_impl =
        coefficients_impl(d, (outputs, k), shift.as_ref(), &components, arguments);
    quote! {
        /// The declared residual, distance function and lift, with the residual's derivatives
        /// in the output jet compiled by `#[hessian]`.
        #structure

        impl ::newton::network::Residual<Jet> for Residual {
            const USES_TARGET: bool = #uses_target;
            const NONLINEAR: bool = !__residual::SPARSITY.is_empty();

            #[inline]
            fn distance(&self, x: &[f64]) -> Jet {
                __distance_jet::<Jet>(x #from_self)
            }

            const OUTPUTS: usize = #outputs;

            #[inline]
            fn residual(&self, x: &[f64], y: f64, u: &[Jet], dual: &mut [Jet]) -> f64 {
                #shift
                let (r, g) = __residual::value_gradient(#components, #(#coordinates,)* y #arguments);
                for (o, dual) in dual.iter_mut().enumerate().take(#outputs) {
                    for k in 0..#k {
                        *<Jet as ::newton::network::Jet>::get_mut(dual, k) = g[o * #k + k];
                    }
                }
                r
            }

            fn curvature(&self, x: &[f64], y: f64, u: &[Jet], out: &mut [f64]) {
                #shift
                let h = __residual::hessian(#components, #(#coordinates,)* y #arguments);
                for (o, v) in out.iter_mut().zip(h.iter()) {
                    *o = *v;
                }
            }
        }

        #coefficients_impl
    }
}

/// `impl newton::network::Coefficients<Jet> for Residual`, when coefficients are declared:
/// the residual's derivatives in the coefficients from `__residual_c`, whose variables are the
/// jet's `K` components and then the `m` coefficients.
fn coefficients_impl(
    d: &Declaration,
    (outputs, k): (usize, usize),
    shift: Option<&TokenStream>,
    components: &TokenStream,
    arguments: &TokenStream,
) -> Option<TokenStream> {
    if d.trainable.is_empty() {
        return None;
    }
    let m = d.trainable.len();
    let n = outputs * k;
    let coordinates: Vec<TokenStream> = (0..d.inputs.len()).map(|i| quote!(x[#i])).collect();
    let assigned = d
        .trainable
        .iter()
        .enumerate()
        .map(|(j, (n, _))| quote!(#n: values[#j]));
    Some(quote! {
        impl ::newton::network::Coefficients<Jet> for Residual {
            const COUNT: usize = #m;

            fn with_coefficients(self, values: &[f64]) -> Self {
                Self {
                    coefficients: Coefficients { #(#assigned,)* },
                    ..self
                }
            }

            fn coefficient_derivatives(
                &self,
                x: &[f64],
                y: f64,
                u: &[Jet],
                dual: &mut [Jet],
                d: &mut ::newton::network::CoefficientDerivatives,
            ) -> f64 {
                #shift
                let (r, g, h) = __residual_c::value_gradient_hessian(#components, #(#coordinates,)* y #arguments);
                for (o, dual) in dual.iter_mut().enumerate().take(#outputs) {
                    for k in 0..#k {
                        *<Jet as ::newton::network::Jet>::get_mut(dual, k) = g[o * #k + k];
                    }
                }
                for a in 0..#n {
                    for j in 0..#m {
                        d.duc[a * #m + j] = h[(a, #n + j)];
                    }
                }
                for i in 0..#m {
                    d.dc[i] = g[#n + i];
                    for j in 0..#m {
                        d.dcc[i * #m + j] = h[(#n + i, #n + j)];
                    }
                }
                r
            }
        }
    })
}
