//! The shape of a network: inputs, embedding, hidden widths, activation, output; and where each
//! parameter sits in the flat parameter vector.

use nalgebra::DMatrix;

use super::Activation;
use crate::Error;

/// The largest frequency `ω` of a `sin(ω·)` activation: its fourth derivative, which the jets
/// of PINN residuals need, scales by `ω⁴`, finite up to about `1.3e77`.
pub const MAX_OMEGA: f64 = 1e77;

/// The largest magnitude of a Fourier frequency `B`: beyond it, `2πBx` for coordinates of
/// order one has lost ten of its sixteen digits and `sin 2πBx` is noise (and an entry near
/// `f64::MAX` overflows `2πBx` outright).
pub const MAX_FREQUENCY: f64 = 1e6;

/// What the first layer sees.
#[derive(Clone, Debug, PartialEq)]
pub enum Embedding {
    /// The input coordinates themselves, `ξ(x) = x`.
    Identity,
    /// Fourier features `ξ(x) = [cos 2πBx, sin 2πBx]` with a fixed (untrained) `B ∈ ℝ^{m×d}`.
    Fourier {
        /// The frequencies `B`, one row per feature pair.
        frequencies: DMatrix<f64>,
    },
}

impl Embedding {
    /// Returns the number of features `d_ξ`.
    #[must_use]
    pub fn features(&self, inputs: usize) -> usize {
        match self {
            Self::Identity => inputs,
            Self::Fourier { frequencies } => 2 * frequencies.nrows(),
        }
    }
}

/// The most outputs a network may have: the residual sees `outputs × K` jet components, and
/// the passes keep a few per-output duals on the stack.
pub const MAX_OUTPUTS: usize = 8;

/// The architecture of a fully connected network, `uₒ(x) = D(x)·(Σⱼ cₒⱼ z^L_j(x) + c₀ₒ)` for
/// each output `o`, with `zˡ = σ(Aˡ zˡ⁻¹ + bˡ)` and `z⁰ = ξ(x)`: the hidden layers are shared,
/// each output has its own row of `c`.
///
/// Parameter order: `[A¹ row-major, b¹, A² row-major, b², …, c (outputs × W_L, row-major),
/// c₀ (one per output, only with an output bias)]`; with one output, `[…, c, c₀]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Architecture {
    /// The number of input coordinates `d` (1 to 3).
    pub inputs: usize,
    /// The embedding of the inputs.
    pub embedding: Embedding,
    /// The widths of the hidden layers, first to last.
    pub widths: Vec<usize>,
    /// The nonlinearity of every hidden neuron.
    pub activation: Activation,
    /// Whether each output has a trained bias `c₀ₒ`.
    pub output_bias: bool,
    /// The number of outputs (1 to [`MAX_OUTPUTS`]), e.g. 2 for a coupled system in `(u, v)`.
    pub outputs: usize,
}

