//! Xavier/Glorot initialisation of a network's parameters.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::model::Architecture;
use crate::error::check_len;
use crate::Error;

/// Writes a Xavier/Glorot-uniform draw from `seed` into `theta`: every weight of layer `l` from
/// `U(−a, a)` with `a = √(6 / (fan_in + fan_out))`, biases `0`, and the output weights `c`
/// Xavier with fan-in `W_L` and fan-out 1 (`PROBLEMS.md` §4).
///
/// The draw depends on `seed` and the architecture alone, not on the caller's version of
/// `rand`: the generator is `ChaCha8`, `rand_chacha::ChaCha8Rng::seed_from_u64(seed)`, and each
/// weight, in parameter order, is `a·(2k/2⁵³ − 1)` for the top 53 bits `k` of the generator's
/// next 64-bit output (newton maps the bits itself rather than through `rand`'s samplers, whose
/// algorithms may change between versions). The same seed gives the same `θ`.
///
/// # Errors
///
/// [`Error::InvalidSetting`] for an invalid architecture (see [`Architecture::validate`]) and
/// [`Error::DimensionMismatch`] unless `theta` has [`Architecture::parameters`] entries; `theta`
/// is not touched then.
///
/// # Examples
///
/// ```
/// use newton_core::network::{init_xavier, Activation, Architecture, Embedding};
///
/// let arch = Architecture {
///     inputs: 1,
///     embedding: Embedding::Identity,
///     widths: vec![4, 4],
///     activation: Activation::Tanh,
///     output_bias: false,
///     outputs: 1,
/// };
/// let (mut a, mut b) = (vec![0.0; arch.parameters()], vec![0.0; arch.parameters()]);
/// init_xavier(&arch, 7, &mut a)?;
/// init_xavier(&arch, 7, &mut b)?;
/// assert_eq!(a, b);
/// # Ok::<(), newton_core::Error>(())
/// ```
///
/// ## Reference
///
/// Glorot & Bengio, *Understanding the difficulty of training deep feedforward neural
/// networks*, AISTATS 2010.
pub fn init_xavier(arch: &Architecture, seed: u64, theta: &mut [f64]) -> Result<(), Error> {
    arch.validate()?;
    check_len("entries of θ", arch.parameters(), theta.len())?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    theta.fill(0.0);
    for l in 1..=arch.depth() {
        let (fan_in, fan_out) = (arch.width(l - 1), arch.width(l));
        let a = bound(fan_in, fan_out);
        for j in 0..fan_out {
            for i in 0..fan_in {
                theta[arch.weight(l, j, i)] = uniform(&mut rng, a);
            }
        }
    }
    let width = arch.width(arch.depth());
    let a = bound(width, arch.outputs);
    let c = arch.output_weight(0, 0);
    for t in &mut theta[c..c + arch.outputs * width] {
        *t = uniform(&mut rng, a);
    }
    Ok(())
}

/// A draw from `U(−a, a)`: the top 53 bits of the next output, scaled.
fn uniform(rng: &mut ChaCha8Rng, a: f64) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "53 bits are exact in an f64")]
    let k = (rng.next_u64() >> 11) as f64;
    a * (k * (2.0 / 9_007_199_254_740_992.0) - 1.0)
}

#[expect(clippy::cast_precision_loss, reason = "layer widths are small")]
fn bound(fan_in: usize, fan_out: usize) -> f64 {
    (6.0 / (fan_in + fan_out) as f64).sqrt()
}
