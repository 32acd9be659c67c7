//! Compile-fail tests of `#[hessian]`: one unsupported construct per file, each with the
//! macro's own spanned message and no follow-on errors.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
