//! Operation counts that `#[hessian]` reports for the code it emits.

/// Counts of the arithmetic operations and elementary-function calls in one emitted function.
///
/// A rolled loop over runtime data counts its body once: the counts measure code size, not the
/// work done for a given data length.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct OpCount {
    /// Additions and subtractions.
    pub add: u32,
    /// Multiplications.
    pub mul: u32,
    /// Divisions.
    pub div: u32,
    /// Negations.
    pub neg: u32,
    /// Calls of elementary functions (`sin`, `exp`, `sqrt`, `powi`, …).
    pub calls: u32,
}

impl OpCount {
    /// Returns the total number of operations of every kind.
    #[must_use]
    pub const fn total(&self) -> u32 {
        self.add + self.mul + self.div + self.neg + self.calls
    }
}

/// The operation counts of each function a `#[hessian]` module emits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Ops {
    /// `gradient`: the value's subexpressions that the gradient needs, and the gradient.
    pub gradient: OpCount,
    /// `hessian`: only what the Hessian's upper triangle needs.
    pub hessian: OpCount,
    /// `value_gradient_hessian`: the fused body.
    pub value_gradient_hessian: OpCount,
}
