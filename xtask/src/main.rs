//! Project automation, run as `cargo xtask <subcommand>` (an alias in
//! `.cargo/config.toml`). Only Rust is needed: mdBook is used as a library.
//!
//! To add a subcommand: add a module with a `run(&[String]) -> Result<(),
//! Failure>` function, a match arm in `main`, and a line in `USAGE`.

mod book;
mod browser;
mod class;
mod exercises;
mod log;
mod measure;
mod play;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask <SUBCOMMAND> [OPTIONS]

Subcommands:
  book    Check the book sources, then render the book (book.toml) into its
          build dir (book/) and check the pages as a reader sees them.
          Fails, naming file and line, on a chapter missing from SUMMARY.md,
          a broken {{#include}} / anchor, a leaked anchor line or directive,
          a table inside a code block, a primitive chapter whose `##` parts
          are not the six of the arc or whose main line is over 3,000 words,
          a skipped heading level, a measured figure typed in prose, an
          empty table column, or a link to a missing page or id.
  browser [--no-build]
          Render the book, then open every page in headless Chromium
          (from file:// and over a local http server): no console error,
          uncaught exception or failed load, a heading, search finds
          \"lock\"; and play every \"be the scheduler\" panel through by
          clicking. Needs Chromium: `cargo xtask browser --help` says more.
  class <COMMAND>
          A teacher's commands for a whole class: new (an assignment of
          some exercises, with points), release (what students get), grade
          (a folder of submissions: feedback per student, a report and CSV
          for the class), sample (a made-up class to try it on).
          `cargo xtask class help` says more.
  exercises [COMMAND]
          The classroom exercises, checked by loom: list (default), check,
          hint, watch, reset, solution, verify. `cargo xtask exercises help`
          says more.
  measure [--quick] [--only <NAME>]
          Re-run every bench and every example whose output the book
          includes, then write bench-results/stamp.md (machine, date,
          versions). Takes minutes: `cargo xtask measure --help` says more.
  play [<MODEL> [--schedule <THREADS>]]
          Be the scheduler of a chapter's naive model: list the models,
          play one in the terminal, or replay a schedule (main,A,A,main)
          and print its step table. `cargo xtask play help` says more.
  help    Show this message.

Options for `book`:
  --root <DIR>       Book root holding book.toml [default: the workspace root]
  --deny-warnings    Also fail if mdBook logs any warning
  -v, --verbose      Show mdBook's info-level log too
";

/// Why a subcommand did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Bad command line: print the message and the usage, exit 2.
    Usage(String),
    /// Bad command line of a subcommand with a usage of its own: print the
    /// message and that usage, exit 2.
    UsageOf(String, &'static str),
    /// The task failed: print the message, exit 1.
    Failed(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("book") => book::run(&args[1..]),
        Some("browser") => browser::run(&args[1..]),
        Some("class") => class::run(&args[1..]),
        Some("exercises") => exercises::run(&args[1..]),
        Some("measure") => measure::run(&args[1..]),
        Some("play") => play::run(&args[1..]),
        Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(Failure::Usage(format!("unknown subcommand `{other}`"))),
        None => Err(Failure::Usage("no subcommand given".to_string())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\n");
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::UsageOf(message, usage)) => {
            eprintln!("error: {message}\n");
            eprint!("{usage}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root, from any working directory: the parent of this
/// package's directory (known at compile time), or, if the tree has moved
/// since xtask was built, the nearest ancestor of the current directory that
/// holds `marker` (e.g. `book.toml`).
pub fn workspace_root(marker: &str) -> Option<PathBuf> {
    let from_build = Path::new(env!("CARGO_MANIFEST_DIR")).parent();
    if let Some(root) = from_build.filter(|root| root.join(marker).is_file()) {
        return Some(root.to_path_buf());
    }
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .find(|dir| dir.join(marker).is_file())
        .map(Path::to_path_buf)
}
