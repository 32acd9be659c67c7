//! The attribute's arguments: `#[hessian]`, `#[hessian(wrt(a, b))]`, `#[hessian(max_ops = N)]`,
//! `#[hessian(associated)]`.

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitInt, Token};

/// Parsed `#[hessian(...)]` arguments.
#[derive(Default)]
pub struct Args {
    /// The differentiated arguments, when the user names them; `None`: every float argument.
    pub wrt: Option<Vec<Ident>>,
    /// The budget of emitted operations, with the literal for error spans.
    pub max_ops: Option<(u64, LitInt)>,
    /// `associated`: the function is an associated function of an `impl` block without `self`,
    /// so its derivatives are emitted as associated functions beside it, not as a module.
    pub associated: bool,
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            if key == "wrt" {
                if args.wrt.is_some() {
                    return Err(syn::Error::new(
                        key.span(),
                        "duplicate `wrt`; name every differentiated argument in one `wrt(a, b, …)`",
                    ));
                }
                let content;
                syn::parenthesized!(content in input);
                let names = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
                if names.is_empty() {
                    return Err(syn::Error::new(
                        key.span(),
                        "`wrt(...)` needs at least one argument name",
                    ));
                }
                args.wrt = Some(names.into_iter().collect());
            } else if key == "max_ops" {
                if args.max_ops.is_some() {
                    return Err(syn::Error::new(
                        key.span(),
                        "duplicate `max_ops`; give one budget, such as `max_ops = 5000`",
                    ));
                }
                input.parse::<Token![=]>()?;
                let lit: LitInt = input.parse()?;
                args.max_ops = Some((lit.base10_parse()?, lit));
            } else if key == "associated" {
                args.associated = true;
            } else {
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown argument `{key}`; supported: `wrt(a, b, …)`, `max_ops = N`, `associated`"),
                ));
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}
