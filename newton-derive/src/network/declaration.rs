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
//!     outputs: (u, v),           // optional: several outputs for a coupled system; `(u)` by default
//!     distance: x * (1.0 - x),   // optional
//!     target: none,              // optional: the residual uses no target
//!     lift: x * y,               // optional: added to the output, `u = lift + D·N`
//!     constants: { kappa: 0.1 }, // optional: run-time constants of the residuals, by name
//!     trainable: { nu: 1.0 },    // optional: coefficients learned with θ, initial values
//!     residual: u.xx + u.yy - (PI * y).sin(),
//!     // or several terms, each on its own point set:
//!     // residuals: { pde: u.xx + u.yy - kappa, wall: u, data: u - target },
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

/// The most outputs a network may declare (`newton::network::MAX_OUTPUTS`).
const MAX_OUTPUTS: usize = 8;

/// The fields a declaration may have, for error messages.
const FIELDS: &str = "`inputs`, `hidden`, `activation`, `embedding`, `output_bias`, `outputs`, `distance`, `lift`, `constants`, `trainable`, `target`, `residual`, `residuals`";

/// The fields whose value is a braced list of `name: value` entries.
const LISTS: [&str; 3] = ["constants", "trainable", "residuals"];

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
    /// The names of the outputs, `u` by default; a coupled system declares several.
    pub outputs: Vec<Ident>,
    pub distance: Option<Expr>,
    /// `lift:`, added to the network's output.
    pub lift: Option<Expr>,
    /// `constants: { name: default, … }`, the residuals' run-time constants.
    pub constants: Vec<(Ident, Expr)>,
    /// `trainable: { name: initial value, … }`, coefficients learned with the network.
    pub trainable: Vec<(Ident, Expr)>,
    pub target: Target,
    /// The residual terms: one, unnamed, for `residual:`; named ones for `residuals:`.
    pub terms: Vec<(Option<Ident>, Expr)>,
}

impl Declaration {
    /// Whether the declaration has `residuals:`, a loss of named terms.
    pub fn has_named_terms(&self) -> bool {
        self.terms.iter().any(|(name, _)| name.is_some())
    }
}

/// The raw syntax: attributes, visibility, name, and the entries in braces.
pub struct Raw {
    attrs: Vec<Attribute>,
    vis: Visibility,
    name: Ident,
    entries: Punctuated<Entry, Token![,]>,
}

/// `field: value`, or `field: { name: value, … }` for the fields in [`LISTS`].
struct Entry {
    key: Ident,
    value: Value,
}

enum Value {
    Expr(Expr),
    List(Vec<(Ident, Expr)>),
}

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let value = if LISTS.iter().any(|l| key == l) && input.peek(syn::token::Brace) {
            let content;
            syn::braced!(content in input);
            let entries = Punctuated::<Entry, Token![,]>::parse_terminated(&content)?;
            let mut list = Vec::new();
            for Entry { key: name, value } in entries {
                match value {
                    Value::Expr(e) => list.push((name, e)),
                    Value::List(_) => {
                        return Err(syn::Error::new(name.span(), "lists do not nest"));
                    }
                }
            }
            Value::List(list)
        } else {
            Value::Expr(input.parse()?)
        };
        Ok(Self { key, value })
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
            outputs: Vec::new(),
            distance: None,
            lift: None,
            constants: Vec::new(),
            trainable: Vec::new(),
            target: Target::Unstated,
            terms: Vec::new(),
        };
        let mut required = [("inputs", false), ("hidden", false), ("activation", false)];
        for Entry { key, value } in self.entries {
            if seen.contains(&key) {
                cx.error_spanned_by(&key, format!("duplicate field `{key}`"));
                continue;
            }
            seen.push(key.clone());
            if let Some(r) = required.iter_mut().find(|(n, _)| key == n) {
                r.1 = true;
            }
            let value = match (value, LISTS.iter().any(|l| key == l)) {
                (Value::List(list), true) => {
                    d.list(cx, &key, list);
                    continue;
                }
                (Value::Expr(e), true) => {
                    cx.error_spanned_by(&e, format!("`{key}` takes a braced list of `name: value` entries, such as `{key}: {{ kappa: 0.1 }}`"));
                    continue;
                }
                (Value::Expr(e), false) => e,
                (Value::List(_), false) => continue,
            };
            match key.to_string().as_str() {
                "inputs" => d.inputs = names(cx, &value, "input"),
                "hidden" => d.hidden = hidden(cx, &value),
                "activation" => d.activation = activation(cx, &value),
                "embedding" => d.fourier = embedding(cx, &value),
                "output_bias" => d.output_bias = output_bias(cx, &value),
                "outputs" => d.outputs = names(cx, &value, "output"),
                "distance" => d.distance = Some(value),
                "lift" => d.lift = Some(value),
                "target" => d.target = target(cx, &value),
                "residual" => d.terms.push((None, value)),
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
        if d.outputs.is_empty() {
            d.outputs.push(Ident::new("u", Span::call_site()));
        }
        d.check_names(cx);
        d.check_terms(cx, &seen);
        if d.inputs.is_empty() {
            d.inputs.push(Ident::new("x", Span::call_site()));
        }
        if d.hidden.is_empty() {
            d.hidden = vec![1];
        }
        d
    }
}

