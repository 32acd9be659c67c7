//! Xavier/Glorot initialisation of a network's parameters.

use rand::Rng;

use super::model::Architecture;
use crate::error::check_len;
use crate::Error;

/// Writes a Xavier/Glorot-uniform draw into `theta`: every weight of layer `l` from
/// `U(−a, a)` with `a = √(6 / (fan_in + fan_out))`, biases `0`, and the output weights `c`
/// Xavier with fan-in `W_L` and fan-out 1 (`PROBLEMS.md` §4).
///
/// # Errors
///
/// [`Error::InvalidSetting`] for an invalid architecture (see [`Architecture::validate`]) and
/// [`Error::DimensionMismatch`] unless `theta` has [`Architecture::parameters`] entries; `theta`
/// is not touched then.
///
/// ## Reference
///
/// Glorot & Bengio, *Understanding the difficulty of training deep feedforward neural
/// networks*, AISTATS 2010.
pub fn init_xavier<R: Rng + ?Sized>(
    arch: &Architecture,
    rng: &mut R,
    theta: &mut [f64],
) -> Result<(), Error> {
    arch.validate()?;
    check_len("entries of θ", arch.parameters(), theta.len())?;
    theta.fill(0.0);
    for l in 1..=arch.depth() {
        let (fan_in, fan_out) = (arch.width(l - 1), arch.width(l));
        let a = bound(fan_in, fan_out);
        for j in 0..fan_out {
            for i in 0..fan_in {
                theta[arch.weight(l, j, i)] = rng.random_range(-a..a);
            }
        }
    }
    let width = arch.width(arch.depth());
    let a = bound(width, 1);
    let c = arch.offset(arch.depth() + 1);
    for t in &mut theta[c..c + width] {
        *t = rng.random_range(-a..a);
    }
    Ok(())
}

#[expect(clippy::cast_precision_loss, reason = "layer widths are small")]
fn bound(fan_in: usize, fan_out: usize) -> f64 {
    (6.0 / (fan_in + fan_out) as f64).sqrt()
}
