//! Tables of targets compressed into runs: where the entries of a product land in the Hessian,
//! each scaled by an entry of a weight vector.
//!
//! A table of single targets pays its indices (three loads and three bounds checks) for every
//! addition. But the blocks of a layer against the parameters of the layer below land on
//! consecutive entries of one column of the Hessian, from consecutive entries of the product,
//! with consecutive weights (or one weight): such a run is one loop over three slices, whose
//! bounds are checked once and which LLVM vectorises. Every entry still receives its terms in
//! the order of the table, each as `h += s·w`, so the sums round as the single targets did.

use pulp::{Arch, Simd, WithSimd};

use super::stack::upper;

/// One term: entry `source` of a product, times entry `weight` of the weights, added to entry
/// `entry` of the Hessian.
#[derive(Clone, Copy, Debug)]
pub(super) struct Term {
    pub(super) source: usize,
    pub(super) entry: usize,
    pub(super) weight: usize,
}

impl Term {
    /// The term of entry `source` of a product on the Hessian's entry of parameters `a` and
    /// `b` (`p × p`), times entry `weight` of the weights.
    pub(super) fn between(source: usize, (a, b): (usize, usize), p: usize, weight: usize) -> Self {
        Self {
            source,
            entry: upper(a, b, p),
            weight,
        }
    }
}

/// Terms `i < len` of a run: source `source + i` into entry `entry + i`, times weight
/// `weight + i` where `each`, `weight` otherwise.
#[derive(Clone, Copy, Debug)]
struct Run {
    source: usize,
    entry: usize,
    weight: usize,
    len: usize,
    each: bool,
}

impl Run {
    /// Extends the run by `term` if it is the run's next: `false` if not.
    fn extend(&mut self, term: Term) -> bool {
        let next = term.source == self.source + self.len && term.entry == self.entry + self.len;
        let weighs = match (self.len, self.each) {
            (1, _) => term.weight == self.weight || term.weight == self.weight + 1,
            (_, true) => term.weight == self.weight + self.len,
            (_, false) => term.weight == self.weight,
        };
        if next && weighs {
            if self.len == 1 {
                self.each = term.weight != self.weight;
            }
            self.len += 1;
        }
        next && weighs
    }
}

/// A table of terms, in runs.
#[derive(Clone, Debug, Default)]
pub(super) struct Runs {
    runs: Vec<Run>,
}

impl Runs {
    /// Compresses `terms` into runs, in their order.
    pub(super) fn new(terms: impl IntoIterator<Item = Term>) -> Self {
        let mut runs: Vec<Run> = Vec::new();
        for term in terms {
            if runs.last_mut().is_some_and(|run| run.extend(term)) {
                continue;
            }
            runs.push(Run {
                source: term.source,
                entry: term.entry,
                weight: term.weight,
                len: 1,
                each: false,
            });
        }
        Self { runs }
    }

    /// Adds every term: `h[entry] += product[source]·weights[weight]`.
    pub(super) fn add(&self, product: &[f64], weights: &[f64], h: &mut [f64]) {
        Arch::new().dispatch(AddRuns {
            runs: &self.runs,
            product,
            weights,
            h,
        });
    }
}

/// [`Runs::add`], dispatched, so that the runs compile to the widest vectors there are.
struct AddRuns<'a> {
    runs: &'a [Run],
    product: &'a [f64],
    weights: &'a [f64],
    h: &'a mut [f64],
}

impl WithSimd for AddRuns<'_> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "the loops must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        let Self {
            runs,
            product,
            weights,
            h,
        } = self;
        for run in runs {
            if run.len == 1 {
                h[run.entry] += product[run.source] * weights[run.weight];
                continue;
            }
            let h = &mut h[run.entry..][..run.len];
            let s = &product[run.source..][..run.len];
            if run.each {
                let w = &weights[run.weight..][..run.len];
                for ((h, &s), &w) in h.iter_mut().zip(s).zip(w) {
                    *h += s * w;
                }
            } else {
                let w = weights[run.weight];
                for (h, &s) in h.iter_mut().zip(s) {
                    *h += s * w;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Runs, Term};

    /// Runs add what the terms one at a time add, in the same order, whatever their shapes:
    /// consecutive weights, one weight, single terms, and a run broken by a gap.
    #[test]
    fn runs_add_what_the_terms_add() {
        let term = |source, entry, weight| Term {
            source,
            entry,
            weight,
        };
        let terms = [
            term(0, 10, 3),
            term(1, 11, 4),
            term(2, 12, 5),
            term(3, 13, 0),
            term(4, 14, 0),
            term(5, 15, 0),
            term(6, 30, 2),
            term(8, 31, 2),
            term(9, 10, 1),
            term(10, 11, 1),
        ];
        let product: Vec<f64> = (0..12).map(|v| f64::from(v) * 0.37 + 0.1).collect();
        let weights = [1.0, 0.3, -1.7, 2.5, 0.9, -0.4];
        let mut want = vec![0.5; 40];
        for t in &terms {
            want[t.entry] += product[t.source] * weights[t.weight];
        }
        let runs = Runs::new(terms);
        assert_eq!(runs.runs.len(), 5);
        let mut got = vec![0.5; 40];
        runs.add(&product, &weights, &mut got);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            bits(&got),
            bits(&want),
            "the same operations in the same order"
        );
    }
}
