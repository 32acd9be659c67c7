//! The module `network!` emits: constants, the compiled residual and distance, `Residual`,
//! `Network` and the `Loss` and `Workspace` aliases.
//!
//! Only the residual and the distance are compiled (by `#[hessian]`, in the output jet). The
//! layers are newton's run-time engine over the `Architecture` that `Network` holds, so the
//! declared widths are a default, not a shape baked into the code: `Network::with_widths`
//! changes them, and every emitted method reads the parameter count from the architecture.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Expr;

use super::declaration::{Activation, Declaration};
use super::rewrite::{local, Uses};

/// The number of components of the jets the residual needs: 1 (value only) or the order-two
/// jet of `d` inputs.
fn jet_components(uses: &Uses, d: usize) -> usize {
    if uses.components.iter().any(|c| !c.0.is_empty()) {
        1 + d + d * (d + 1) / 2
    } else {
        1
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
    p + previous + usize::from(d.output_bias)
}

/// Emits the module.
pub fn module(
    d: &Declaration,
    residual: &Expr,
    uses: &Uses,
    distance: Option<&Expr>,
) -> TokenStream {
    let attrs = &d.attrs;
    let vis = &d.vis;
    let name = &d.name;
    let inputs = &d.inputs;
    let dim = inputs.len();
    let k = jet_components(uses, dim);
    let jet = if k == 1 {
        quote!(f64)
    } else {
        quote!(::newton::network::Jet2<#dim, #k>)
    };
    let p = parameters(d);
    let widths = &d.hidden;
    let layers = widths.len();
    let residual_fn = residual_function(d, residual, uses, k);
    let distance_fn = distance.map(|e| {
        quote! {
            #[doc(hidden)]
            #[allow(unused_variables, clippy::all, clippy::pedantic)]
            #[::newton::hessian]
            pub fn __distance(#(#inputs: f64),*) -> f64 {
                #e
            }
        }
    });
    let residual_impl = residual_impl(d, uses, k, distance.is_some());
    let network = network(d, k);
    let doc_name = format!("`{name}`");
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
            /// The jet every neuron carries: the value alone, or with the input derivatives
            /// the residual needs.
            pub type Jet = #jet;
            /// The number of input coordinates.
            pub const INPUTS: usize = #dim;
            /// The declared widths of the hidden layers: the default of `Network`, which
            /// `Network::with_widths` changes at run time.
            pub const WIDTHS: [usize; #layers] = [#(#widths),*];
            /// The number of parameters `P` at the declared widths, `[A¹ row-major, b¹, …, c]`;
            /// `Network::parameters` gives it at the network's run-time widths.
            pub const P: usize = #p;
            #omega_const
            #fourier_const
            #[doc = concat!("The loss of ", #doc_name, " over borrowed points and targets.")]
            pub type Loss<'a> = ::newton::network::Loss<'a, Jet, Residual>;
            /// The reusable storage of every evaluation.
            pub type Workspace = ::newton::network::Workspace<Jet>;

            #residual_fn
            #distance_fn
            #residual_impl
            #network
        }
    }
}

/// `__residual(__jet, inputs…, __target)`, differentiated in `__jet` by `#[hessian]`.
fn residual_function(d: &Declaration, residual: &Expr, uses: &Uses, k: usize) -> TokenStream {
    let inputs = &d.inputs;
    let dim = inputs.len();
    let bindings = uses.components.iter().map(|c| {
        let index = if k == 1 { 0 } else { c.index(dim) };
        let local = local(c, inputs, Span::call_site());
        quote!(let #local = __jet[#index];)
    });
    quote! {
        #[doc(hidden)]
        #[allow(unused_variables, clippy::all, clippy::pedantic)]
        #[::newton::hessian(wrt(__jet))]
        pub fn __residual(__jet: [f64; #k], #(#inputs: f64,)* __target: f64) -> f64 {
            #(#bindings)*
            #residual
        }
    }
}

/// `impl newton::network::Residual<Jet> for Residual`.
fn residual_impl(d: &Declaration, uses: &Uses, k: usize, has_distance: bool) -> TokenStream {
    let dim = d.inputs.len();
    let coordinates: Vec<TokenStream> = (0..dim).map(|i| quote!(x[#i])).collect();
    let components = if k == 1 { quote!([*u]) } else { quote!(u.0) };
    let from_gradient = if k == 1 {
        quote!(g[0])
    } else {
        quote!(::newton::network::Jet2(g.into()))
    };
    let distance = if has_distance && k == 1 {
        quote!(__distance(#(#coordinates),*))
    } else if has_distance {
        quote! {{
            let (v, g, h) = __distance::value_gradient_hessian(#(#coordinates),*);
            <Jet as ::newton::network::Jet>::from_derivatives(v, g.as_slice(), h.as_slice())
        }}
    } else {
        quote!(<Jet as ::newton::network::Jet>::constant(1.0))
    };
    let uses_target = uses.uses_target();
    quote! {
        /// The declared residual and distance function, with their derivatives in the output
        /// jet compiled by `#[hessian]`.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct Residual;

        impl ::newton::network::Residual<Jet> for Residual {
            const USES_TARGET: bool = #uses_target;
            const NONLINEAR: bool = !__residual::SPARSITY.is_empty();

            #[inline]
            fn distance(&self, x: &[f64]) -> Jet {
                #distance
            }

            #[inline]
            fn residual(&self, x: &[f64], y: f64, u: &Jet) -> (f64, Jet) {
                let (r, g) = __residual::value_gradient(#components, #(#coordinates,)* y);
                (r, #from_gradient)
            }

            fn curvature(&self, x: &[f64], y: f64, u: &Jet, out: &mut [f64]) {
                let h = __residual::hessian(#components, #(#coordinates,)* y);
                for (o, v) in out.iter_mut().zip(h.iter()) {
                    *o = *v;
                }
            }
        }
    }
}

/// `Network::new` (with the Fourier frequencies when declared), `Default`, and
/// `Network::with_omega` for `sin` activations.
fn constructors(d: &Declaration) -> TokenStream {
    let dim = d.inputs.len();
    let widths = &d.hidden;
    let output_bias = d.output_bias;
    let activation = match d.activation {
        Activation::Tanh => quote!(::newton::network::Activation::Tanh),
        Activation::Sin(omega) => quote!(::newton::network::Activation::Sin { omega: #omega }),
        Activation::Plain(variant) => {
            let variant = quote::format_ident!("{variant}");
            quote!(::newton::network::Activation::#variant)
        }
    };
    let build = |embedding: TokenStream| {
        quote! {
            ::newton::network::Architecture {
                inputs: #dim,
                embedding: #embedding,
                widths: ::std::vec![#(#widths),*],
                activation: #activation,
                output_bias: #output_bias,
            }
        }
    };
    let constructor = if let Some(m) = d.fourier {
        let architecture = build(quote!(::newton::network::Embedding::Fourier {
            frequencies
        }));
        quote! {
            /// Builds the network with the Fourier frequencies `B` (`m × d`, fixed, not trained).
            ///
            /// # Errors
            ///
            /// [`newton::Error::InvalidSetting`](::newton::Error::InvalidSetting) unless `B` is
            /// `m × d` with finite entries.
            pub fn new(frequencies: ::newton::nalgebra::DMatrix<f64>) -> ::core::result::Result<Self, ::newton::Error> {
                if frequencies.nrows() != #m {
                    return ::core::result::Result::Err(::newton::Error::InvalidSetting {
                        name: "frequencies",
                        value: frequencies.nrows() as f64,
                        requirement: "a matrix with one row per declared Fourier frequency",
                    });
                }
                let architecture = #architecture;
                architecture.validate()?;
                ::core::result::Result::Ok(Self { architecture })
            }
        }
    } else {
        let architecture = build(quote!(::newton::network::Embedding::Identity));
        quote! {
            /// Builds the network as declared.
            #[must_use]
            pub fn new() -> Self {
                Self { architecture: #architecture }
            }
        }
    };
    let default = d.fourier.is_none().then(|| {
        quote! {
            impl ::core::default::Default for Network {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    let with_omega = matches!(d.activation, Activation::Sin(_)).then(|| {
        quote! {
            /// Returns the network with the frequency `ω` of its `sin(ω·)` activation changed.
            /// The frequency is a run-time setting of the engine; nothing is recompiled.
            ///
            /// # Errors
            ///
            /// [`newton::Error::InvalidSetting`](::newton::Error::InvalidSetting) unless `ω`
            /// is positive and at most
            /// [`newton::network::MAX_OMEGA`](::newton::network::MAX_OMEGA) (1e77, so that ω⁴
            /// is finite).
            pub fn with_omega(mut self, omega: f64) -> ::core::result::Result<Self, ::newton::Error> {
                self.architecture.activation = ::newton::network::Activation::Sin { omega };
                self.architecture.validate()?;
                ::core::result::Result::Ok(self)
            }
        }
    });
    quote! {
        #default

        impl Network {
            #constructor
            #with_omega

            /// Returns the network with hidden layers of the given widths in place of the
            /// declared `WIDTHS`: any number of layers, each at least one neuron wide. The
            /// compiled residual and distance serve every width, since the layers run in
            /// newton's engine, whose widths are a run-time setting; `P` grows as the sum of
            /// `wₗ(wₗ₋₁ + 1)`, and a Hessian takes `P²` numbers.
            ///
            /// # Errors
            ///
            /// [`newton::Error::InvalidSetting`](::newton::Error::InvalidSetting) (`hidden`) for
            /// no layers or a zero width, as
            /// [`Architecture::validate`](::newton::network::Architecture::validate) reports.
            pub fn with_widths(mut self, widths: &[usize]) -> ::core::result::Result<Self, ::newton::Error> {
                self.architecture.widths = widths.to_vec();
                self.architecture.validate()?;
                ::core::result::Result::Ok(self)
            }
        }
    }
}

/// `Network`: the architecture with its run-time settings, and what a user calls.
fn network(d: &Declaration, k: usize) -> TokenStream {
    let dim = d.inputs.len();
    let constructors = constructors(d);
    let value = if k == 1 { quote!(u) } else { quote!(u.0[0]) };
    quote! {
        /// The declared network: its architecture, with the run-time settings (the widths, `ω`,
        /// `B`).
        #[derive(Clone, Debug, PartialEq)]
        pub struct Network {
            architecture: ::newton::network::Architecture,
        }

        #constructors

        impl Network {
            /// Returns the architecture.
            #[must_use]
            pub fn architecture(&self) -> &::newton::network::Architecture {
                &self.architecture
            }

            /// Returns the number of parameters `P` at the network's widths: the length of `θ`
            /// for every method (the constant `P` is the count at the declared widths).
            #[must_use]
            pub fn parameters(&self) -> usize {
                self.architecture.parameters()
            }

            /// Returns the loss `(1/2N) Σᵢ rᵢ²` over `points` (`N × INPUTS`, one point after
            /// another) and `targets` (`N` values, or none when the residual uses no target).
            ///
            /// # Errors
            ///
            /// See [`newton::network::Loss::new`](::newton::network::Loss::new).
            pub fn loss<'a>(&'a self, points: &'a [f64], targets: &'a [f64]) -> ::core::result::Result<Loss<'a>, ::newton::Error> {
                ::newton::network::Loss::new(&self.architecture, Residual, points, targets)
            }

            /// Returns the output jet at `x`: `u` and the input derivatives the residual uses.
            /// Allocates its work space; a [`Loss`] evaluates many points without allocating.
            ///
            /// # Errors
            ///
            /// [`newton::Error::DimensionMismatch`](::newton::Error::DimensionMismatch) unless
            /// `theta` has [`Network::parameters`] entries.
            pub fn jet(&self, theta: &[f64], x: [f64; #dim]) -> ::core::result::Result<Jet, ::newton::Error> {
                use ::newton::network::Residual as _;
                let p = self.parameters();
                if theta.len() != p {
                    return ::core::result::Result::Err(::newton::Error::DimensionMismatch { what: "entries of θ", expected: p, found: theta.len() });
                }
                let mut ws = ::newton::network::engine::Workspace::new(&self.architecture);
                ::newton::network::engine::forward(&self.architecture, theta, &x, Residual.distance(&x), &mut ws)
            }

            /// Returns the network's output `u(x)`.
            ///
            /// # Errors
            ///
            /// As [`Network::jet`].
            pub fn forward(&self, theta: &[f64], x: [f64; #dim]) -> ::core::result::Result<f64, ::newton::Error> {
                let u = self.jet(theta, x)?;
                ::core::result::Result::Ok(#value)
            }

            /// Returns the basis functions at `x`: `D(x)·zᴸⱼ(x)` for each neuron `j` of the last
            /// hidden layer, so that `u = Σⱼ cⱼ · basis_j` (plus `D·c₀` with an output bias).
            ///
            /// # Errors
            ///
            /// As [`Network::jet`].
            pub fn basis(&self, theta: &[f64], x: [f64; #dim]) -> ::core::result::Result<::std::vec::Vec<f64>, ::newton::Error> {
                let p = self.parameters();
                if theta.len() != p {
                    return ::core::result::Result::Err(::newton::Error::DimensionMismatch { what: "entries of θ", expected: p, found: theta.len() });
                }
                let arch = &self.architecture;
                let last = arch.width(arch.depth());
                let c = arch.offset(arch.depth() + 1);
                let mut unit = theta.to_vec();
                (0..last)
                    .map(|j| {
                        for (i, v) in unit[c..].iter_mut().enumerate() {
                            *v = if i == j { 1.0 } else { 0.0 };
                        }
                        self.forward(&unit, x)
                    })
                    .collect()
            }

            /// Draws a Xavier/Glorot-uniform start from `seed`: weights `U(−a, a)`,
            /// `a = √(6/(fan_in + fan_out))`, biases 0, at the network's widths. The same seed
            /// gives the same `θ` whatever version of `rand` the caller uses: the generator is
            /// fixed, see [`newton::network::init_xavier`](::newton::network::init_xavier).
            #[must_use]
            pub fn init_xavier(&self, seed: u64) -> ::newton::nalgebra::DVector<f64> {
                let mut theta = ::newton::nalgebra::DVector::zeros(self.parameters());
                // Cannot fail: the architecture was validated when `self` was built, and
                // `theta` has its `P` entries.
                let _ = ::newton::network::init_xavier(&self.architecture, seed, theta.as_mut_slice());
                theta
            }
        }
    }
}
