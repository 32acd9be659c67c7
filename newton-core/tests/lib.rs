//! Integration tests of newton-core, in one binary: the solvers on hand-written problems
//! (`first_order`, `second_order`, `least_squares`), `classify` against independent and exact
//! references (`classify`, `classify_exact`), the network engine against num-dual (`network`),
//! trust-region Newton and its subproblem (`trust_region`), line search, best iterate,
//! divergence, observer and "not stationary" (`safeguards`), and bad input to every entry point
//! (`bad_input`).
//!
//! The global allocator is the counting one of `newton-test-support`, armed per thread, so the
//! allocation tests of `first_order` and `network` run in parallel with everything else. The
//! proptest regressions of these modules live in `../proptest-regressions/`, where proptest
//! looks for a test crate whose root is `tests/lib.rs`.

mod bad_input;
mod classify;
mod classify_exact;
mod first_order;
mod least_squares;
mod network;
mod safeguards;
mod second_order;
mod trust_region;

#[global_allocator]
static GLOBAL: newton_test_support::Counting = newton_test_support::Counting;
