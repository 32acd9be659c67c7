//! The model: what a network is (inputs, embedding, hidden widths, activation, output) and
//! where each of its parameters sits in `θ`. Everything else in [`network`](super) reads it.

mod activation;
mod architecture;
mod layout;
mod smooth;

pub use activation::Activation;
pub use architecture::{Architecture, Embedding, MAX_FREQUENCY, MAX_OMEGA, MAX_OUTPUTS};
pub(crate) use layout::Layout;
