//! The compile side of `BENCHMARKS.md`: how much code the macros emit and how long the crate
//! that uses them takes to build, so that a regression in code swell shows up beside the
//! run-time numbers.
//!
//! `OPS` comes from the generated modules themselves, the machine-code sizes from this binary's
//! symbol table ([`crate::code_size`]). The build times are measured by touching
//! one source file of this crate and rebuilding its library with cargo, once with
//! `cargo check` (macro expansion and type checking) and once with `cargo build --release`
//! (plus code generation); `bench-report --no-build-times` skips that.

use std::fmt::{self, Write as _};
use std::path::Path;
use std::process::Command;
use std::time::{Instant, SystemTime};

use newton::Ops;

use crate::code_size::CodeSizeRow;

/// Wall-clock times of rebuilding this crate's library after a touch of one file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Builds {
    /// `cargo check -p problems --lib`: expansion and type checking, in seconds.
    pub check_s: f64,
    /// `cargo build --release -p problems --lib`: the same plus optimised code generation.
    pub release_s: f64,
    /// The size of the release library, `libproblems.rlib`, in bytes.
    pub rlib_bytes: Option<u64>,
}

/// Touches `problems/src/networks.rs` and times the two rebuilds; `None` if cargo fails.
#[must_use]
pub fn measure(workspace_root: &Path) -> Option<Builds> {
    let touched = workspace_root.join("problems/src/networks.rs");
    let check_s = timed_build(
        workspace_root,
        &touched,
        &["check", "-p", "problems", "--lib"],
    )?;
    let release_s = timed_build(
        workspace_root,
        &touched,
        &["build", "--release", "-p", "problems", "--lib"],
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root.join("target"), std::path::PathBuf::from);
    let rlib_bytes = std::fs::metadata(target.join("release/libproblems.rlib"))
        .ok()
        .map(|m| m.len());
    Some(Builds {
        check_s,
        release_s,
        rlib_bytes,
    })
}

/// Marks `touched` as modified now and times `cargo <args>` in `root`. A first, untimed run
/// builds whatever is missing (on a fresh target, the dependencies in the `check` profile), so
/// the time is that of the rebuild alone.
fn timed_build(root: &Path, touched: &Path, args: &[&str]) -> Option<f64> {
    run_cargo(root, args)?;
    std::fs::File::options()
        .append(true)
        .open(touched)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .ok()?;
    let start = Instant::now();
    run_cargo(root, args)?;
    Some(start.elapsed().as_secs_f64())
}

/// Runs `cargo <args>` in `root` quietly; `None` if it cannot start or fails.
fn run_cargo(root: &Path, args: &[&str]) -> Option<()> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(args)
        .current_dir(root)
        .env("CARGO_TERM_QUIET", "true")
        .status()
        .ok()?;
    status.success().then_some(())
}

/// The generated code's operation counts, per function.
fn ops_rows() -> Vec<(&'static str, Ops)> {
    use crate::networks as n;
    use crate::{circle, rosenbrock as r, slides as s, torus};
    vec![
        ("slides_exp_log", s::slides_exp_log::OPS),
        ("slides_bowl", s::slides_bowl::OPS),
        ("slides_cap", s::slides_cap::OPS),
        ("slides_saddle", s::slides_saddle::OPS),
        ("slides_quartic", s::slides_quartic::OPS),
        ("rosenbrock", r::rosenbrock::OPS),
        ("rosenbrock_2", r::rosenbrock_2::OPS),
        ("rosenbrock_4", r::rosenbrock_4::OPS),
        ("rosenbrock_8", r::rosenbrock_8::OPS),
        ("rosenbrock_16", r::rosenbrock_16::OPS),
        ("rosenbrock_32", r::rosenbrock_32::OPS),
        ("circle", circle::circle::OPS),
        ("torus", torus::torus::OPS),
        (
            "tanh_regression residual",
            n::tanh_regression::__residual::OPS,
        ),
        (
            "pinn_poisson_1d residual",
            n::pinn_poisson_1d::__residual::OPS,
        ),
        (
            "pinn_poisson_1d distance",
            n::pinn_poisson_1d::__distance::OPS,
        ),
        (
            "pinn_diffusion_reaction_2d residual",
            n::pinn_diffusion_reaction_2d::__residual::OPS,
        ),
        (
            "pinn_diffusion_reaction_2d distance",
            n::pinn_diffusion_reaction_2d::__distance::OPS,
        ),
    ]
}

