//! The networks' part of `BENCHMARKS.md`: `cargo bench --bench network` times newton's exact
//! fused value, gradient and Hessian of each `network!` loss against the floor of forming `JᵀJ`
//! alone by one GEMM, num-dual's runtime forward-mode Hessian and central differences; this
//! module reads the medians back and states whether the `network!` targets were met.

use std::fmt::{self, Write as _};
use std::path::Path;

use crate::bench_report::{
    format_ns, format_ratio, verdict, Case, Group, CENTRAL_DIFFERENCES, JTJ_GEMM, NEWTON_HESSIAN,
    NEWTON_VGH, NUM_DUAL,
};
use crate::Error;

/// The network benchmark groups, in report order.
pub const NETWORK_GROUPS: [Group; 5] = [
    Group {
        name: "network_tanh",
        sizes: &[4, 8, 16, 32],
    },
    Group {
        name: "network_siren",
        sizes: &[],
    },
    Group {
        name: "network_fourier",
        sizes: &[],
    },
    Group {
        name: "pinn_poisson_1d",
        sizes: &[],
    },
    Group {
        name: "pinn_diffusion_reaction_2d",
        sizes: &[],
    },
];

/// The network contenders, in column order.
const CONTENDERS: [&str; 5] = [
    NEWTON_VGH,
    NEWTON_HESSIAN,
    JTJ_GEMM,
    NUM_DUAL,
    CENTRAL_DIFFERENCES,
];

/// How many times the floor a Hessian may take: 3× for regression, 6× for PINNs.
fn floor_target(group: &str) -> f64 {
    if group.starts_with("pinn") {
        6.0
    } else {
        3.0
    }
}

/// The parameter count of a case, for the table.
fn parameters(group: &str, size: Option<usize>) -> Option<usize> {
    use crate::networks as n;
    Some(match (group, size) {
        ("network_tanh", Some(w)) => n::tanh_regression::Network::new()
            .with_widths(&[w, w])
            .ok()?
            .parameters(),
        ("network_siren", _) => n::siren_regression::P,
        ("network_fourier", _) => n::fourier_regression::P,
        ("pinn_poisson_1d", _) => n::pinn_poisson_1d::P,
        ("pinn_diffusion_reaction_2d", _) => n::pinn_diffusion_reaction_2d::P,
        _ => return None,
    })
}

/// Reads the medians of every network case (empty cases included).
///
/// # Errors
///
/// [`Error::Read`] or [`Error::Estimates`] when an estimate file is unreadable or malformed.
pub(crate) fn read(criterion_dir: &Path) -> Result<Vec<Case>, Error> {
    let mut cases = Vec::new();
    for group in &NETWORK_GROUPS {
        for size in group.cases() {
            let label = format!("{} (W = {})", group.name, size.unwrap_or(10));
            cases.push(Case::read(
                criterion_dir,
                group.name,
                size,
                CONTENDERS,
                label,
            )?);
        }
    }
    Ok(cases)
}

/// Appends the networks' section; writes nothing when no network benchmark has a result.
pub(crate) fn render(md: &mut String, cases: &[Case]) {
    if cases.iter().all(Case::is_empty) {
        return;
    }
    write_section(md, cases).unwrap_or_default();
}

fn write_section(md: &mut String, rows: &[Case]) -> fmt::Result {
    writeln!(
        md,
        "\n## Networks (`network!`, `cargo bench --bench network`)\n"
    )?;
    writeln!(
        md,
        "Each loss at the benchmark point, N = 100 regression points, 64 (1-D) and 256 (2-D) \
         collocation points, timed by `cargo bench --bench network` (criterion, 10 samples per \
         benchmark) in the same run as the table above unless the measured range says \
         otherwise. Contenders: `newton_vgh` — the fused exact value, gradient and \
         Hessian `(1/N)(JᵀJ + Σ rᵢ∇²rᵢ)` into caller storage; `newton_hessian` — the Hessian \
         alone; `jtj_gemm` — the floor: the \
         Gauss–Newton product `JᵀJ` alone from the real Jacobian by one nalgebra GEMM \
         (matrixmultiply); `num_dual` — `num_dual::hessian` with dynamic `Dual2DVec64` on the \
         same network (run where it finishes in benchmark time); `central_differences` — the \
         Hessian from `2P` of newton's gradients.\n"
    )?;
    writeln!(md, "| target | measured | verdict |")?;
    writeln!(md, "|---|---|---|")?;
    for pinn in [false, true] {
        let selected: Vec<&Case> = rows
            .iter()
            .filter(|r| r.group.starts_with("pinn") == pinn)
            .collect();
        let limit = if pinn { 6.0 } else { 3.0 };
        let worst = selected
            .iter()
            .filter_map(|r| Some((r.ratio(NEWTON_VGH, JTJ_GEMM)?, r.label.clone())))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let v = verdict(selected.iter().map(|r| {
            r.ratio(NEWTON_VGH, JTJ_GEMM)
                .map(|x| x <= floor_target(r.group))
        }));
        writeln!(
            md,
            "| exact Hessian within {limit}× of forming `JᵀJ` alone ({}) | worst `vgh / jtj` = {} ({}) | {v} |",
            if pinn { "PINNs" } else { "regression" },
            format_ratio(worst.as_ref().map(|w| w.0)),
            worst.as_ref().map_or("—", |w| w.1.as_str())
        )?;
    }
    let dual: Vec<(f64, String)> = rows
        .iter()
        .filter_map(|r| Some((r.ratio(NUM_DUAL, NEWTON_VGH)?, r.label.clone())))
        .collect();
    let least = dual.iter().min_by(|a, b| a.0.total_cmp(&b.0));
    let v = if dual.is_empty() {
        verdict([None])
    } else {
        verdict(dual.iter().map(|(r, _)| Some(*r >= 100.0)))
    };
    writeln!(
        md,
        "| ≥ 100× faster than num-dual wherever it finishes | least `num_dual / vgh` = {} ({}) | {v} |\n",
        format_ratio(least.map(|w| w.0)),
        least.map_or("—", |w| w.1.as_str())
    )?;
    writeln!(
        md,
        "| network | P | newton_vgh | newton_hessian | jtj_gemm | num_dual | central_differences | vgh / jtj | num_dual / vgh | central / vgh |"
    )?;
    writeln!(md, "|---|---|---|---|---|---|---|---|---|---|")?;
    for r in rows {
        write!(
            md,
            "| `{}` | {} |",
            r.label,
            parameters(r.group, r.size).map_or_else(|| "—".to_owned(), |p| p.to_string())
        )?;
        for t in r.times {
            write!(md, " {} |", format_ns(t))?;
        }
        writeln!(
            md,
            " {} | {} | {} |",
            format_ratio(r.ratio(NEWTON_VGH, JTJ_GEMM)),
            format_ratio(r.ratio(NUM_DUAL, NEWTON_VGH)),
            format_ratio(r.ratio(CENTRAL_DIFFERENCES, NEWTON_VGH)),
        )?;
    }
    writeln!(
        md,
        "\nnum-dual is not run at W ≥ 16 and on the PINNs: its dense second-order duals take \
         seconds per Hessian there (about 12 s at W = 16 and 8 s for the 2-D PINN measured \
         once on this kind of machine), beyond a benchmark's time."
    )
}
