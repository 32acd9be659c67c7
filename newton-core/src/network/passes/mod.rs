//! The passes through the network: forward (jets of `u` and its input derivatives), backward
//! (a row of the residual Jacobian) and the tangents the second-order term needs.

pub(crate) mod block;
pub(crate) mod point;
