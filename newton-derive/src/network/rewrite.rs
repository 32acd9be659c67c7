//! Turns the declaration's `residual:` and `distance:` expressions into bodies that
//! `#[hessian]` can differentiate: the output jets `u`, `u.x`, `u.xy`, … (and `v.yy` of a
//! second output) become array entries,
//! the target `y` (or `target`) and bare `core::f64::consts` names become what they mean.
//! [`check_target`] then decides what `y` means when it is also an input.
//!
//! Before: `u.xx + 4.0 * PI * PI * (2.0 * PI * x).sin()`
//! After:  `__u_xx + 4.0 * ::core::f64::consts::PI * … * (2.0 * ::core::f64::consts::PI * x).sin()`
//! with `let __u_xx = __jet[2];` in front.

use proc_macro2::Span;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident};

use super::declaration::Target;
use crate::ctxt::Ctxt;

/// The names `core::f64::consts` exports that a residual may use bare.
const CONSTANTS: [&str; 6] = ["PI", "TAU", "E", "SQRT_2", "LN_2", "LN_10"];

/// A component of an output's jet: `u` (no derivative), `u.x` (one index), `u.xy` (two); with
/// several outputs, `v.yy` is the same derivative of output 1.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Component {
    /// The output's index among the declared outputs.
    pub output: usize,
    /// The input indices of the derivative, sorted (empty for the value).
    pub derivative: Vec<usize>,
}

impl Component {
    /// The component's index in the jet of its output, an order-two jet of `d` inputs: the
    /// value, the first derivatives, then `∂ᵢ∂ⱼ` for `i ≤ j`, row by row (newton's `Jet2`
    /// layout).
    pub fn index(&self, d: usize) -> usize {
        match self.derivative.as_slice() {
            [i] => 1 + i,
            [a, b] => {
                let (i, j) = if a <= b { (*a, *b) } else { (*b, *a) };
                1 + d + i * d - i * (i + 1) / 2 + j
            }
            // The value; longer derivatives are rejected before any index is taken.
            _ => 0,
        }
    }

    /// Whether the component is a derivative (not the value).
    pub fn is_derivative(&self) -> bool {
        !self.derivative.is_empty()
    }
}

/// What a rewritten expression uses.
pub struct Uses {
    /// The jet components, in order of first use.
    pub components: Vec<Component>,
    /// The tokens naming the target (`target`, or `y` when no input is named `y`).
    pub target: Vec<Ident>,
    /// The tokens `y` naming an input coordinate `y`.
    pub coordinate_y: Vec<Ident>,
}

impl Uses {
    /// Whether the expression uses the target.
    pub fn uses_target(&self) -> bool {
        !self.target.is_empty()
    }
}

/// Rewrites `expr` in place; `jet` says whether the outputs are allowed (the residual) or not
/// (the distance function and the lift).
pub fn rewrite(
    cx: &Ctxt,
    expr: &mut Expr,
    (inputs, outputs): (&[Ident], &[Ident]),
    jet: bool,
) -> Uses {
    let mut r = Rewriter {
        cx,
        inputs,
        outputs,
        jet,
        uses: Uses {
            components: Vec::new(),
            target: Vec::new(),
            coordinate_y: Vec::new(),
        },
    };
    r.visit_expr_mut(expr);
    r.uses
}

/// Checks the residual's target against the declaration.
///
/// `y` is the conventional name of both the target and a second coordinate. When an input is
/// named `y`, `y` is that coordinate and the target is `target`; a residual that says `y` and
/// never `target` is ambiguous (`u - y` with `inputs: (x, y)` most likely meant the target,
/// whose values `loss` would then ignore), so every such `y` is an error unless the
/// declaration says `target: none`. With `target: none`, a use of the target is an error.
pub fn check_target(cx: &Ctxt, uses: &Uses, target: Target) {
    match target {
        Target::Unstated if !uses.uses_target() => {
            for y in &uses.coordinate_y {
                cx.error_spanned_by(
                    y,
                    "`y` is the input coordinate here, not the target: write `target` for the per-point target, or add `target: none` to the declaration if the residual means the coordinate and uses no target",
                );
            }
        }
        Target::None => {
            for t in &uses.target {
                cx.error_spanned_by(
                    t,
                    format!("`{t}` is the target, but the declaration says `target: none`; remove `target: none` to use a target"),
                );
            }
        }
        Target::Unstated | Target::Invalid => {}
    }
}

/// The local name of a jet component: `__u`, `__u_x`, `__v_xy`, spanned on the user's token
/// so that errors about it point there.
pub fn local(component: &Component, (inputs, outputs): (&[Ident], &[Ident]), span: Span) -> Ident {
    let mut name = format!("__{}", outputs[component.output]);
    for &i in &component.derivative {
        name.push('_');
        name.push_str(&inputs[i].to_string());
    }
    Ident::new(&name, span)
}

