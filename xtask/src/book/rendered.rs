//! Checks on the rendered book: mdBook leaves a directive it could not
//! expand in the page verbatim, so any `{{#include`-like text left in the
//! HTML is a broken include, unless the chapter shows it on purpose (written
//! escaped, `\{{#include ...}}`). Here: which page a chapter lands in, how
//! many such strings each page may hold, and on which lines a page has them.

use super::chapters::ChapterInfo;
use super::directives::include_like_positions;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The HTML page(s) mdBook 0.5 writes a chapter to: `a/b.md` → `a/b.html`,
/// and `README.md` (any case) → `index.html` (the `index` preprocessor).
pub fn html_page_for(chapter: &Path) -> PathBuf {
    let is_readme = chapter
        .file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s.eq_ignore_ascii_case("readme"));
    let page = if is_readme {
        chapter.with_file_name("index.md")
    } else {
        chapter.to_path_buf()
    };
    page.with_extension("html")
}

/// How many `{{#include`-like strings each rendered page may show as text
/// (from escaped directives). Keys are paths relative to the build dir.
/// `index.html` also holds a copy of the first chapter and `print.html` holds
/// every chapter.
pub fn allowed_literals(chapters: &[ChapterInfo]) -> HashMap<PathBuf, usize> {
    let mut allowed: HashMap<PathBuf, usize> = HashMap::new();
    for chapter in chapters {
        *allowed.entry(html_page_for(&chapter.path)).or_default() += chapter.literal_directives;
    }
    if let Some(first) = chapters.first() {
        *allowed.entry(PathBuf::from("index.html")).or_default() += first.literal_directives;
    }
    let total = chapters.iter().map(|c| c.literal_directives).sum();
    allowed.insert(PathBuf::from("print.html"), total);
    allowed
}

/// 1-based line numbers of unexpanded `{{#include`-like text in rendered HTML.
pub fn unexpanded_lines(html: &str) -> Vec<usize> {
    include_like_positions(html)
        .into_iter()
        .map(|at| html[..at].matches('\n').count() + 1)
        .collect()
}
