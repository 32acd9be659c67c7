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
    /// Calls of other `#[hessian]` functions. Their own operations are already counted in the
    /// fields above, so [`OpCount::total`] does not add these.
    pub functions: u32,
}

impl OpCount {
    /// No operations: the count of a hand-written module that does not count its own.
    pub const ZERO: OpCount = OpCount {
        add: 0,
        mul: 0,
        div: 0,
        neg: 0,
        calls: 0,
        functions: 0,
    };

    /// Returns the total number of operations of every kind.
    #[must_use]
    pub const fn total(&self) -> u32 {
        self.add + self.mul + self.div + self.neg + self.calls
    }

    /// Returns the counts of `self` and `other` together: a caller's own operations and those
    /// of a function it calls.
    #[must_use]
    pub const fn plus(self, other: OpCount) -> OpCount {
        OpCount {
            add: self.add + other.add,
            mul: self.mul + other.mul,
            div: self.div + other.div,
            neg: self.neg + other.neg,
            calls: self.calls + other.calls,
            functions: self.functions + other.functions,
        }
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

impl Ops {
    /// No operations in any function: for a hand-written module (a primitive such as `erf`
    /// that `#[hessian]` code calls) that does not count its own.
    pub const ZERO: Ops = Ops {
        gradient: OpCount::ZERO,
        hessian: OpCount::ZERO,
        value_gradient_hessian: OpCount::ZERO,
    };
}
