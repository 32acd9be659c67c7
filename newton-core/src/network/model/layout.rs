//! Where each parameter sits in the flat parameter vector, precomputed for the passes.

use super::Architecture;

/// The parameter layout of an [`Architecture`], precomputed so that the engine's inner loops
/// index parameters in constant time ([`Architecture::offset`] sums over the layers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    /// `widths[l]` for `l = 0 ..= L` (0 is the feature layer).
    widths: Vec<usize>,
    /// `offsets[l] = offset(l)` for `l = 0 ..= L + 1` (entry 0 unused).
    offsets: Vec<usize>,
    /// See [`Architecture::parameters`] (the output bias is in it, not in the widths).
    parameters: usize,
    /// See [`Architecture::outputs`].
    outputs: usize,
}

impl Layout {
    pub(crate) fn new(arch: &Architecture) -> Self {
        let depth = arch.depth();
        Self {
            widths: (0..=depth).map(|l| arch.width(l)).collect(),
            offsets: (0..=depth + 1).map(|l| arch.offset(l.max(1))).collect(),
            parameters: arch.parameters(),
            outputs: arch.outputs,
        }
    }

    /// Returns whether buffers sized for this layout fit `arch`: the same widths (features
    /// included) and parameter count. Compares without allocating.
    pub(crate) fn fits(&self, arch: &Architecture) -> bool {
        self.parameters == arch.parameters()
            && self.outputs == arch.outputs
            && self.widths.len() == arch.depth() + 1
            && self
                .widths
                .iter()
                .enumerate()
                .all(|(l, &w)| w == arch.width(l))
    }

    /// See [`Architecture::depth`].
    #[inline]
    pub(crate) fn depth(&self) -> usize {
        self.widths.len() - 1
    }

    /// See [`Architecture::width`].
    #[inline]
    pub(crate) fn width(&self, l: usize) -> usize {
        self.widths[l]
    }

    /// See [`Architecture::offset`].
    #[inline]
    pub(crate) fn offset(&self, l: usize) -> usize {
        self.offsets[l]
    }

    /// See [`Architecture::weight`].
    #[inline]
    pub(crate) fn weight(&self, l: usize, j: usize, i: usize) -> usize {
        self.offsets[l] + j * self.widths[l - 1] + i
    }

    /// See [`Architecture::parameters`].
    pub(crate) fn parameters(&self) -> usize {
        self.parameters
    }

    /// See [`Architecture::outputs`].
    #[inline]
    pub(crate) fn outputs(&self) -> usize {
        self.outputs
    }

    /// See [`Architecture::output_weight`].
    #[inline]
    pub(crate) fn output_weight(&self, o: usize, j: usize) -> usize {
        self.offsets[self.depth() + 1] + o * self.widths[self.depth()] + j
    }

    /// See [`Architecture::bias`].
    #[inline]
    pub(crate) fn bias(&self, l: usize, j: usize) -> usize {
        self.offsets[l] + self.widths[l] * self.widths[l - 1] + j
    }
}
