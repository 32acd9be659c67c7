//! Tests of every problem of PROBLEMS.md §1–3: the numbers the document and the slides state,
//! and the generated derivatives against the hand-written closed forms, num-dual and central
//! differences at seeded random points.

// Exact comparisons are the point where PROBLEMS.md gives exact numbers (structural zeros,
// integer Hessians, values at stationary points).
#![allow(clippy::float_cmp, reason = "exact values are checked exactly")]

mod circle;
mod cli;
mod common;
mod oracle;
mod out_dir;
mod report;
mod rosenbrock;
mod slides;
mod torus;
