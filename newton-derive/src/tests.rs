//! Expansion tests: `expand::hessian` on whole functions, as the compiler would call it.

use proc_macro2::TokenStream;
use quote::quote;

use crate::expand;

fn rosenbrock() -> TokenStream {
    quote! {
        fn rosenbrock(x: f64, y: f64) -> f64 {
            (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
        }
    }
}

fn torus() -> TokenStream {
    quote! {
        fn torus(p: [f64; 2]) -> f64 {
            let (theta, phi) = (p[0], p[1]);
            let rho = 2.0 + phi.cos();
            let (x, y, z) = (rho * theta.cos(), 1.5 * rho * theta.sin(), phi.sin());
            0.5 * (x * x + y * y + z * z)
        }
    }
}

fn fit() -> TokenStream {
    quote! {
        fn fit(a: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
            let mut s = 0.0;
            for (x, y) in xs.iter().zip(ys) {
                let r = a * x + b - y;
                s += r * r;
            }
            0.5 * s
        }
    }
}

/// A second loop over the data that reads the first loop's sum, and a run-time branch.
fn two_loops() -> TokenStream {
    quote! {
        fn two_loops(a: f64, b: f64, c: f64, xs: &[f64], flip: bool) -> f64 {
            let mut s1 = 0.0;
            for x in xs {
                s1 += (a * x).exp();
            }
            let mut s2 = 0.0;
            for (i, x) in xs.iter().enumerate() {
                let r = b * x - s1 + i as f64;
                s2 += r * r;
            }
            let t = if flip { a * b } else { b.sin() * c };
            s2 + t + c.hypot(a).ln()
        }
    }
}

/// Calls of two other `#[hessian]` functions, one per data element inside the rolled loop.
fn composed() -> TokenStream {
    quote! {
        fn composed(x: f64, y: f64, xs: &[f64]) -> f64 {
            let mut s = 0.0;
            for t in xs {
                s += huber(x * t - y, 0.5);
            }
            separable(x, y * y) + s
        }
    }
}

/// A method reading a field of `self` as a constant and a `Vec` field as data.
fn method() -> TokenStream {
    quote! {
        pub fn loss(&self, a: f64, b: f64) -> f64 {
            let mut s = 0.0;
            for x in self.xs.iter() {
                let r = a * x + b;
                s += r * r;
            }
            self.scale * s
        }
    }
}

/// Formats an expansion of a method inside `impl Model { … }`, as `cargo expand` would.
fn pretty_in_impl(item: TokenStream) -> String {
    let tokens = expand::hessian(quote!(), item).expect("the item is a function");
    let file: syn::File =
        syn::parse2(quote!(impl Model { #tokens })).expect("the expansion parses as impl items");
    prettyplease::unparse(&file)
}

fn expand_ok(args: TokenStream, item: TokenStream) -> String {
    expand::hessian(args, item)
        .expect("the item is a function")
        .to_string()
}

/// Formats an expansion as `cargo expand` would show it.
fn pretty(args: TokenStream, item: TokenStream) -> String {
    let tokens = expand::hessian(args, item).expect("the item is a function");
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses as items");
    prettyplease::unparse(&file)
}

/// Returns the messages of every `compile_error!` in an expansion.
fn compile_errors(expansion: &str) -> Vec<String> {
    let file: syn::File = syn::parse_str(expansion).expect("the expansion parses as items");
    let mut messages = Vec::new();
    for item in &file.items {
        if let syn::Item::Macro(m) = item {
            if m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "compile_error")
            {
                let lit: syn::LitStr = m.mac.parse_body().expect("a string literal");
                messages.push(lit.value());
            }
        }
    }
    messages
}

#[test]
fn expansion_is_deterministic() {
    // Each expansion builds fresh `HashMap`s with fresh random seeds, so any iteration over
    // one while emitting would show up as a difference between runs.
    for (args, item) in [
        (quote!(), rosenbrock()),
        (quote!(), torus()),
        (quote!(), fit()),
        (quote!(wrt(a, b)), two_loops()),
        (quote!(), two_loops()),
        (quote!(), composed()),
    ] {
        let first = expand_ok(args.clone(), item.clone());
        for _ in 0..4 {
            assert_eq!(expand_ok(args.clone(), item.clone()), first);
        }
    }
}

#[test]
fn snapshot_rosenbrock() {
    insta::assert_snapshot!(pretty(quote!(), rosenbrock()));
}

#[test]
fn snapshot_torus() {
    insta::assert_snapshot!(pretty(quote!(), torus()));
}

#[test]
fn snapshot_fit() {
    insta::assert_snapshot!(pretty(quote!(), fit()));
}

#[test]
fn snapshot_method() {
    insta::assert_snapshot!(pretty_in_impl(method()));
}

#[test]
fn snapshot_composed() {
    insta::assert_snapshot!(pretty(quote!(), composed()));
}

/// Counts the `for` loops of every function of an expansion, by name (`mod::fn` inside the
/// generated module).
fn loops_per_function(args: TokenStream, item: TokenStream) -> Vec<(String, usize)> {
    use syn::visit::Visit;

    #[derive(Default)]
    struct Loops {
        module: Option<String>,
        counts: Vec<(String, usize)>,
    }
    impl<'ast> Visit<'ast> for Loops {
        fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
            self.module = Some(m.ident.to_string());
            syn::visit::visit_item_mod(self, m);
        }
        fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
            let name = match &self.module {
                Some(m) => format!("{m}::{}", f.sig.ident),
                None => f.sig.ident.to_string(),
            };
            self.counts.push((name, 0));
            syn::visit::visit_item_fn(self, f);
        }
        fn visit_expr_for_loop(&mut self, l: &'ast syn::ExprForLoop) {
            if let Some(last) = self.counts.last_mut() {
                last.1 += 1;
            }
            syn::visit::visit_expr_for_loop(self, l);
        }
    }

    let tokens = expand::hessian(args, item).expect("the item is a function");
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses as items");
    let mut loops = Loops::default();
    loops.visit_file(&file);
    loops.counts
}

/// Loops over data stay rolled: every generated function has exactly the loops the user
/// wrote (a loop's derivatives are sums in the same loop, not new loops and not unrolled).
#[test]
fn data_loops_stay_rolled() {
    for (item, loops) in [(fit(), 1), (two_loops(), 2)] {
        let counts = loops_per_function(quote!(), item);
        assert!(counts.len() >= 5, "{counts:?}");
        for (name, count) in &counts {
            assert_eq!(*count, loops, "{name} in {counts:?}");
        }
    }
}

#[test]
fn three_mistakes_give_three_errors_and_a_fallback() {
    let expansion = expand_ok(
        quote!(),
        quote! {
            pub fn broken(x: f64, y: f64) -> f64 {
                let a = x.midpoint(2.0);
                let b = match y { _ => y };
                let c = ::std::vec![x];
                a + b + y
            }
        },
    );
    let errors = compile_errors(&expansion);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(
        errors[0].contains("unsupported method `midpoint`"),
        "{errors:#?}"
    );
    assert!(errors[0].contains("supported: `sqrt`"), "{errors:#?}");
    assert!(
        errors[1].contains("`match` is not supported"),
        "{errors:#?}"
    );
    assert!(
        errors[2].contains("macro `vec!` is not supported"),
        "{errors:#?}"
    );

    let file: syn::File = syn::parse_str(&expansion).expect("the fallback parses");
    let code = prettyplease::unparse(&file);
    for wanted in [
        "pub fn broken(x: f64, y: f64) -> f64 {",
        "pub mod broken {",
        "pub const DIM: usize = 2usize;",
        "pub fn gradient(x: f64, y: f64) -> ::newton::__private::SVector<f64, 2usize>",
        "pub fn value_gradient(",
        "pub fn hessian(",
        "pub fn value_gradient_hessian(",
        "pub struct Objective;",
        "unreachable!",
    ] {
        assert!(code.contains(wanted), "missing {wanted:?} in\n{code}");
    }
}

#[test]
fn signature_and_body_errors_are_reported_together() {
    let expansion = expand_ok(
        quote!(wrt(z)),
        quote! {
            fn g<T>(x: f64) -> f64 {
                while x > 0.0 {}
                x
            }
        },
    );
    let errors = compile_errors(&expansion);
    assert_eq!(errors.len(), 3, "{errors:#?}");
}

#[test]
fn max_ops_reports_the_size() {
    let item = quote! {
        fn big(p: [f64; 3]) -> f64 {
            let r = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt();
            (r - 1.0).powi(2) + (p[0] * p[1]).sin() * (p[2]).exp()
        }
    };
    let expansion = expand_ok(quote!(max_ops = 5), item.clone());
    let errors = compile_errors(&expansion);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let message = &errors[0];
    let count: u64 = message
        .strip_prefix("the fused value, gradient and Hessian take ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no operation count in {message:?}"));
    assert!(count > 5, "{message}");
    assert!(message.contains("above `max_ops = 5`"), "{message}");
    assert!(expansion.contains("pub const DIM"));

    // A budget the function fits in expands normally.
    let budget = count.to_string();
    let lit = proc_macro2::Literal::u64_unsuffixed(count);
    let expansion = expand_ok(quote!(max_ops = #lit), item);
    assert!(compile_errors(&expansion).is_empty(), "budget {budget}");
}

/// The README and the crate docs list every supported method, as the derivative table has them.
#[test]
fn docs_list_every_supported_method() {
    let list = crate::lower::supported_methods();
    for (doc, text) in [
        ("README.md", include_str!("../../README.md")),
        ("src/lib.rs", include_str!("../../src/lib.rs")),
    ] {
        assert!(
            text.contains(&list),
            "{doc} must list the supported methods exactly as the table does:\n{list}"
        );
    }
}
