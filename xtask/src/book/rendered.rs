//! Raw directives in the rendered book: mdBook leaves a directive it could
//! not expand in the page verbatim, so any `{{#...}}` text left in the HTML
//! (`{{#include`, `{{#rustdoc_include`, `{{#playground`, `{{#title`,
//! `{{#template`, any `{{#name`) is broken, unless the chapter shows it on
//! purpose (written escaped, `\{{#include ...}}`). Here: which page a chapter
//! lands in, how many such strings each page may hold, and where a page has
//! them.

use super::chapters::ChapterInfo;
use super::directives::directive_like_positions;
use super::pages::{Finding, Locate};
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

/// How many `{{#...}}` strings each rendered page may show as text
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

/// The unexpanded `{{#...}}` texts of a page, when it holds more than the
/// `allowed` ones its chapter shows on purpose.
pub fn check(page: &str, allowed: usize) -> Vec<Finding> {
    let found = directive_like_positions(page);
    if found.len() <= allowed {
        return Vec::new();
    }
    let note = if allowed > 0 {
        format!(" ({allowed} of the {} are escaped on purpose)", found.len())
    } else {
        String::new()
    };
    found
        .into_iter()
        .map(|(at, name)| Finding {
            offset: at,
            message: format!(
                "`{{{{#{name}` shows in the page as text: mdBook did not expand it \
                 (it expands `include`, `rustdoc_include`, `playground` and `title`, when \
                 well formed){note}; fix the directive, or write `\\{{{{#{name} ...}}}}` \
                 to show it on purpose"
            ),
            locate: Locate::Text(vec![format!("{{{{#{name}")]),
        })
        .collect()
}
