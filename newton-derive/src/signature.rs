//! Reads the function's signature: the scalar type, which arguments are differentiated, and
//! what the body may do with the others.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::{FnArg, Ident, Pat, ReturnType, Type};

use crate::ctxt::Ctxt;

/// The float type the function computes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    F64,
    F32,
}

impl Scalar {
    fn from_type(ty: &Type) -> Option<Scalar> {
        match ty {
            Type::Path(p) if p.qself.is_none() && p.path.is_ident("f64") => Some(Scalar::F64),
            Type::Path(p) if p.qself.is_none() && p.path.is_ident("f32") => Some(Scalar::F32),
            Type::Paren(p) => Scalar::from_type(&p.elem),
            _ => None,
        }
    }
}

impl ToTokens for Scalar {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            Scalar::F64 => quote!(f64),
            Scalar::F32 => quote!(f32),
        });
    }
}

/// What an argument is to the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A differentiated scalar; its input index.
    Diff(u32),
    /// A differentiated `[T; len]`; the input index of element 0.
    DiffArray { first: u32, len: usize },
    /// A constant scalar of the function's float type.
    Scalar,
    /// A constant `[T; len]`.
    Array(usize),
    /// A constant integer, usable through `as f64`, in conditions and comparisons.
    Int,
    /// A constant `bool`, usable in conditions.
    Bool,
    /// Runtime data `&[T]` (`None`) or `&[[T; K]]` (`Some(K)`), usable in a rolled loop.
    Slice(Option<usize>),
    /// Anything else: passed through, but the body cannot use it.
    Opaque,
    /// An argument whose type was already reported as an error: uses of it stay silent.
    Rejected,
}

/// One argument.
#[derive(Clone, Debug)]
pub struct Arg {
    pub name: Ident,
    pub ty: Type,
    pub kind: Kind,
}

/// The analysed signature.
pub struct Signature {
    pub scalar: Scalar,
    pub args: Vec<Arg>,
    /// The number of differentiated scalars.
    pub dim: u32,
    /// Whether the return type is a float; when it is not, the body is written for another
    /// type and lowering it would only report consequences of that one mistake.
    pub returns_float: bool,
    /// `&self` or `self` of a method; its derivatives become methods beside it.
    pub receiver: Option<syn::Receiver>,
}

impl Signature {
    /// Returns whether argument `arg` is differentiated.
    pub fn is_differentiated(arg: &Arg) -> bool {
        matches!(arg.kind, Kind::Diff(_) | Kind::DiffArray { .. })
    }
}

/// Analyses `sig`, recording every problem in `cx` and still returning a usable signature so
/// the fallback expansion can emit items with the real argument list.
pub fn analyse(cx: &Ctxt, sig: &syn::Signature, wrt: Option<&[Ident]>) -> Signature {
    let returned = return_scalar(cx, sig);
    let returns_float = returned.is_some();
    let scalar = returned.unwrap_or(Scalar::F64);
    check_header(cx, sig);

    let mut args = Vec::new();
    let mut dim = 0u32;
    let mut receiver = None;
    for input in &sig.inputs {
        let typed = match input {
            FnArg::Receiver(r) => {
                if r.reference.is_some() && r.mutability.is_some() {
                    cx.error_spanned_by(
                        r,
                        "`#[hessian]` methods read their receiver: take `&self` (or `self`), not `&mut self`",
                    );
                }
                receiver = Some(r.clone());
                continue;
            }
            FnArg::Typed(t) => t,
        };
        let name = match &*typed.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => p.ident.clone(),
            other => {
                cx.error_spanned_by(
                    other,
                    "`#[hessian]` arguments must be plain names, such as `x: [f64; 2]`",
                );
                continue;
            }
        };
        let floats = float_shape(&typed.ty);
        let wanted = wrt.is_none_or(|names| names.contains(&name));
        let kind = match floats {
            Some((s, len)) if s != scalar => {
                let _ = len;
                cx.error_spanned_by(&typed.ty, format!("argument `{name}` is `{}` but the function returns `{}`; use one float type", s.to_token_stream(), scalar.to_token_stream()));
                Kind::Rejected
            }
            Some((_, None)) if wanted => {
                dim += 1;
                Kind::Diff(dim - 1)
            }
            Some((_, Some(len))) if wanted => {
                let first = dim;
                dim += u32::try_from(len).unwrap_or(u32::MAX);
                Kind::DiffArray { first, len }
            }
            Some((_, None)) => Kind::Scalar,
            Some((_, Some(len))) => Kind::Array(len),
            None => constant_kind(cx, &name, &typed.ty, scalar),
        };
        args.push(Arg {
            name,
            ty: (*typed.ty).clone(),
            kind,
        });
    }
    if let Some(names) = wrt {
        check_wrt(cx, &args, names);
    }
    if dim == 0 && !cx.has_errors() {
        cx.error_spanned_by(&sig.ident, "`#[hessian]` found no argument to differentiate; differentiated arguments are `f64`, `f32` or arrays of them, such as `x: [f64; 2]`");
    }
    Signature {
        scalar,
        args,
        dim,
        returns_float,
        receiver,
    }
}