struct Rewriter<'a> {
    cx: &'a Ctxt,
    inputs: &'a [Ident],
    outputs: &'a [Ident],
    jet: bool,
    uses: Uses,
}

impl Rewriter<'_> {
    fn input_list(&self) -> String {
        let names: Vec<String> = self.inputs.iter().map(|i| format!("`{i}`")).collect();
        names.join(", ")
    }

    /// Splits `xy` of `u.xy` into input indices, greedily by the longest matching input name.
    fn derivative(&self, output: &Ident, member: &Ident) -> Option<Vec<usize>> {
        let text = member.to_string();
        let mut rest = text.as_str();
        let mut indices = Vec::new();
        while !rest.is_empty() {
            let best = self
                .inputs
                .iter()
                .enumerate()
                .filter(|(_, name)| rest.starts_with(&name.to_string()))
                .max_by_key(|(_, name)| name.to_string().len());
            let Some((i, name)) = best else {
                self.cx.error_spanned_by(
                    member,
                    format!(
                        "`{output}.{text}`: `{rest}` does not split into inputs; inputs: {}",
                        self.input_list()
                    ),
                );
                return None;
            };
            indices.push(i);
            rest = &rest[name.to_string().len()..];
        }
        if indices.len() > 2 {
            self.cx.error_spanned_by(
                member,
                format!("`{output}.{text}`: derivatives up to second order are supported (`{output}.x`, `{output}.xy`)"),
            );
            return None;
        }
        Some(indices)
    }

    fn component(&mut self, output: usize, mut derivative: Vec<usize>, span: Span) -> Ident {
        derivative.sort_unstable();
        let component = Component { output, derivative };
        let name = local(&component, (self.inputs, self.outputs), span);
        if !self.uses.components.contains(&component) {
            self.uses.components.push(component);
        }
        name
    }

    fn no_jet(&self, output: &Ident, tokens: &dyn quote::ToTokens) {
        self.cx.error_spanned_by(
            tokens.to_token_stream(),
            format!("`distance` and `lift` are functions of the inputs only; they cannot use the output `{output}`"),
        );
    }

    /// The index of the output `ident` names, if it names one.
    fn output(&self, ident: &Ident) -> Option<usize> {
        self.outputs.iter().position(|o| o == ident)
    }
}

fn path(ident: &Ident) -> Expr {
    syn::parse_quote!(#ident)
}

impl VisitMut for Rewriter<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Field(field) = expr {
            if let (Expr::Path(base), syn::Member::Named(member)) = (&*field.base, &field.member) {
                let named = base.path.get_ident();
                if let Some((o, name)) = named.and_then(|i| Some((self.output(i)?, i.clone()))) {
                    if !self.jet {
                        self.no_jet(&name, field);
                        *expr = syn::parse_quote!(0.0);
                        return;
                    }
                    let indices = self.derivative(&name, member).unwrap_or_default();
                    *expr = path(&self.component(o, indices, member.span()));
                    return;
                }
                if let Some(base) = named.filter(|_| self.jet) {
                    // `v.x` with no output `v`: say what the notation means here, rather than
                    // leave `#[hessian]` to reject a field access.
                    let outputs: Vec<String> =
                        self.outputs.iter().map(|o| format!("`{o}`")).collect();
                    self.cx.error_spanned_by(
                        &*field,
                        format!(
                            "`{base}.{member}`: `{base}` is not an output of this network, whose outputs are {}; \
                             `name.x` is a derivative of an output (declare several with `outputs: (u, v)`)",
                            outputs.join(", ")
                        ),
                    );
                    *expr = syn::parse_quote!(0.0);
                    return;
                }
            }
        }
        if let Expr::Path(p) = expr {
            if let Some(ident) = p.path.get_ident().cloned() {
                let is_input = self.inputs.contains(&ident);
                let name = ident.to_string();
                if let Some(o) = self.output(&ident) {
                    if !self.jet {
                        self.no_jet(&ident, &ident);
                        *expr = syn::parse_quote!(0.0);
                        return;
                    }
                    *expr = path(&self.component(o, Vec::new(), ident.span()));
                    return;
                }
                if !is_input && (name == "target" || name == "y") {
                    if !self.jet {
                        self.cx.error_spanned_by(
                            &ident,
                            "`distance` and `lift` are functions of the inputs only; they cannot use the target",
                        );
                    }
                    self.uses.target.push(ident.clone());
                    *expr = path(&Ident::new("__target", ident.span()));
                    return;
                }
                if is_input && name == "y" {
                    self.uses.coordinate_y.push(ident);
                    return;
                }
                if !is_input && CONSTANTS.contains(&name.as_str()) {
                    let c = Ident::new(&name, ident.span());
                    *expr = syn::parse_quote!(::core::f64::consts::#c);
                    return;
                }
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}
