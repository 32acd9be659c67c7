//! Collects every user error of one expansion, so a user sees all of them in one build.

use std::cell::RefCell;
use std::fmt::Display;

use quote::ToTokens;

/// An error sink (model: `serde_derive`'s `Ctxt`). Call [`Ctxt::check`] before dropping it.
pub struct Ctxt {
    errors: RefCell<Option<Vec<syn::Error>>>,
}

impl Ctxt {
    /// Creates an empty sink.
    pub fn new() -> Self {
        Ctxt {
            errors: RefCell::new(Some(Vec::new())),
        }
    }

    /// Records an error spanned on `tokens`.
    pub fn error_spanned_by<T: ToTokens, M: Display>(&self, tokens: T, message: M) {
        self.push(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    /// Records an error that is already a `syn::Error`.
    pub fn push(&self, error: syn::Error) {
        self.errors
            .borrow_mut()
            .as_mut()
            .expect("`check` not yet called")
            .push(error);
    }

    /// Returns whether any error has been recorded.
    pub fn has_errors(&self) -> bool {
        self.errors.borrow().as_ref().is_some_and(|e| !e.is_empty())
    }

    /// Consumes the sink: `Ok` if nothing was recorded, else every error combined into one.
    pub fn check(self) -> syn::Result<()> {
        let errors = self
            .errors
            .borrow_mut()
            .take()
            .expect("`check` called once");
        let mut iter = errors.into_iter();
        match iter.next() {
            None => Ok(()),
            Some(mut first) => {
                for e in iter {
                    first.combine(e);
                }
                Err(first)
            }
        }
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        // A drop bomb: forgetting `check` would silently discard the user's errors.
        assert!(
            std::thread::panicking() || self.errors.borrow().is_none(),
            "forgot to call `Ctxt::check`"
        );
    }
}