impl Architecture {
    /// Checks the architecture.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] for 0 or more than 3 inputs, no hidden layer, a zero width, an
    /// `ω` that is not positive or above [`MAX_OMEGA`], a Fourier frequency that is not finite
    /// or above [`MAX_FREQUENCY`] in magnitude, or frequencies whose column count is not
    /// `inputs`.
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |name, value: f64, requirement| {
            Err(Error::InvalidSetting {
                name,
                value,
                requirement,
            })
        };
        if !(1..=3).contains(&self.inputs) {
            return invalid("inputs", count(self.inputs), "1, 2 or 3");
        }
        if !(1..=MAX_OUTPUTS).contains(&self.outputs) {
            return invalid("outputs", count(self.outputs), "1 to 8");
        }
        if self.widths.is_empty() {
            return invalid("hidden", 0.0, "at least one layer");
        }
        if let Some(&w) = self.widths.iter().find(|&&w| w == 0) {
            return invalid("hidden", count(w), "positive (a layer needs a neuron)");
        }
        // The engine's buffers hold `P × P` and `N × P` numbers: a `P` whose dense Hessian
        // cannot even be addressed is an error, not an overflow or an abort later.
        let addressable = self
            .checked_parameters()
            .and_then(|p| p.checked_mul(p)?.checked_mul(8))
            .is_some_and(|bytes| isize::try_from(bytes).is_ok());
        if !addressable {
            let widest = self.widths.iter().copied().max().unwrap_or(0);
            return invalid(
                "hidden",
                count(widest),
                "widths whose P × P Hessian of f64 is addressable",
            );
        }
        if let Activation::Sin { omega } = self.activation {
            // ω = 0 is a network of zeros (every `sin(0·h)` vanishes), and the fourth
            // derivative the jets need scales by ω⁴, which overflows above about 1.3e77.
            if !(omega > 0.0 && omega <= MAX_OMEGA) {
                return invalid(
                    "omega",
                    omega,
                    "positive and at most 1e77 (so that ω⁴ is finite)",
                );
            }
        }
        if let Embedding::Fourier { frequencies } = &self.embedding {
            if frequencies.ncols() != self.inputs || frequencies.nrows() == 0 {
                return invalid(
                    "frequencies",
                    count(frequencies.ncols()),
                    "a non-empty matrix with one column per input",
                );
            }
            if let Some(&b) = frequencies
                .iter()
                .find(|b| b.is_nan() || b.abs() > MAX_FREQUENCY)
            {
                return invalid("frequencies", b, "at most 1e6 in magnitude");
            }
        }
        Ok(())
    }

    /// Returns the number of features the first layer sees.
    #[must_use]
    pub fn features(&self) -> usize {
        self.embedding.features(self.inputs)
    }

    /// Returns the width of layer `l` (0 is the feature layer).
    #[must_use]
    pub fn width(&self, l: usize) -> usize {
        if l == 0 {
            self.features()
        } else {
            self.widths[l - 1]
        }
    }

    /// Returns the number of hidden layers `L`.
    #[must_use]
    pub fn depth(&self) -> usize {
        self.widths.len()
    }

    /// Returns the offset of hidden layer `l`'s block `[Aˡ, bˡ]` (`l` from 1), which is also
    /// the number of parameters of the layers before it; `offset(L + 1)` is where `c` starts.
    #[must_use]
    pub fn offset(&self, l: usize) -> usize {
        (1..l)
            .map(|k| self.width(k) * (self.width(k - 1) + 1))
            .sum()
    }

    /// Returns the index of `Aˡ[j][i]`.
    #[must_use]
    pub fn weight(&self, l: usize, j: usize, i: usize) -> usize {
        self.offset(l) + j * self.width(l - 1) + i
    }

    /// Returns the index of `bˡ[j]`.
    #[must_use]
    pub fn bias(&self, l: usize, j: usize) -> usize {
        self.offset(l) + self.width(l) * self.width(l - 1) + j
    }

    /// Returns the index of the output weight `cₒⱼ`.
    #[must_use]
    pub fn output_weight(&self, o: usize, j: usize) -> usize {
        self.offset(self.depth() + 1) + o * self.width(self.depth()) + j
    }

    /// Returns the index of the output bias `c₀ₒ` (meaningful only with an output bias).
    #[must_use]
    pub fn output_bias_index(&self, o: usize) -> usize {
        self.output_weight(self.outputs, 0) + o
    }

    /// Returns the number of parameters `P`.
    #[must_use]
    pub fn parameters(&self) -> usize {
        self.offset(self.depth() + 1)
            + self.outputs * (self.width(self.depth()) + usize::from(self.output_bias))
    }

    /// [`Architecture::parameters`] without overflow: `None` where it would overflow.
    fn checked_parameters(&self) -> Option<usize> {
        let mut p = 0usize;
        let mut below = self.features();
        for &w in &self.widths {
            p = p.checked_add(w.checked_mul(below.checked_add(1)?)?)?;
            below = w;
        }
        let per_output = below.checked_add(usize::from(self.output_bias))?;
        p.checked_add(per_output.checked_mul(self.outputs)?)
    }
}

