//! Machine-code size of the generated functions, read off this very binary.
//!
//! `OPS` counts the operations a macro emits; what a user pays in their binary is the machine
//! code those operations become. Each benchmark kernel of [`crate::kernels`] is a plain `fn`
//! whose body is one `value_gradient_hessian` (newton's, inlined) or one hand-written closed
//! form. Where the optimiser did not inline a callee of this workspace (a generic closed form,
//! say), the callee's code belongs to the evaluation too, so a kernel's size is its own symbol
//! plus every function of `problems`, `newton` or `nalgebra` it calls, directly or not, each
//! counted once; calls into `std` and `libm` (`sincos`, …) are left out.
//!
//! The sizes come from the symbol table (`nm --defined-only -S`) and the calls from the
//! disassembly (`objdump -d`), both binutils: a kernel's address at run time, less the load
//! offset found from [`kernels::baseline`], is its address in the file.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use crate::kernels::{self, Kernel};

/// Bytes of machine code of one benchmark case, newton's side and the hand-written side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeSizeRow {
    /// The criterion group.
    pub group: &'static str,
    /// The size, for groups with several.
    pub size: Option<usize>,
    /// Bytes of the kernel that runs newton's fused `value_gradient_hessian`.
    pub newton: u64,
    /// Bytes of the kernel that runs the hand-written closed form.
    pub hand: u64,
}

/// Reads the sizes of every kernel from `exe`'s symbol table, which must be the running binary
/// (the addresses are this process's). `None` when `nm` is missing or a kernel's symbol cannot
/// be found (a stripped binary, say), so the report can say so.
#[must_use]
pub fn measure(exe: &Path) -> Option<Vec<CodeSizeRow>> {
    let output = Command::new("nm")
        .args(["--defined-only", "-S"])
        .arg(exe)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let symbols = parse_nm(&String::from_utf8_lossy(&output.stdout));
    let anchor = symbols
        .iter()
        .find(|s| s.name.contains("7kernels8baseline"))?;
    let offset = (kernels::baseline as *const () as usize).wrapping_sub(anchor.address);
    let by_address: HashMap<usize, &Symbol> = symbols.iter().map(|s| (s.address, s)).collect();
    let size_of = |f: fn(&[f64])| {
        let root = (f as *const () as usize).wrapping_sub(offset);
        code_bytes(exe, &by_address, root)
    };
    kernels::KERNELS
        .iter()
        .map(|k: &Kernel| {
            Some(CodeSizeRow {
                group: k.group,
                size: k.size,
                newton: size_of(k.newton)?,
                hand: size_of(k.hand)?,
            })
        })
        .collect()
}

/// The bytes of the function at `root` and of every function of this workspace it reaches by
/// calls, each counted once.
fn code_bytes(exe: &Path, symbols: &HashMap<usize, &Symbol>, root: usize) -> Option<u64> {
    let mut seen = HashSet::from([root]);
    let mut pending = vec![root];
    let mut total = 0;
    while let Some(address) = pending.pop() {
        let symbol = symbols.get(&address)?;
        total += symbol.size;
        for callee in calls(exe, symbol)? {
            let ours = symbols.get(&callee).is_some_and(|s| is_workspace(&s.name));
            if ours && seen.insert(callee) {
                pending.push(callee);
            }
        }
    }
    Some(total)
}

