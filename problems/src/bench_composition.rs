//! The composition part of `BENCHMARKS.md`: a three-level composition of `#[hessian]`
//! functions against the same function written inline ([`crate::composition`]), by criterion
//! medians, instruction counts and paired timing. Target: the composed fused
//! `value_gradient_hessian` within 1.3× of the inline one.

use std::fmt::{self, Write as _};
use std::path::Path;

use crate::bench_report::{format_ns, format_ratio, read_median, verdict, InstructionRow};
use crate::paired::PairedRow;
use crate::Error;

/// The criterion group.
pub const GROUP: &str = "composition";
/// `cluster::value_gradient_hessian`, through six calls of `pair_energy`.
pub const COMPOSED: &str = "composed_vgh";
/// `cluster_inline::value_gradient_hessian`.
pub const INLINED: &str = "inlined_vgh";
/// The target: composed over inlined.
pub const TARGET: f64 = 1.3;

/// The stable measurements of the composition kernel, each `None` when not taken.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stable<'a> {
    /// Instructions per call, composed (`newton`) and inline (`hand`).
    pub instructions: Option<&'a InstructionRow>,
    /// The paired ratio of composed over inline.
    pub paired: Option<&'a PairedRow>,
}

/// Appends the section.
///
/// # Errors
/// [`Error::Read`] or [`Error::Estimates`] when an estimate file is unreadable or malformed.
pub fn render(md: &mut String, criterion_dir: &Path, stable: Stable<'_>) -> Result<(), Error> {
    let composed = read_median(criterion_dir, GROUP, COMPOSED, None)?.map(|m| m.median_ns);
    let inlined = read_median(criterion_dir, GROUP, INLINED, None)?.map(|m| m.median_ns);
    write_section(md, (composed, inlined), stable).unwrap_or_default();
    Ok(())
}

fn write_section(
    md: &mut String,
    (composed, inlined): (Option<f64>, Option<f64>),
    stable: Stable<'_>,
) -> fmt::Result {
    use crate::composition::{cluster, cluster_inline};
    writeln!(md, "\n## Composition\n")?;
    writeln!(
        md,
        "`problems::composition::cluster` — the energy of four Lennard-Jones atoms in 2-D \
         (`DIM` = 8, dense Hessian) — calls the `#[hessian]` function `pair_energy` six times, \
         which calls `lennard_jones`; `cluster_inline` is the same function in one body. The \
         caller evaluates each callee's generated `value_gradient_hessian` and applies the \
         chain rule. Operations of the fused body: composed {} own + callees' = {} in all \
         ({} calls), inline {}. Target: composed within {TARGET}× of inline.\n",
        cluster::OPS.value_gradient_hessian.total() - callee_ops(),
        cluster::OPS.value_gradient_hessian.total(),
        cluster::OPS.value_gradient_hessian.functions,
        cluster_inline::OPS.value_gradient_hessian.total(),
    )?;
    writeln!(
        md,
        "| measure | composed | inline | composed / inline | verdict |"
    )?;
    writeln!(md, "|---|---|---|---|---|")?;
    let ratio = composed.zip(inlined).map(|(c, i)| c / i);
    writeln!(
        md,
        "| criterion median | {} | {} | {} | {} |",
        format_ns(composed),
        format_ns(inlined),
        format_ratio(ratio),
        verdict([ratio.map(|r| r <= TARGET)])
    )?;
    let counts = stable.instructions.map(|r| (r.newton, r.hand));
    let ratio = counts.map(|(c, i)| c / i);
    let count = |c: Option<f64>| c.map_or_else(|| "—".to_owned(), |c| format!("{c:.0}"));
    writeln!(
        md,
        "| instructions per call (callgrind) | {} | {} | {} | {} |",
        count(counts.map(|c| c.0)),
        count(counts.map(|c| c.1)),
        format_ratio(ratio),
        verdict([ratio.map(|r| r <= TARGET)])
    )?;
    let paired = stable.paired.map(|p| p.ratio);
    writeln!(
        md,
        "| paired timing (alternating batches) | — | — | {} | {} |",
        format_ratio(paired),
        verdict([paired.map(|r| r <= TARGET)])
    )
}

/// The operations `cluster`'s fused body counts for its callees: six `pair_energy` calls.
fn callee_ops() -> u32 {
    6 * crate::composition::pair_energy::OPS
        .value_gradient_hessian
        .total()
}
