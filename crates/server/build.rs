//! Release builds on x86-64 Linux lay out the functions a running node executes first,
//! together, in the order it first runs them (`hot-functions.txt`, written by
//! `bench/hot-functions`), through LLD's `--symbol-ordering-file`.
//!
//! The kernel keeps a program's code resident by the page-cache folio (64 KiB on this
//! project's machines, whole folios mapped at the first touch), so what counts is how
//! many folios hold code that ever runs, not how much code runs. Left to itself the
//! linker scatters the 3.4 MB that a node executes over the whole 16 MB of machine code,
//! and about 13 MiB of it becomes resident; packed together it fits in a quarter of that
//! (BENCHMARKS.md, "Session 6 of issue 17"). Nothing else changes: a function missing
//! from the list, or named in it but gone from the code, is placed as before
//! (`--no-warn-symbol-ordering`).
//!
//! Only where LLD links: Rust 1.90 made it the default linker for x86_64-unknown-linux-gnu;
//! an older compiler, another target or a linker of one's own (`RUSTC_LINKER`,
//! `-C linker…` in the flags) links as before, since other linkers do not take the
//! option. Debug builds are left alone: their symbols have other names.
use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=hot-functions.txt");
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let release = env::var("PROFILE").is_ok_and(|p| p == "release");
    let target = env::var("TARGET").is_ok_and(|t| t == "x86_64-unknown-linux-gnu");
    let own_linker = env::var_os("RUSTC_LINKER").is_some()
        || env::var("CARGO_ENCODED_RUSTFLAGS")
            .is_ok_and(|f| f.contains("linker") || f.contains("fuse-ld"));
    if !release || !target || own_linker || !lld_by_default() {
        return;
    }
    let Ok(dir) = env::var("CARGO_MANIFEST_DIR") else {
        return;
    };
    println!("cargo:rustc-link-arg-bin=sigil=-Wl,--symbol-ordering-file={dir}/hot-functions.txt");
    println!("cargo:rustc-link-arg-bin=sigil=-Wl,--no-warn-symbol-ordering");
}

/// Whether the compiler is 1.90 or newer (`rustc 1.95.0 (…)`).
fn lld_by_default() -> bool {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let Ok(out) = Command::new(rustc).arg("-V").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .split('.')
        .map(|n| n.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    major > 1 || (major == 1 && minor >= 90)
}