/// Whether a legacy-mangled symbol belongs to a crate of this workspace or to nalgebra, whose
/// generic code is instantiated for it: `_ZN8problems…` (a path), or `_ZN61_$LT$problems..…`
/// (a trait method of one of its types).
fn is_workspace(mangled: &str) -> bool {
    let Some(rest) = mangled.strip_prefix("_ZN") else {
        return false;
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let (rest, separator) = match rest.strip_prefix("_$LT$") {
        Some(inner) => (inner, ".."),
        None => (rest, ""),
    };
    ["problems", "newton", "newton_core", "nalgebra"]
        .iter()
        .any(|c| {
            rest.strip_prefix(c).is_some_and(|after| {
                if separator.is_empty() {
                    after.starts_with(|d: char| d.is_ascii_digit())
                } else {
                    after.starts_with(separator)
                }
            })
        })
}

/// The targets outside `symbol` of its direct calls and jumps, from `objdump -d`.
fn calls(exe: &Path, symbol: &Symbol) -> Option<Vec<usize>> {
    let end = symbol.address + usize::try_from(symbol.size).ok()?;
    let output = Command::new("objdump")
        .args(["-d", "--no-show-raw-insn"])
        .arg(format!("--start-address={:#x}", symbol.address))
        .arg(format!("--stop-address={end:#x}"))
        .arg(exe)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let targets = parse_calls(&String::from_utf8_lossy(&output.stdout));
    Some(
        targets
            .into_iter()
            .filter(|t| !(symbol.address..end).contains(t))
            .collect(),
    )
}

/// The target addresses of `call` and `jmp` instructions in `objdump -d` output, which prints
/// a direct one as `call   1a2b30 <name>` (an indirect one, `call *…`, has no address).
fn parse_calls(text: &str) -> Vec<usize> {
    text.lines()
        .filter_map(|line| {
            let (_, instruction) = line.split_once(":\t")?;
            let mut words = instruction.split_whitespace();
            let mnemonic = words.next()?;
            if !(mnemonic.starts_with("call") || mnemonic.starts_with("jmp")) {
                return None;
            }
            usize::from_str_radix(words.next()?, 16).ok()
        })
        .collect()
}

/// One sized symbol of `nm -S`.
#[derive(Debug, PartialEq, Eq)]
struct Symbol {
    address: usize,
    size: u64,
    name: String,
}

/// Parses `nm -S` lines (`address size type name`); lines without a size are skipped.
fn parse_nm(text: &str) -> Vec<Symbol> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let address = usize::from_str_radix(fields.next()?, 16).ok()?;
            let size = u64::from_str_radix(fields.next()?, 16).ok()?;
            let _kind = fields.next()?;
            let name = fields.next()?.to_owned();
            Some(Symbol {
                address,
                size,
                name,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{measure, parse_calls, parse_nm, Symbol};

    #[test]
    fn workspace_symbols_are_told_by_their_crate() {
        use super::is_workspace;
        assert!(is_workspace("_ZN8problems7kernels8baseline17h0E"));
        assert!(is_workspace("_ZN11newton_core7network4loss17h0E"));
        assert!(is_workspace(
            "_ZN61_$LT$problems..torus..Torus$u20$as$u20$newton..Objective$GT$5value17h0E"
        ));
        assert!(!is_workspace("_ZN16newtonian_thing3foo17h0E"));
        assert!(!is_workspace("_ZN4core3ptr13drop_in_place17h0E"));
        assert!(!is_workspace("sincos"));
    }

    #[test]
    fn reads_direct_call_and_jump_targets() {
        let text = "  19e26a:\tcall   1a2b30 <_ZN8problems3fooE>\n\
                    \x20 19e270:\tmovsd  %xmm0,(%rsp)\n\
                    \x20 19e275:\tcall   *0x10(%rax)\n\
                    \x20 19e279:\tjmp    19e300 <_ZN8problems3barE>\n";
        assert_eq!(parse_calls(text), vec![0x1a_2b30, 0x19_e300]);
    }

    #[test]
    fn reads_sized_symbols_and_skips_the_rest() {
        let text = "0000000000012340 00000000000000de T _ZN8problems7kernels8baseline17h0E\n\
                    0000000000012400 T _start\n\
                    U memcpy\n";
        assert_eq!(
            parse_nm(text),
            vec![Symbol {
                address: 0x12340,
                size: 0xde,
                name: "_ZN8problems7kernels8baseline17h0E".to_owned(),
            }]
        );
    }

    #[test]
    fn every_kernel_has_a_size_in_this_binary() {
        let exe = std::env::current_exe().unwrap();
        let Some(rows) = measure(&exe) else {
            panic!("nm could not size the kernels of {}", exe.display());
        };
        assert_eq!(rows.len(), crate::kernels::KERNELS.len());
        assert!(rows.iter().all(|r| r.newton > 0 && r.hand > 0), "{rows:?}");
        let chained = |n| rows.iter().find(|r| r.size == Some(n)).unwrap();
        assert!(chained(32).newton > chained(2).newton, "{rows:?}");
        // The hand-written chained Rosenbrock is generic and not inlined at every size: its
        // callee must be counted, or n = 32 would read as a few bytes.
        assert!(chained(32).hand > chained(2).hand, "{rows:?}");
    }
}
