//! The syntax of `network!`: a name and a braced list of `field: value` entries.
//!
//! ```text
//! /// docs
//! pub name {
//!     inputs: (x, y),
//!     hidden: [10, 10],
//!     activation: sin(1.0),      // or tanh
//!     embedding: none,           // or fourier(8)
//!     output_bias: false,
//!     distance: x * (1.0 - x),   // optional
//!     target: none,              // optional: the residual uses no target
//!     residual: u.xx + u.yy - (PI * y).sin(),
//! }
//! ```
//!
//! Every mistake is recorded in the [`Ctxt`] and replaced by a default, so the expansion still
//! emits the module with its real items and callers see only the real mistakes.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Ident, LitBool, Token, Visibility};

use crate::ctxt::Ctxt;

/// The fields a declaration may have, for error messages.
const FIELDS: &str = "`inputs`, `hidden`, `activation`, `embedding`, `output_bias`, `distance`, `target`, `residual`";

/// The activation as declared.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    Tanh,
    Sin(f64),
    /// An activation with no parameter, by its name in `newton::network::Activation`.
    Plain(&'static str),
}

/// The activations without a parameter, by their name in a declaration and in
/// `newton::network::Activation`.
const PLAIN_ACTIVATIONS: [(&str, &str); 5] = [
    ("softplus", "Softplus"),
    ("sigmoid", "Sigmoid"),
    ("silu", "Silu"),
    ("swish", "Silu"),
    ("gelu", "Gelu"),
];

/// What the declaration says about the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Nothing: the residual's use of `target` (or `y`) decides.
    Unstated,
    /// `target: none`: the residual uses no target, so a `y` among the inputs is that
    /// coordinate without ambiguity.
    None,
    /// A value that is not `none`, already reported; nothing more is checked about the target.
    Invalid,
}

/// A declaration after checking, with defaults in place of the mistakes.
pub struct Declaration {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub inputs: Vec<Ident>,
    pub hidden: Vec<usize>,
    pub activation: Activation,
    /// `Some(m)` for `fourier(m)`.
    pub fourier: Option<usize>,
    pub output_bias: bool,
    pub distance: Option<Expr>,
    pub target: Target,
    pub residual: Expr,
}

/// The raw syntax: attributes, visibility, name, and the entries in braces.
pub struct Raw {
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    entries: Punctuated<Entry, Token![,]>,
}

/// `field: value`.
struct Entry {
    key: Ident,
    value: Expr,
}

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key = input.parse()?;
        input.parse::<Token![:]>()?;
        Ok(Self {
            key,
            value: input.parse()?,
        })
    }
}

impl Parse for Raw {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let name = input.parse()?;
        let content;
        syn::braced!(content in input);
        let entries = Punctuated::parse_terminated(&content)?;
        if !input.is_empty() {
            return Err(
                input.error("`network!` declares one network; put each in its own `network!`")
            );
        }
        Ok(Self {
            attrs,
            vis,
            name,
            entries,
        })
    }
}

