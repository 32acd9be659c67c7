//! Machine-code size of the generated functions, read off this very binary.
//!
//! `OPS` counts the operations a macro emits; what a user pays in their binary is the machine
//! code those operations become. Each benchmark kernel of [`crate::kernels`] is a plain `fn`
//! whose body is one `value_gradient_hessian` (newton's, inlined) or one hand-written closed
//! form, so the size of a kernel's symbol is the code of that one evaluation. The sizes come
//! from the symbol table (`nm --defined-only -S`, binutils): a kernel's address at run time,
//! less the load offset found from [`kernels::baseline`], is its address in the file.

use std::collections::HashMap;
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
    let by_address: HashMap<usize, u64> = symbols.iter().map(|s| (s.address, s.size)).collect();
    let size_of = |f: fn(&[f64])| {
        by_address
            .get(&(f as *const () as usize).wrapping_sub(offset))
            .copied()
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
    use super::{measure, parse_nm, Symbol};

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
        let chained = |n| rows.iter().find(|r| r.size == Some(n)).unwrap().newton;
        assert!(chained(32) > chained(2), "{rows:?}");
    }
}
