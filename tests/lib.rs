//! Integration tests of the `newton` facade, in one binary: the numerical oracle and the
//! functions it checks, operation counts, allocation counting (this binary's global allocator),
//! lint cleanliness of generated code, the generated `Objective` through its trait, and
//! trust-region Newton on `network!` PINNs (`solvers`), and argmin's solvers on newton's
//! objectives (`argmin`, with the feature of that name).

mod alloc_free;
#[cfg(feature = "argmin")]
mod argmin;
mod functions;
mod lints;
mod networks;
mod objective;
mod ops;
mod oracle;
mod solvers;
mod ui;