impl Raw {
    /// Checks every entry, recording each mistake and putting a default in its place.
    pub fn check(self, cx: &Ctxt) -> Declaration {
        let mut seen: Vec<Ident> = Vec::new();
        let mut d = Declaration {
            attrs: self.attrs,
            vis: self.vis,
            name: self.name,
            inputs: Vec::new(),
            hidden: Vec::new(),
            activation: Activation::Tanh,
            fourier: None,
            output_bias: false,
            distance: None,
            target: Target::Unstated,
            residual: syn::parse_quote!(u),
        };
        let mut required = [
            ("inputs", false),
            ("hidden", false),
            ("activation", false),
            ("residual", false),
        ];
        for Entry { key, value } in self.entries {
            if seen.contains(&key) {
                cx.error_spanned_by(&key, format!("duplicate field `{key}`"));
                continue;
            }
            seen.push(key.clone());
            if let Some(r) = required.iter_mut().find(|(n, _)| key == n) {
                r.1 = true;
            }
            match key.to_string().as_str() {
                "inputs" => d.inputs = inputs(cx, &value),
                "hidden" => d.hidden = hidden(cx, &value),
                "activation" => d.activation = activation(cx, &value),
                "embedding" => d.fourier = embedding(cx, &value),
                "output_bias" => d.output_bias = output_bias(cx, &value),
                "distance" => d.distance = Some(value),
                "target" => d.target = target(cx, &value),
                "residual" => d.residual = value,
                _ => {
                    cx.error_spanned_by(
                        &key,
                        format!("unknown field `{key}`; supported: {FIELDS}"),
                    );
                }
            }
        }
        for (field, present) in required {
            if !present {
                cx.error_spanned_by(
                    &d.name,
                    format!("missing field `{field}` in `network!` `{}`", d.name),
                );
            }
        }
        if d.inputs.is_empty() {
            d.inputs.push(Ident::new("x", Span::call_site()));
        }
        if d.hidden.is_empty() {
            d.hidden = vec![1];
        }
        d
    }
}

fn inputs(cx: &Ctxt, value: &Expr) -> Vec<Ident> {
    let elements: Vec<&Expr> = match value {
        Expr::Paren(p) => vec![&*p.expr],
        Expr::Tuple(t) => t.elems.iter().collect(),
        other => {
            cx.error_spanned_by(
                other,
                "`inputs` takes the coordinate names in parentheses, such as `(x)` or `(x, y)`",
            );
            return Vec::new();
        }
    };
    let mut names: Vec<Ident> = Vec::new();
    for e in elements {
        match e {
            Expr::Path(p) if p.path.get_ident().is_some() => {
                let name = p
                    .path
                    .get_ident()
                    .cloned()
                    .unwrap_or_else(|| Ident::new("x", Span::call_site()));
                if names.contains(&name) {
                    cx.error_spanned_by(&name, format!("duplicate input `{name}`"));
                } else if ["u", "target"].contains(&name.to_string().as_str()) {
                    cx.error_spanned_by(&name, format!("`{name}` cannot name an input: it names the network's output or the target"));
                } else {
                    names.push(name);
                }
            }
            other => cx.error_spanned_by(other, "an input is a plain name, such as `x`"),
        }
    }
    if names.len() > 3 {
        cx.error_spanned_by(
            value,
            format!("{} inputs; `network!` supports 1 to 3", names.len()),
        );
        names.truncate(3);
    }
    names
}

fn hidden(cx: &Ctxt, value: &Expr) -> Vec<usize> {
    let Expr::Array(array) = value else {
        cx.error_spanned_by(
            value,
            "`hidden` takes the layer widths in brackets, such as `[10, 10]`",
        );
        return Vec::new();
    };
    if array.elems.is_empty() {
        cx.error_spanned_by(
            value,
            "`hidden` needs at least one layer, such as `[10, 10]`",
        );
    }
    array
        .elems
        .iter()
        .filter_map(|e| match integer(e) {
            Some(w) if w > 0 => Some(w),
            _ => {
                cx.error_spanned_by(e, "a layer width is a positive integer literal");
                None
            }
        })
        .collect()
}

fn integer(e: &Expr) -> Option<usize> {
    match e {
        // A literal passed through `macro_rules!` arrives in an invisible group.
        Expr::Group(g) => integer(&g.expr),
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        _ => None,
    }
}

fn float(e: &Expr) -> Option<f64> {
    match e {
        Expr::Group(g) => float(&g.expr),
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Float(f),
            ..
        }) => f.base10_parse().ok(),
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse::<u32>().ok().map(f64::from),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => float(expr).map(|v| -v),
        _ => None,
    }
}

