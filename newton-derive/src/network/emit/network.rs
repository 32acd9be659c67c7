//! `Network`: the architecture with its run-time settings (widths, `ω`, Fourier frequencies,
//! the residuals' constants), and what a user calls on it.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::declaration::{Activation, Declaration};
use super::Constants;

/// `Network::new` (with the Fourier frequencies when declared), `Default`, and
/// `Network::with_omega` for `sin` activations.
fn constructors(d: &Declaration) -> TokenStream {
    let constants = (!d.constants.is_empty()).then(|| quote!(constants: Constants::default(),));
    let dim = d.inputs.len();
    let widths = &d.hidden;
    let output_bias = d.output_bias;
    let outputs = d.outputs.len();
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
                outputs: #outputs,
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
                ::core::result::Result::Ok(Self { architecture, #constants })
            }
        }
    } else {
        let architecture = build(quote!(::newton::network::Embedding::Identity));
        quote! {
            /// Builds the network as declared.
            #[must_use]
            pub fn new() -> Self {
                Self { architecture: #architecture, #constants }
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
pub fn network(d: &Declaration, constants: &Constants, has_lift: bool) -> TokenStream {
    let dim = d.inputs.len();
    let constructors = constructors(d);
    let from_self = &constants.from_self;
    let constants_field = (!d.constants.is_empty()).then(|| {
        quote! {
            /// The constants of the residuals.
            constants: Constants,
        }
    });
    let OutputShape {
        jet_type,
        value_type,
        jet_result,
        forward_result,
        forward_doc,
    } = output_shape(d, constants, has_lift);
    let loss = loss_method(d, constants);
    let m = d.trainable.len();
    let (coefficients_method, initial_coefficients) = coefficient_items(d);
    let constants_methods = constants_methods(d);
    let jet_doc = jet_doc(d, has_lift);
    quote! {
        /// The declared network: its architecture, with the run-time settings (the widths, `ω`,
        /// `B`, the residuals' constants).
        #[derive(Clone, Debug, PartialEq)]
        pub struct Network {
            architecture: ::newton::network::Architecture,
            #constants_field
        }

        #constructors

        impl Network {
            /// Returns the architecture.
            #[must_use]
            pub fn architecture(&self) -> &::newton::network::Architecture {
                &self.architecture
            }

            /// Returns the number of parameters at the network's widths, the trainable
            /// coefficients included: the length of `θ` for every method (the constant `P` is
            /// the network's count at the declared widths).
            #[must_use]
            pub fn parameters(&self) -> usize {
                self.architecture.parameters() + #m
            }

            #coefficients_method

            #loss
            #constants_methods

            #[doc = #jet_doc]
            ///
            /// # Errors
            ///
            /// [`newton::Error::DimensionMismatch`](::newton::Error::DimensionMismatch) unless
            /// `theta` has [`Network::parameters`] entries.
            pub fn jet(&self, theta: &[f64], x: [f64; #dim]) -> ::core::result::Result<#jet_type, ::newton::Error> {
                let p = self.parameters();
                if theta.len() != p {
                    return ::core::result::Result::Err(::newton::Error::DimensionMismatch { what: "entries of θ", expected: p, found: theta.len() });
                }
                let mut ws = ::newton::network::engine::Workspace::new(&self.architecture);
                let distance = __distance_jet::<Jet>(&x #from_self);
                let theta = &theta[..self.architecture.parameters()];
                let outputs = ::newton::network::engine::forward(&self.architecture, theta, &x, distance, &mut ws)?;
                #jet_result
            }

            #[doc = #forward_doc]
            ///
            /// # Errors
            ///
            /// As [`Network::jet`].
            pub fn forward(&self, theta: &[f64], x: [f64; #dim]) -> ::core::result::Result<#value_type, ::newton::Error> {
                let u = self.jet(theta, x)?;
                #forward_result
            }

            /// Returns the basis functions at `x`: `D(x)·zᴸⱼ(x)` for each neuron `j` of the last
            /// hidden layer, which every output shares, so that `uₒ = Σⱼ cₒⱼ · basis_j` (plus
            /// `D·c₀ₒ` with an output bias, and the lift when one is declared).
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
                let c = arch.output_weight(0, 0);
                let mut unit = theta[..arch.parameters()].to_vec();
                let mut ws = ::newton::network::engine::Workspace::new(arch);
                (0..last)
                    .map(|j| {
                        for (i, v) in unit[c..].iter_mut().enumerate() {
                            *v = if i == j { 1.0 } else { 0.0 };
                        }
                        let distance = __distance_jet::<f64>(&x #from_self);
                        ::newton::network::engine::forward(arch, &unit, &x, distance, &mut ws).map(|u| u[0])
                    })
                    .collect()
            }

            /// Draws a Xavier/Glorot-uniform start from `seed`: weights `U(−a, a)`,
            /// `a = √(6/(fan_in + fan_out))`, biases 0, at the network's widths. The same seed
            /// gives the same `θ` whatever version of `rand` the caller uses: the generator is
            /// fixed, see [`newton::network::init_xavier`](::newton::network::init_xavier).
            /// Trainable coefficients start at their declared values.
            #[must_use]
            pub fn init_xavier(&self, seed: u64) -> ::newton::nalgebra::DVector<f64> {
                let mut theta = ::newton::nalgebra::DVector::zeros(self.parameters());
                // Cannot fail: the architecture was validated when `self` was built, and
                // `theta` has its `P` entries.
                let p = self.architecture.parameters();
                let _ = ::newton::network::init_xavier(&self.architecture, seed, &mut theta.as_mut_slice()[..p]);
                #initial_coefficients
                theta
            }
        }
    }
}

/// What `jet` and `forward` return: with one output its jet and value, as before `outputs:`
/// existed; with several, arrays in the declared order. A lift has a single output to lift.
struct OutputShape {
    jet_type: TokenStream,
    value_type: TokenStream,
    jet_result: TokenStream,
    forward_result: TokenStream,
    forward_doc: String,
}

fn output_shape(d: &Declaration, constants: &Constants, has_lift: bool) -> OutputShape {
    let from_self = &constants.from_self;
    let outputs = d.outputs.len();
    let names = d.output_list();
    if outputs == 1 {
        let lift = has_lift.then(|| {
            quote! {
                let u = <Jet as ::newton::network::Jet>::add_scaled(u, 1.0, __lift_jet::<Jet>(&x #from_self));
            }
        });
        OutputShape {
            jet_type: quote!(Jet),
            value_type: quote!(f64),
            jet_result: quote! {
                let u = outputs[0];
                #lift
                ::core::result::Result::Ok(u)
            },
            forward_result: quote!(::core::result::Result::Ok(
                <Jet as ::newton::network::Jet>::value(&u)
            )),
            forward_doc: format!(
                "Returns the network's output {names} at `x` (with the lift, when one is declared)."
            ),
        }
    } else {
        OutputShape {
            jet_type: quote!([Jet; #outputs]),
            value_type: quote!([f64; #outputs]),
            jet_result: quote!(::core::result::Result::Ok(::core::array::from_fn(|o| {
                outputs[o]
            }))),
            forward_result: quote!(::core::result::Result::Ok(
                u.map(|u| <Jet as ::newton::network::Jet>::value(&u))
            )),
            forward_doc: format!("Returns the network's outputs {names} at `x`, in that order."),
        }
    }
}

/// The documentation of `Network::jet`.
fn jet_doc(d: &Declaration, has_lift: bool) -> String {
    let output = if has_lift {
        "`u = lift + D·N`".to_string()
    } else {
        d.output_list()
    };
    let jets = if d.outputs.len() == 1 {
        "the output jet"
    } else {
        "the output jets, in the declared order"
    };
    format!(
        "Returns {jets} at `x`: {output} and the input derivatives the residuals use. \
         Allocates its work space; a [`Loss`] evaluates many points without allocating."
    )
}

/// `Network::coefficients`, and the statements of `Network::init_xavier` that start the
/// coefficients at their declared values, when trainable coefficients are declared.
fn coefficient_items(d: &Declaration) -> (Option<TokenStream>, Option<TokenStream>) {
    if d.trainable.is_empty() {
        return (None, None);
    }
    let names: Vec<_> = d.trainable.iter().map(|(n, _)| n).collect();
    let indices = 0..names.len();
    let method = quote! {
        /// Returns the trainable coefficients in `θ`: its last entries, after the
        /// network's parameters.
        ///
        /// # Errors
        ///
        /// [`newton::Error::DimensionMismatch`] unless `theta` has [`Network::parameters`]
        /// entries.
        pub fn coefficients(&self, theta: &[f64]) -> ::core::result::Result<Coefficients, ::newton::Error> {
            if theta.len() != self.parameters() {
                return Err(::newton::Error::DimensionMismatch {
                    what: "entries of θ",
                    expected: self.parameters(),
                    found: theta.len(),
                });
            }
            let values = &theta[self.architecture.parameters()..];
            Ok(Coefficients { #(#names: values[#indices],)* })
        }
    };
    let start = quote! {
        let initial = Coefficients::default();
        for (entry, value) in theta.as_mut_slice()[p..].iter_mut().zip([#(initial.#names),*]) {
            *entry = value;
        }
    };
    (Some(method), Some(start))
}

/// `Network::loss`: over points and targets for one residual, over `PointSets` for named
/// terms; and `Network::residual` for one residual.
fn loss_method(d: &Declaration, constants: &Constants) -> TokenStream {
    let init = &constants.residual_init;
    let (wrap, wrap_terms) = if d.trainable.is_empty() {
        (quote!(loss), quote!(::newton::network::Terms::new(terms)))
    } else {
        (
            quote!(::newton::network::Trainable::new(loss?)),
            quote!(::newton::network::Trainable::new(terms)),
        )
    };
    if !d.has_named_terms() {
        return quote! {
            /// Returns the residual, with the network's constants.
            #[must_use]
            pub fn residual(&self) -> Residual {
                Residual #init
            }

            /// Returns the loss `(1/2N) Σᵢ rᵢ²` over `points` (`N × INPUTS`, one point after
            /// another) and `targets` (`N` values, or none when the residual uses no target).
            ///
            /// # Errors
            ///
            /// See [`newton::network::Loss::new`](::newton::network::Loss::new).
            pub fn loss<'a>(&'a self, points: &'a [f64], targets: &'a [f64]) -> ::core::result::Result<Loss<'a>, ::newton::Error> {
                let loss = ::newton::network::Loss::new(&self.architecture, self.residual(), points, targets);
                #wrap
            }
        };
    }
    let names: Vec<_> = d.terms.iter().filter_map(|(n, _)| n.as_ref()).collect();
    quote! {
        /// Returns the loss `Σₖ wₖ/(2Nₖ) Σᵢ rₖᵢ²` of the declared terms, each over its point
        /// set (`Nₖ × INPUTS` coordinates, its targets if its residual uses them, its weight).
        ///
        /// # Errors
        ///
        /// For each term, see [`newton::network::Loss::new`](::newton::network::Loss::new)
        /// and [`newton::network::Loss::with_weight`](::newton::network::Loss::with_weight).
        pub fn loss<'a>(&'a self, sets: PointSets<'a>) -> ::core::result::Result<Loss<'a>, ::newton::Error> {
            let terms = (#(sets.#names.loss(&self.architecture, #names::Residual #init)?,)*);
            #wrap_terms
        }
    }
}

/// `Network::with_constants` and `Network::constants`, when constants are declared.
fn constants_methods(d: &Declaration) -> Option<TokenStream> {
    if d.constants.is_empty() {
        return None;
    }
    let names: Vec<_> = d.constants.iter().map(|(n, _)| n).collect();
    let texts: Vec<String> = names.iter().map(ToString::to_string).collect();
    Some(quote! {
        /// Returns the network with the residuals' constants changed: nothing is recompiled.
        ///
        /// # Errors
        ///
        /// [`newton::Error::InvalidSetting`](::newton::Error::InvalidSetting), named by the
        /// constant, for a value that is not finite.
        pub fn with_constants(mut self, constants: Constants) -> ::core::result::Result<Self, ::newton::Error> {
            #(
                if !constants.#names.is_finite() {
                    return ::core::result::Result::Err(::newton::Error::InvalidSetting {
                        name: #texts,
                        value: constants.#names,
                        requirement: "finite",
                    });
                }
            )*
            self.constants = constants;
            ::core::result::Result::Ok(self)
        }

        /// Returns the residuals' constants.
        #[must_use]
        pub fn constants(&self) -> Constants {
            self.constants
        }
    })
}
