//! Integration tests of the `newton` facade, in one binary: the numerical oracle and the
//! functions it checks, operation counts, allocation counting (this binary's global allocator),
//! lint cleanliness of generated code, and the generated `Objective` through its trait.

mod alloc_free;
mod functions;
mod lints;
mod networks;
mod objective;
mod ops;
mod oracle;
mod ui;