impl Declaration {
    /// Records `constants:` or `residuals:`.
    fn list(&mut self, cx: &Ctxt, key: &Ident, list: Vec<(Ident, Expr)>) {
        // A repeated name is reported and dropped, so that the expansion has no second
        // field or parameter of that name to add errors of its own.
        let mut kept: Vec<(Ident, Expr)> = Vec::new();
        for (name, value) in list {
            if kept.iter().any(|(n, _)| *n == name) {
                cx.error_spanned_by(&name, format!("duplicate name `{name}` in `{key}`"));
            } else {
                kept.push((name, value));
            }
        }
        let list = kept;
        if list.is_empty() {
            cx.error_spanned_by(
                key,
                format!("`{key}` needs at least one `name: value` entry"),
            );
        }
        if key == "constants" {
            self.constants = list;
        } else if key == "trainable" {
            self.trainable = list;
        } else {
            self.terms
                .extend(list.into_iter().map(|(n, e)| (Some(n), e)));
        }
    }

    /// Checks that no name is both an input and an output, and that a lift (one expression)
    /// has a single output to lift.
    fn check_names(&mut self, cx: &Ctxt) {
        let outputs = &self.outputs;
        self.inputs.retain(|name| {
            let taken = outputs.contains(name);
            if taken {
                cx.error_spanned_by(
                    name,
                    format!("`{name}` cannot name an input: it names an output of the network"),
                );
            }
            !taken
        });
        if let (Some(lift), true) = (&self.lift, self.outputs.len() > 1) {
            cx.error_spanned_by(
                lift,
                "`lift` is one expression, added to a single output; with several `outputs`, \
                 write the lift into the residuals instead",
            );
            self.lift = None;
        }
    }

    /// Returns the outputs as the messages name them: `` `u` `` or `` `u`, `v` ``.
    pub fn output_list(&self) -> String {
        let names: Vec<String> = self.outputs.iter().map(|o| format!("`{o}`")).collect();
        names.join(", ")
    }

    /// Checks that the residual is given once, by `residual:` or by `residuals:`, and that
    /// no constant shadows an input, the output or the target.
    fn check_terms(&mut self, cx: &Ctxt, seen: &[Ident]) {
        let single = seen.iter().find(|k| *k == "residual");
        let named = seen.iter().find(|k| *k == "residuals");
        match (single, named) {
            (Some(_), Some(named)) => {
                cx.error_spanned_by(
                    named,
                    "give either `residual` (one term) or `residuals` (named terms), not both",
                );
                self.terms.retain(|(n, _)| n.is_none());
            }
            (None, None) => {
                cx.error_spanned_by(
                    &self.name,
                    format!(
                        "missing field `residual` (or `residuals`) in `network!` `{}`",
                        self.name
                    ),
                );
            }
            _ => {}
        }
        if self.terms.is_empty() {
            self.terms.push((None, syn::parse_quote!(u)));
        }
        let inputs = &self.inputs;
        let constants: Vec<Ident> = self.constants.iter().map(|(n, _)| n.clone()).collect();
        self.trainable.retain(|(name, _)| {
            let taken = constants.contains(name);
            if taken {
                cx.error_spanned_by(
                    name,
                    format!("`{name}` is both a constant and a trainable coefficient"),
                );
            }
            !taken
        });
        let (outputs, output_list) = (&self.outputs, self.output_list());
        let check = |(name, _): &(Ident, Expr)| {
            let text = name.to_string();
            let hides = inputs.contains(name) || outputs.contains(name) || text == "target";
            if hides {
                let the_outputs = if outputs.len() == 1 {
                    format!("the output {output_list}")
                } else {
                    format!("an output ({output_list})")
                };
                cx.error_spanned_by(
                    name,
                    format!("`{name}` would hide an input, {the_outputs} or the target; rename it"),
                );
            } else if text.starts_with("__") {
                cx.error_spanned_by(
                    name,
                    "names starting with `__` are reserved for the expansion",
                );
            }
            !hides && !text.starts_with("__")
        };
        self.constants.retain(check);
        self.trainable.retain(check);
        for (name, _) in &self.terms {
            if let Some(name) = name.as_ref().filter(|n| n.to_string().starts_with("__")) {
                cx.error_spanned_by(
                    name,
                    "names starting with `__` are reserved for the expansion",
                );
            }
        }
    }
}

/// `inputs: (x, y)` or `outputs: (u, v)`: plain, distinct names in parentheses; `what` is
/// `input` or `output`.
fn names(cx: &Ctxt, value: &Expr, what: &str) -> Vec<Ident> {
    let (limit, example) = if what == "input" {
        (3, "`(x)` or `(x, y)`")
    } else {
        (MAX_OUTPUTS, "`(u)` or `(u, v)`")
    };
    let elements: Vec<&Expr> = match value {
        Expr::Paren(p) => vec![&*p.expr],
        Expr::Tuple(t) => t.elems.iter().collect(),
        other => {
            cx.error_spanned_by(
                other,
                format!("`{what}s` takes the {what} names in parentheses, such as {example}"),
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
                let text = name.to_string();
                if names.contains(&name) {
                    cx.error_spanned_by(&name, format!("duplicate {what} `{name}`"));
                } else if what == "input" && text == "target" {
                    cx.error_spanned_by(&name, format!("`{name}` cannot name an input: it names the network's output or the target"));
                } else if what == "output" && (text == "target" || text == "y") {
                    cx.error_spanned_by(
                        &name,
                        format!("`{name}` cannot name an output: it names the target"),
                    );
                } else if text.starts_with("__") {
                    cx.error_spanned_by(
                        &name,
                        "names starting with `__` are reserved for the expansion",
                    );
                } else {
                    names.push(name);
                }
            }
            other => cx.error_spanned_by(
                other,
                format!("an {what} is a plain name, such as {example}"),
            ),
        }
    }
    if names.len() > limit {
        cx.error_spanned_by(
            value,
            format!("{} {what}s; `network!` supports 1 to {limit}", names.len()),
        );
        names.truncate(limit);
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
