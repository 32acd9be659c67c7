//! What a `#[hessian]` function exports so that another one can call it.
//!
//! A caller does not see its callee's body: it evaluates the callee's generated
//! `value_gradient_hessian` at the call's arguments and applies the chain rule. To do that it
//! must know where each argument sits in the callee's gradient, which is what [`Parameter`]
//! records. The `const fn`s below run while the caller compiles: they turn a mismatch into a
//! compile error and compose the callee's sparsity into the caller's.

/// One parameter of a differentiable function, as a caller sees it.
///
/// Every `#[hessian]` module exports `PARAMETERS: &[Parameter]`, one per argument in order. A
/// hand-written module that a `#[hessian]` function calls (a primitive such as `erf`) exports
/// the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Parameter {
    /// The parameter's name, for error messages.
    pub name: &'static str,
    /// Whether the function differentiates with respect to it.
    pub differentiated: bool,
    /// Where its first scalar sits in the gradient (0 for a constant parameter).
    pub offset: usize,
    /// How many scalars it has in the gradient: 1 for a scalar, `N` for `[f64; N]`, 0 for a
    /// constant parameter.
    pub len: usize,
}

impl Parameter {
    /// A differentiated parameter of `len` scalars, the first at gradient index `offset`.
    #[must_use]
    pub const fn differentiated(name: &'static str, offset: usize, len: usize) -> Parameter {
        Parameter {
            name,
            differentiated: true,
            offset,
            len,
        }
    }

    /// A parameter the function treats as a constant (data, a setting).
    #[must_use]
    pub const fn constant(name: &'static str) -> Parameter {
        Parameter {
            name,
            differentiated: false,
            offset: 0,
            len: 0,
        }
    }
}

/// Fails the build when a caller passes a value that depends on its differentiated arguments
/// to a parameter its callee treats as a constant: the message is `before`, the parameter's
/// name, then `after`.
///
/// # Panics
/// Always in that case; it is only called in `const` items, so the panic is a compile error.
pub const fn expect_differentiated(
    parameters: &[Parameter],
    index: usize,
    before: &str,
    after: &str,
) {
    let parameter = parameters[index];
    if !parameter.differentiated {
        let mut message = [0u8; 1024];
        let end = append(&mut message, 0, before);
        let end = append(&mut message, end, parameter.name);
        let end = append(&mut message, end, after);
        let (message, _) = message.split_at(end);
        match core::str::from_utf8(message) {
            Ok(message) => panic!("{}", message),
            Err(_) => panic!("a value that depends on the differentiated arguments is passed to a constant parameter"),
        }
    }
}

/// Copies `text` into `buffer` from `at`, stopping at the end of the buffer (on a character
/// boundary), and returns where it stopped.
const fn append(buffer: &mut [u8; 1024], mut at: usize, text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && at + 4 <= buffer.len() {
        buffer[at] = bytes[i];
        at += 1;
        i += 1;
    }
    // Never end inside a UTF-8 sequence.
    while i < bytes.len() && at > 0 && bytes[i] & 0xC0 == 0x80 {
        at -= 1;
        i -= 1;
    }
    at
}

/// Returns whether the Hessian entry `(a, b)` (either order) is in `sparsity`, an upper
/// triangle listed as `(row, column)` with `row ≤ column`.
#[must_use]
pub const fn hessian_nonzero(sparsity: &[(usize, usize)], a: usize, b: usize) -> bool {
    let (row, column) = if a <= b { (a, b) } else { (b, a) };
    let mut i = 0;
    while i < sparsity.len() {
        if sparsity[i].0 == row && sparsity[i].1 == column {
            return true;
        }
        i += 1;
    }
    false
}

/// Returns how many candidate entries are structurally non-zero.
#[must_use]
pub const fn count_nonzero<const M: usize>(candidates: &[(usize, usize, bool); M]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < M {
        if candidates[i].2 {
            n += 1;
        }
        i += 1;
    }
    n
}

/// Returns the structurally non-zero candidates in order: a caller's exact `SPARSITY`, when
/// some of its entries are non-zero only if a callee's are.
///
/// # Panics
/// When `N` is not [`count_nonzero`] of the candidates (at compile time, where it is called).
#[must_use]
pub const fn nonzero<const M: usize, const N: usize>(
    candidates: &[(usize, usize, bool); M],
) -> [(usize, usize); N] {
    let mut out = [(0, 0); N];
    let mut n = 0;
    let mut i = 0;
    while i < M {
        if candidates[i].2 {
            out[n] = (candidates[i].0, candidates[i].1);
            n += 1;
        }
        i += 1;
    }
    assert!(n == N, "`N` counts the non-zero candidates");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hessian_nonzero_finds_either_order() {
        let sparsity = [(0, 0), (0, 2), (1, 1)];
        assert!(hessian_nonzero(&sparsity, 2, 0));
        assert!(hessian_nonzero(&sparsity, 0, 2));
        assert!(!hessian_nonzero(&sparsity, 0, 1));
        assert!(!hessian_nonzero(&[], 0, 0));
    }

    #[test]
    fn nonzero_keeps_the_marked_candidates_in_order() {
        const CANDIDATES: [(usize, usize, bool); 4] =
            [(0, 0, true), (0, 1, false), (1, 1, true), (1, 2, true)];
        const N: usize = count_nonzero(&CANDIDATES);
        assert_eq!(N, 3);
        assert_eq!(nonzero::<4, N>(&CANDIDATES), [(0, 0), (1, 1), (1, 2)]);
    }

    #[test]
    fn differentiated_parameters_pass() {
        expect_differentiated(&[Parameter::differentiated("x", 0, 2)], 0, "", "");
    }

    #[test]
    #[should_panic(expected = "`f` passes x to a constant")]
    fn constant_parameters_fail_with_the_name() {
        expect_differentiated(
            &[
                Parameter::differentiated("x", 0, 1),
                Parameter::constant("x"),
            ],
            1,
            "`f` passes ",
            " to a constant",
        );
    }

    #[test]
    fn long_messages_are_cut_on_a_character_boundary() {
        let mut buffer = [0u8; 1024];
        let text = "é".repeat(600);
        let end = append(&mut buffer, 0, &text);
        assert!(end <= 1020 && end.is_multiple_of(2));
        assert!(core::str::from_utf8(&buffer[..end]).is_ok());
    }
}
