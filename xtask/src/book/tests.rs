//! Unit tests of the book checks, one file per checker under `tests/`, and
//! what they share: a scratch book on disk and a Rust file with anchors.

mod anchor_lines;
mod anchors;
mod apostrophes;
mod arc;
mod chapters;
mod code_tables;
mod directives;
mod empty_columns;
mod figures;
mod heading_levels;
mod html;
mod includes;
mod length;
mod links;
mod pages;
mod problem;
mod rendered;
mod summary;

use super::chapters::{BookCheck, check_book};
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A scratch directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xtask-check-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, rel: &str, contents: &str) -> &Self {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
        self
    }

    fn check(&self) -> BookCheck {
        check_book(&self.0.join("chapters"), &self.0)
    }

    /// Problems rendered as `file:line: message`, relative to the dir.
    fn problems(&self) -> Vec<String> {
        self.check()
            .problems
            .iter()
            .map(|p| p.render(&self.0))
            .collect()
    }

    /// Asserts there is exactly one problem and that it starts with
    /// `prefix` (for messages whose tail is not ours, or is long).
    fn assert_only_problem_starts_with(&self, prefix: &str) {
        let problems = self.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with(prefix), "{problems:?}");
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A rendered page as mdBook 0.5 writes it, with `main` inside `<main>`
/// and, outside it, a heading of mdBook's own (which no check looks at).
fn page(main: &str) -> String {
    format!(
        "<!DOCTYPE HTML>\n<html>\n<body>\n\
         <h2 class=\"mdbook-help-title\">Keyboard shortcuts</h2>\n\
         <a href=\"nowhere.html#gone\">x</a>\n\
         <main>\n{main}\n</main>\n</body>\n</html>\n"
    )
}

/// A heading as mdBook 0.5 writes it: `<h2 id="x"><a class="header" ...>`.
fn h(level: usize, text: &str) -> String {
    let id = text.to_lowercase().replace(' ', "-");
    format!("<h{level} id=\"{id}\"><a class=\"header\" href=\"#{id}\">{text}</a></h{level}>\n")
}

/// The messages of a check's findings.
fn messages(findings: Vec<super::pages::Finding>) -> Vec<String> {
    findings.into_iter().map(|f| f.message).collect()
}

/// A Rust file with nested anchors and one that is never closed.
const CODE: &str = "\
use std::sync::Mutex;
// ANCHOR: lock
fn lock() {
    // ANCHOR: inner
    let _m = Mutex::new(0);
    // ANCHOR_END: inner
}
// ANCHOR_END: lock
// ANCHOR: unclosed
fn tail() {}
";

/// A book whose every include is good; each test breaks one thing in it.
fn good_book() -> TempDir {
    let dir = TempDir::new();
    dir.write(
        "chapters/SUMMARY.md",
        "# Summary\n\n[Intro](README.md)\n\n- [Mutex](mutex.md)\n- [Later]()\n",
    )
    .write(
        "chapters/README.md",
        "# Intro\n\nShow it literally: `\\{{#include file.rs}}`\n",
    )
    .write(
        "chapters/mutex.md",
        "# Mutex\n\n```rust\n{{#include ../src/code.rs:lock}}\n```\n\n\
         ```rust\n{{#rustdoc_include ../src/code.rs:inner}}\n```\n\n\
         {{#include parts/note.md}}\n\n```rust\n{{#include ../src/code.rs:2:4}}\n```\n",
    )
    .write(
        "chapters/parts/note.md",
        "> [!NOTE]\n> See:\n\n```rust\n{{#include ../../src/code.rs:inner}}\n```\n",
    )
    .write("src/code.rs", CODE);
    dir
}
