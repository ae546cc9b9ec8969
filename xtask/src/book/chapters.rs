//! The source checks, run before mdBook sees the book: every chapter that
//! SUMMARY.md lists must exist and be listed only once (mdBook refuses a
//! duplicate), and each is handed to [`Checker`] to check what it includes.
//! Draft chapters (`[Title]()`) are not rendered, so they are skipped.
//! What is learnt about each chapter on the way (its text, what its includes
//! bring in, whether it is a primitive chapter) is kept for the checks on
//! the rendered pages, to map a page back to the chapter line behind it.
//!
//! Everything here is a pure function of files under a directory, so it is
//! unit-tested without building a book.

use super::includes::Checker;
use super::problem::Problem;
use super::summary::summary_links;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The part of SUMMARY.md whose top-level chapters are primitive chapters
/// (the arc and the length limit apply to them).
pub const PRIMITIVES_PART: &str = "The primitives";

/// A chapter listed in SUMMARY.md that exists and was checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChapterInfo {
    /// Path relative to the book's source directory, as written in SUMMARY.md.
    pub path: PathBuf,
    /// How many `{{#include`-like strings this chapter legitimately shows as
    /// text (written escaped, `\{{#include ...}}`). The rendered page may
    /// contain this many without anything being broken.
    pub literal_directives: usize,
    /// The chapter's own text (byte order mark removed).
    pub text: String,
    /// What each of the chapter's own includes brings into the page.
    pub expansions: Vec<Expansion>,
    /// A top-level entry under the part [`PRIMITIVES_PART`].
    pub primitive: bool,
}

/// The text one `{{#include}}` line of a chapter brings into the page
/// (with what the included part includes in turn).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    /// 1-based line of the directive in the chapter.
    pub line: usize,
    pub text: String,
}

/// The result of [`check_book`].
#[derive(Debug, Default)]
pub struct BookCheck {
    pub problems: Vec<Problem>,
    /// Existing chapters, in SUMMARY.md order (draft chapters excluded).
    pub chapters: Vec<ChapterInfo>,
}

/// Check SUMMARY.md and every chapter it lists (and, recursively, every file
/// those chapters include). `display_base` is only used to shorten paths
/// quoted inside messages.
pub fn check_book(src_dir: &Path, display_base: &Path) -> BookCheck {
    let summary_path = src_dir.join("SUMMARY.md");
    let mut check = BookCheck::default();
    let summary = match fs::read_to_string(&summary_path) {
        Ok(text) => text,
        Err(err) => {
            check.problems.push(Problem {
                file: summary_path,
                line: None,
                message: format!("cannot read the table of contents: {err}"),
            });
            return check;
        }
    };

    let mut checker = Checker::new(display_base);
    let mut first_seen: HashMap<PathBuf, usize> = HashMap::new();
    for link in summary_links(&summary) {
        if link.target.is_empty() {
            continue; // `[Title]()`: a draft chapter, not rendered.
        }
        let rel = PathBuf::from(&link.target);
        if let Some(&first) = first_seen.get(&rel) {
            checker.problems.push(Problem {
                file: summary_path.clone(),
                line: Some(link.line),
                message: format!(
                    "`{}` is listed twice (first on line {first}); mdBook refuses duplicate chapters",
                    link.target
                ),
            });
            continue;
        }
        first_seen.insert(rel.clone(), link.line);

        let file = src_dir.join(&rel);
        if !file.is_file() {
            let what = if file.exists() {
                "is not a file"
            } else {
                "does not exist"
            };
            checker.problems.push(Problem {
                file: summary_path.clone(),
                line: Some(link.line),
                message: format!(
                    "chapter \"{}\" links to `{}`, but {} {what}",
                    link.title,
                    link.target,
                    checker.show(&file)
                ),
            });
            continue;
        }
        let text = match fs::read_to_string(&file) {
            Ok(text) => text,
            Err(err) => {
                checker.problems.push(Problem {
                    file: summary_path.clone(),
                    line: Some(link.line),
                    message: format!("cannot read chapter {}: {err}", checker.show(&file)),
                });
                continue;
            }
        };
        // mdBook strips a UTF-8 byte order mark before preprocessing.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let base = file.parent().unwrap_or(src_dir).to_path_buf();
        let scan = checker.check_chapter(&file, text, &base);
        check.chapters.push(ChapterInfo {
            path: rel,
            literal_directives: scan.literal,
            text: text.to_string(),
            expansions: scan.expansions,
            primitive: !link.nested && link.part.as_deref() == Some(PRIMITIVES_PART),
        });
    }
    check.problems = checker.problems;
    check
}