#[expect(clippy::cast_precision_loss, reason = "sizes are small")]
fn count(n: usize) -> f64 {
    n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regression(w: usize) -> Architecture {
        Architecture {
            inputs: 1,
            embedding: Embedding::Identity,
            widths: vec![w, w],
            activation: Activation::Tanh,
            output_bias: false,
            outputs: 1,
        }
    }

    #[test]
    fn parameter_counts_follow_problems_md() {
        // P = W² + (d + 3)W.
        assert_eq!(regression(10).parameters(), 140);
        assert_eq!(regression(32).parameters(), 1152);
        let mut pinn = regression(10);
        pinn.inputs = 2;
        assert_eq!(pinn.parameters(), 150);
        let mut fourier = regression(10);
        fourier.embedding = Embedding::Fourier {
            frequencies: DMatrix::from_element(8, 1, 0.5),
        };
        // W² + (2m + 3)W
        assert_eq!(fourier.parameters(), 100 + 19 * 10);
    }

    #[test]
    fn layout_is_a_then_b_per_layer_then_c() {
        let a = regression(3);
        assert_eq!(a.weight(1, 0, 0), 0);
        assert_eq!(a.bias(1, 0), 3);
        assert_eq!(a.weight(2, 0, 0), 6);
        assert_eq!(a.weight(2, 2, 2), 14);
        assert_eq!(a.bias(2, 2), 17);
        assert_eq!(a.offset(3), 18);
        assert_eq!(a.parameters(), 21);
        let mut two = regression(3);
        two.outputs = 2;
        two.output_bias = true;
        assert_eq!(two.output_weight(0, 2), 20);
        assert_eq!(two.output_weight(1, 0), 21);
        assert_eq!(two.output_bias_index(0), 24);
        assert_eq!(two.output_bias_index(1), 25);
        assert_eq!(two.parameters(), 26);
        assert_eq!(two.checked_parameters(), Some(26));
    }

    #[test]
    fn activation_derivatives_match_differences() {
        for act in [Activation::Tanh, Activation::Sin { omega: 6.0 }] {
            for h in [-1.3, 0.2, 0.9] {
                let d = act.derivatives(h);
                let e = 1e-5;
                let (p, m) = (act.derivatives(h + e), act.derivatives(h - e));
                for k in 0..4 {
                    let fd = (p[k] - m[k]) / (2.0 * e);
                    assert!(
                        (fd - d[k + 1]).abs() < 1e-5 * (1.0 + d[k + 1].abs()),
                        "{act:?} σ^({}) at {h}",
                        k + 1
                    );
                }
            }
        }
    }

    #[test]
    fn bad_architectures_are_errors() {
        let mut a = regression(2);
        a.inputs = 4;
        assert!(a.validate().is_err());
        let mut a = regression(2);
        a.widths = vec![3, 0];
        assert!(a.validate().is_err());
        let mut a = regression(2);
        a.activation = Activation::Sin { omega: f64::NAN };
        assert!(a.validate().is_err());
        for outputs in [0, MAX_OUTPUTS + 1] {
            let mut a = regression(2);
            a.outputs = outputs;
            assert!(a.validate().is_err());
        }
        assert!(regression(2).validate().is_ok());
    }

    /// Widths whose parameter count overflows, or whose Hessian could not be addressed, are
    /// rejected rather than overflowing (or aborting on allocation) later; the checked count is
    /// the count wherever it exists.
    #[test]
    fn widths_beyond_an_addressable_hessian_are_rejected() {
        for widths in [
            vec![1 << 40],
            vec![3, 1 << 31],
            vec![usize::MAX],
            vec![1 << 20, 1 << 20],
        ] {
            let mut a = regression(1);
            a.widths = widths.clone();
            assert!(
                matches!(
                    a.validate(),
                    Err(Error::InvalidSetting { name: "hidden", .. })
                ),
                "{widths:?}"
            );
        }
        for widths in [vec![1], vec![4, 4], vec![3, 5, 2], vec![1000, 1000]] {
            for output_bias in [false, true] {
                let mut a = regression(1);
                a.widths.clone_from(&widths);
                a.output_bias = output_bias;
                assert!(a.validate().is_ok());
                assert_eq!(a.checked_parameters(), Some(a.parameters()));
            }
        }
    }
}