/// Returns the float type the function returns, or reports that it returns something else.
fn return_scalar(cx: &Ctxt, sig: &syn::Signature) -> Option<Scalar> {
    let message = "`#[hessian]` needs a function returning `f64` or `f32`";
    match &sig.output {
        ReturnType::Type(_, ty) => {
            let scalar = Scalar::from_type(ty);
            if scalar.is_none() {
                cx.error_spanned_by(ty, message);
            }
            scalar
        }
        ReturnType::Default => {
            cx.error_spanned_by(&sig.ident, message);
            None
        }
    }
}

/// Reports generic parameters, `async` and variadics.
fn check_header(cx: &Ctxt, sig: &syn::Signature) {
    for param in &sig.generics.params {
        if !matches!(param, syn::GenericParam::Lifetime(_)) {
            cx.error_spanned_by(
                param,
                "generic parameters are not supported by `#[hessian]`: the derivative code is specialised to `f64` or `f32`; only lifetime parameters are allowed",
            );
        }
    }
    if let Some(asyncness) = &sig.asyncness {
        cx.error_spanned_by(
            asyncness,
            "`async fn` is not supported by `#[hessian]`; write a plain `fn`",
        );
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned_by(
            variadic,
            "variadic functions are not supported by `#[hessian]`",
        );
    }
}

/// Reports names in `wrt(...)` that are not differentiable arguments.
fn check_wrt(cx: &Ctxt, args: &[Arg], names: &[Ident]) {
    for n in names {
        match args.iter().find(|a| a.name == *n) {
            None => {
                let names: Vec<String> = args.iter().map(|a| format!("`{}`", a.name)).collect();
                cx.error_spanned_by(
                    n,
                    format!(
                        "`wrt` names `{n}`, which is not an argument; arguments: {}",
                        names.join(", ")
                    ),
                );
            }
            Some(a) if !Signature::is_differentiated(a) => {
                cx.error_spanned_by(
                    n,
                    format!("`wrt` names `{n}`, which is not a float or an array of floats"),
                );
            }
            Some(_) => {}
        }
    }
}

/// Returns the float type and array length of `T` or `[T; K]`.
fn float_shape(ty: &Type) -> Option<(Scalar, Option<usize>)> {
    match ty {
        Type::Array(a) => {
            let s = Scalar::from_type(&a.elem)?;
            Some((s, Some(array_len(&a.len)?)))
        }
        Type::Paren(p) => float_shape(&p.elem),
        _ => Scalar::from_type(ty).map(|s| (s, None)),
    }
}

fn array_len(len: &syn::Expr) -> Option<usize> {
    match len {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        _ => None,
    }
}

fn constant_kind(cx: &Ctxt, name: &Ident, ty: &Type, scalar: Scalar) -> Kind {
    const INTS: [&str; 12] = [
        "usize", "isize", "u8", "u16", "u32", "u64", "u128", "i8", "i16", "i32", "i64", "i128",
    ];
    match ty {
        Type::Path(p) if INTS.iter().any(|i| p.path.is_ident(i)) => Kind::Int,
        Type::Path(p) if p.path.is_ident("bool") => Kind::Bool,
        Type::Reference(r) if r.mutability.is_some() => {
            let (and, mutability) = (&r.and_token, &r.mutability);
            cx.error_spanned_by(quote!(#and #mutability), format!("`&mut` argument `{name}` is not supported by `#[hessian]`: the generated functions only read their arguments; take `&` instead"));
            Kind::Rejected
        }
        Type::Reference(r) => match (slice_elem(&r.elem), float_shape(&r.elem)) {
            (Some((s, k)), _) if s == scalar => Kind::Slice(k),
            // `&[f64; 3]`: a constant array, read through the reference.
            (_, Some((s, Some(len)))) if s == scalar => Kind::Array(len),
            _ => Kind::Opaque,
        },
        // `[f64; N]` reaches here only when `N` is not a literal
        Type::Array(a) if Scalar::from_type(&a.elem).is_some() => {
            let len = a.len.to_token_stream().to_string();
            cx.error_spanned_by(
                &a.len,
                format!("the length of `{name}` must be an integer literal here, such as `[f64; 3]`: the macro sees only this function, so it cannot see the value of `{len}`"),
            );
            Kind::Rejected
        }
        _ => Kind::Opaque,
    }
}

/// Returns the element shape of `[T]`, `[[T; K]]`, `Vec<T>` or `Vec<[T; K]>`.
fn slice_elem(ty: &Type) -> Option<(Scalar, Option<usize>)> {
    let elem = match ty {
        Type::Slice(s) => &*s.elem,
        Type::Path(p) => {
            let last = p.path.segments.last()?;
            if last.ident != "Vec" {
                return None;
            }
            match &last.arguments {
                syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
                    syn::GenericArgument::Type(t) => t,
                    _ => return None,
                },
                _ => return None,
            }
        }
        _ => return None,
    };
    float_shape(elem)
}
