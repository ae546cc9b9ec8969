//! Finds (and if need be builds) one of this crate's examples, for tests
//! that run it as a real child process. `#[path = "common/example.rs"] mod
//! example;` in the tests that need it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// The path of `examples/<name>.rs`'s program, built once per test binary:
/// plain `cargo test` has built it already (cargo builds the examples),
/// `cargo test --test <chapter>` has not, so this builds it with the cargo
/// that runs the tests. Panics with a plain message if it cannot.
pub fn program(name: &str) -> PathBuf {
    static BUILT: Mutex<Option<HashMap<String, Result<PathBuf, String>>>> = Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let found = built
        .get_or_insert_with(HashMap::new)
        .entry(name.to_string())
        .or_insert_with(|| build(name));
    match found {
        Ok(path) => path.clone(),
        Err(why) => panic!("{why}"),
    }
}

fn build(name: &str) -> Result<PathBuf, String> {
    // target/debug/deps/<test>-* -> target/debug/examples/<name>
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| format!("no target directory above {}", exe.display()))?;
    let program = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args([
        "build",
        "--quiet",
        "--package",
        "syncbook",
        "--example",
        name,
    ]);
    match profile_dir.file_name().and_then(|dir| dir.to_str()) {
        Some("debug") | None => {}
        Some(profile) => {
            command.args(["--profile", profile]);
        }
    }
    let built = command
        .status()
        .map(|status| status.success())
        .unwrap_or(false);
    if program.is_file() {
        Ok(program)
    } else {
        Err(format!(
            "the example program {} is missing{}; build it with `cargo build --example {name}`",
            program.display(),
            if built { "" } else { " and could not be built" },
        ))
    }
}
