//! Lets `cargo xtask exercises verify` grade another version of one
//! exercise (a wrong solution that must fail, a correct alternative that
//! must pass) without touching the student's file: with
//! `SYNCBOOK_EXERCISE_VARIANT=<file, relative to exercises/>` set, the
//! grading test built includes that file instead (see `graded!` in
//! src/lib.rs). Unset, nothing changes.

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-env-changed=SYNCBOOK_EXERCISE_VARIANT");
    println!("cargo::rustc-check-cfg=cfg(syncbook_variant)");
    let Ok(variant) = std::env::var("SYNCBOOK_EXERCISE_VARIANT") else {
        return;
    };
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let file = Path::new(&dir).join(&variant);
    assert!(
        file.is_file(),
        "SYNCBOOK_EXERCISE_VARIANT names {}, which is not a file",
        file.display()
    );
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("variant.rs");
    std::fs::write(
        &out,
        format!("include!({:?});\n", file.display().to_string()),
    )
    .expect("OUT_DIR is writable");
    println!("cargo::rustc-cfg=syncbook_variant");
}