/// `name` or `name(argument)`.
fn call(value: &Expr) -> Option<(Ident, Option<&Expr>)> {
    match value {
        Expr::Path(p) => p.path.get_ident().map(|i| (i.clone(), None)),
        Expr::Call(c) if c.args.len() == 1 => match &*c.func {
            Expr::Path(p) => p.path.get_ident().map(|i| (i.clone(), c.args.first())),
            _ => None,
        },
        _ => None,
    }
}

const ACTIVATIONS: &str = "supported: `tanh`, `sin(ω)` with a float literal `ω` (SIREN), \
                           `softplus`, `sigmoid`, `silu` (or `swish`), `gelu` (tanh form)";

fn activation(cx: &Ctxt, value: &Expr) -> Activation {
    match call(value) {
        Some((name, None)) if name == "tanh" => Activation::Tanh,
        Some((name, Some(arg))) if name == "sin" => match float(arg) {
            Some(omega) if omega.is_finite() => Activation::Sin(omega),
            _ => {
                cx.error_spanned_by(
                    arg,
                    "the frequency of `sin(ω)` is a float literal, such as `sin(6.0)`",
                );
                Activation::Sin(1.0)
            }
        },
        Some((name, None)) if name == "sin" => {
            cx.error_spanned_by(value, "`sin` needs its frequency, such as `sin(1.0)`");
            Activation::Sin(1.0)
        }
        Some((name, argument)) if PLAIN_ACTIVATIONS.iter().any(|(n, _)| name == n) => {
            if let Some(argument) = argument {
                cx.error_spanned_by(argument, format!("`{name}` takes no argument"));
            }
            let variant = PLAIN_ACTIVATIONS
                .iter()
                .find(|(n, _)| name == n)
                .map_or("Tanh", |(_, v)| v);
            Activation::Plain(variant)
        }
        Some((name, _)) if name == "relu" => {
            cx.error_spanned_by(
                &name,
                format!(
                    "`relu` has no second derivative at 0 and a zero one elsewhere, so its exact \
                     Hessian would hold no curvature of the activations; `softplus` is its \
                     smooth form. {ACTIVATIONS}"
                ),
            );
            Activation::Tanh
        }
        Some((name, _)) => {
            cx.error_spanned_by(&name, format!("unknown activation `{name}`; {ACTIVATIONS}"));
            Activation::Tanh
        }
        None => {
            cx.error_spanned_by(value, format!("unsupported activation; {ACTIVATIONS}"));
            Activation::Tanh
        }
    }
}

fn embedding(cx: &Ctxt, value: &Expr) -> Option<usize> {
    const SUPPORTED: &str = "supported: `none`, `fourier(m)` with an integer literal `m` (features `[cos 2πBx, sin 2πBx]`)";
    match call(value) {
        Some((name, None)) if name == "none" => None,
        Some((name, Some(arg))) if name == "fourier" => match integer(arg) {
            Some(m) if m > 0 => Some(m),
            _ => {
                cx.error_spanned_by(arg, "the feature count of `fourier(m)` is a positive integer literal, such as `fourier(8)`");
                Some(1)
            }
        },
        Some((name, _)) => {
            cx.error_spanned_by(&name, format!("unknown embedding `{name}`; {SUPPORTED}"));
            None
        }
        None => {
            cx.error_spanned_by(value, format!("unsupported embedding; {SUPPORTED}"));
            None
        }
    }
}

/// `target: none`, the only value of the field (a residual that uses the target needs no
/// declaration of it).
fn target(cx: &Ctxt, value: &Expr) -> Target {
    match call(value) {
        Some((name, None)) if name == "none" => Target::None,
        _ => {
            cx.error_spanned_by(
                value,
                "`target` takes `none` (the residual uses no target); leave the field out when the residual uses `target`",
            );
            Target::Invalid
        }
    }
}

fn output_bias(cx: &Ctxt, value: &Expr) -> bool {
    match value {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Bool(LitBool { value, .. }),
            ..
        }) => *value,
        other => {
            cx.error_spanned_by(other, "`output_bias` is `true` or `false`");
            false
        }
    }
}
