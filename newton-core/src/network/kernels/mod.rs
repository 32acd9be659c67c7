//! The kernels: the few loops where the engine spends its time, each written once for the
//! widest vectors the processor has (under `pulp`'s runtime dispatch) and independent of the
//! network around them. They depend on nothing in [`network`](super) but [`Jet`](super::Jet).
//!
//! - [`strips`]: the stacked factors as the block sweep writes them (a lane vector per column
//!   and block of points, column-major), with the strip kernel `C += AᵀB` for the smallest
//!   products; [`panels`]: rows of eight columns and their outer-product kernel, for the
//!   point-by-point path's factors ([`transpose`] moves a block of points from one layout to
//!   the other);
//! - [`gram`] and [`faer_product`]: `JᵀJ` and the other products by faer on the strips as
//!   they stand, which beats the strip kernel on all but the smallest;
//! - [`lane_jets`]: the jet algebra with every component a vector over a block of points;
//! - [`activations`]: `tanh` and `sin` with their derivatives, a vector of arguments at a time.

pub(crate) mod activations;
pub(crate) mod faer_product;
pub(crate) mod gram;
pub(crate) mod lane_jets;
pub(crate) mod panels;
pub(crate) mod strip_product;
pub(crate) mod strips;
mod transpose;

pub(crate) use faer_product::Product;
pub(crate) use panels::{Panels, Part};
pub(crate) use strip_product::{accumulate_product_of_strips, add_product_of_strips};
pub(crate) use strips::Strips;

/// Points per block: one AVX-512 register of `f64`s, or two AVX2 ones.
pub(crate) const BLOCK: usize = 8;

/// One value per point of a block.
pub(crate) type Lanes = [f64; BLOCK];

/// Columns per panel, and per micro-tile of `C`: eight `f64`s are two AVX2 registers or one
/// AVX-512 register (which takes two panels per tile).
pub(crate) const PANEL: usize = 8;