/// Appends the compile-side section: `OPS`, the machine-code sizes when measured, the builds.
pub fn render(md: &mut String, sizes: Option<&[CodeSizeRow]>, builds: Option<&Builds>) {
    write_section(md, sizes, builds).unwrap_or_default();
}

fn write_section(
    md: &mut String,
    sizes: Option<&[CodeSizeRow]>,
    builds: Option<&Builds>,
) -> fmt::Result {
    writeln!(md, "\n## Compile side\n")?;
    writeln!(
        md,
        "Operations in the code `#[hessian]` emits (`OPS`: additions, multiplications, \
         divisions, negations and elementary calls; a rolled data loop counts its body once), \
         and for `network!` the residual and distance functions it compiles in the output jet \
         (the layers themselves run in newton's engine, whose code does not grow with the \
         declaration).\n"
    )?;
    writeln!(
        md,
        "| function | gradient | hessian | value_gradient_hessian |"
    )?;
    writeln!(md, "|---|---|---|---|")?;
    for (name, ops) in ops_rows() {
        writeln!(
            md,
            "| `{name}` | {} | {} | {} |",
            ops.gradient.total(),
            ops.hessian.total(),
            ops.value_gradient_hessian.total()
        )?;
    }
    write_sizes(md, sizes)?;
    match builds {
        Some(b) => writeln!(
            md,
            "\nRebuilding the `problems` library (every `#[hessian]` and `network!` of \
             PROBLEMS.md, one file touched, dependencies built): `cargo check` {:.1} s \
             (expansion and type checking), `cargo build --release` {:.1} s; the release \
             `libproblems.rlib` is {}.",
            b.check_s,
            b.release_s,
            b.rlib_bytes.map_or_else(
                || "not found".to_owned(),
                |n| format!("{:.1} MB", bytes_to_mb(n))
            )
        ),
        None => writeln!(
            md,
            "\nBuild times not measured (`--no-build-times`, or cargo was not available)."
        ),
    }
}

/// The machine code of one fused evaluation against the hand-written closed form's.
fn write_sizes(md: &mut String, sizes: Option<&[CodeSizeRow]>) -> fmt::Result {
    let Some(rows) = sizes else {
        return writeln!(
            md,
            "\nMachine-code sizes not measured (`nm` or `objdump` was not found, or a kernel's \
             symbol was not in the binary: a stripped build)."
        );
    };
    writeln!(
        md,
        "\nMachine code of one fused `value_gradient_hessian` (newton's) and of the \
         hand-written closed form, in bytes of the release `problems` binary: the benchmark \
         kernel of the instruction counts above plus every function of this workspace it calls \
         (`nm -S` and `objdump -d`; `std` and `libm` left out). newton unrolls constant loops, \
         so its chained Rosenbrock grows with n much faster than the hand-written loop does:\n"
    )?;
    writeln!(md, "| case | newton | hand-written | newton / hand |")?;
    writeln!(md, "|---|---|---|---|")?;
    for r in rows {
        let case = crate::bench_report::case_label(r.group, r.size);
        #[expect(clippy::cast_precision_loss, reason = "code sizes are far below 2⁵²")]
        let ratio = r.newton as f64 / r.hand.max(1) as f64;
        writeln!(md, "| {case} | {} | {} | {ratio:.2}× |", r.newton, r.hand)?;
    }
    Ok(())
}

#[expect(clippy::cast_precision_loss, reason = "file sizes are far below 2⁵²")]
fn bytes_to_mb(n: u64) -> f64 {
    n as f64 / 1e6
}
