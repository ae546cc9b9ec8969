//! Checking each chapter's `{{#include}}`s (and `{{#rustdoc_include}}`,
//! `{{#playground}}`), and recursively what they include.
//!
//! mdBook 0.5 is lenient in ways that hide mistakes:
//!
//! - a `{{#include}}` whose file is missing is only *logged*, and the raw
//!   directive is left in the page;
//! - an include naming an anchor that is not in the file silently renders an
//!   empty code block (a rustdoc_include hides the whole file);
//! - a line range past the end of the file also renders nothing.
//!
//! So we check the sources ourselves and report `file:line` for each problem,
//! with the chain of includes that reached it. Only the part of a file that
//! mdBook splices in is scanned for further directives.

use super::anchors::{Selection, select_lines};
use super::chapters::Expansion;
use super::directives::{DirectiveKind, directive_like_positions, scan_directives};
use super::problem::{Problem, display_path};
use std::fs;
use std::path::{Path, PathBuf};

/// mdBook stops expanding includes nested deeper than this.
const MAX_INCLUDE_DEPTH: usize = 10;

/// Where an include was reached from.
#[derive(Debug, Clone)]
struct Via {
    file: PathBuf,
    line: usize,
}

/// The part of an included file that mdBook splices in, with a map from its
/// lines back to 1-based lines of the file.
struct Included {
    file: PathBuf,
    text: String,
    line_map: Vec<usize>,
}

/// Text to scan for directives: a chapter, or the part of a file that a
/// directive includes.
#[derive(Clone, Copy)]
struct Source<'a> {
    file: &'a Path,
    text: &'a str,
    /// Maps lines of `text` to 1-based lines of `file` (`None`: identity).
    line_map: Option<&'a [usize]>,
    /// Directory that relative include paths in `text` start from.
    base: &'a Path,
}

/// What [`Checker::check_chapter`] learnt about a chapter.
pub struct ChapterScan {
    /// How many `{{#...}}` strings it shows as text (escaped).
    pub literal: usize,
    /// What each of its own includes brings in.
    pub expansions: Vec<Expansion>,
}

/// Collects the problems found in the chapters and what they include.
pub struct Checker<'a> {
    /// Only used to shorten paths quoted inside messages.
    display_base: &'a Path,
    pub problems: Vec<Problem>,
    /// The current chapter's expansions, filled by `check_text`.
    expansions: Vec<Expansion>,
}

impl<'a> Checker<'a> {
    pub fn new(display_base: &'a Path) -> Self {
        Checker {
            display_base,
            problems: Vec::new(),
            expansions: Vec::new(),
        }
    }

    /// `path` as messages quote it.
    pub fn show(&self, path: &Path) -> String {
        display_path(path, self.display_base)
    }

    /// Check a chapter's text (`file`, read and without its byte order mark),
    /// recursing into what it includes; include paths start from `base`.
    pub fn check_chapter(&mut self, file: &Path, text: &str, base: &Path) -> ChapterScan {
        let mut literal = 0;
        let source = Source {
            file,
            text,
            line_map: None,
            base,
        };
        self.check_text(&source, 0, &[], &mut literal);
        ChapterScan {
            literal,
            expansions: std::mem::take(&mut self.expansions),
        }
    }

    /// Check the directives in `source`, recursing into what they include.
    fn check_text(&mut self, source: &Source<'_>, depth: usize, via: &[Via], literal: &mut usize) {
        let Source {
            file,
            text,
            line_map,
            base,
        } = *source;
        let line_of = |offset: usize| {
            let index = text[..offset].matches('\n').count();
            line_map
                .and_then(|map| map.get(index).copied())
                .unwrap_or(index + 1)
        };
        let scan = scan_directives(text);
        for directive in &scan.directives {
            let line = line_of(directive.start);
            let (path, selection) = match directive.kind {
                DirectiveKind::Escaped => {
                    *literal += directive_like_positions(&directive.text[1..]).len();
                    continue;
                }
                DirectiveKind::Title | DirectiveKind::Unknown => continue,
                DirectiveKind::Include { path, selection }
                | DirectiveKind::RustdocInclude { path, selection } => (path, Some(selection)),
                DirectiveKind::Playground { path } => (path, None),
            };
            let rustdoc = matches!(directive.kind, DirectiveKind::RustdocInclude { .. });
            match self.resolve(base, path, selection, rustdoc) {
                Err(message) => {
                    self.report(file, line, via, format!("`{}`: {message}", directive.text))
                }
                Ok(_) if depth >= MAX_INCLUDE_DEPTH => self.report(
                    file,
                    line,
                    via,
                    format!(
                        "`{}`: includes nested more than {MAX_INCLUDE_DEPTH} deep \
                         (an include cycle?); mdBook drops it",
                        directive.text
                    ),
                ),
                Ok(included) => {
                    // Nested includes add to the chapter line that started them.
                    match self.expansions.last_mut() {
                        Some(last) if depth > 0 => {
                            last.text.push('\n');
                            last.text.push_str(&included.text);
                        }
                        _ => self.expansions.push(Expansion {
                            line,
                            text: included.text.clone(),
                        }),
                    }
                    let mut via = via.to_vec();
                    via.push(Via {
                        file: file.to_path_buf(),
                        line,
                    });
                    let source = Source {
                        file: &included.file,
                        text: &included.text,
                        line_map: Some(&included.line_map),
                        base: included.file.parent().unwrap_or(base),
                    };
                    self.check_text(&source, depth + 1, &via, literal);
                }
            }
        }
        for &offset in &scan.malformed {
            let snippet: String = text[offset..]
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(60)
                .collect();
            self.report(
                file,
                line_of(offset),
                via,
                format!(
                    "`{snippet}` is not a valid directive, so mdBook would leave it in the \
                     page as text (expected `{{{{#include path}}}}`, `path:anchor` or \
                     `path:N:M`; write `\\{{{{#include ...}}}}` to show it literally)"
                ),
            );
        }
    }

    /// Read an include target and take the part mdBook would use.
    /// `selection` is `None` for `{{#playground}}` (always the whole file).
    fn resolve(
        &self,
        base: &Path,
        path: &str,
        selection: Option<Selection<'_>>,
        rustdoc: bool,
    ) -> Result<Included, String> {
        let target = base.join(path);
        let shown = self.show(&target);
        if !target.exists() {
            return Err(format!("{shown} does not exist"));
        }
        if !target.is_file() {
            return Err(format!("{shown} is not a file"));
        }
        let content =
            fs::read_to_string(&target).map_err(|err| format!("cannot read {shown}: {err}"))?;
        let selection = selection.unwrap_or(Selection::Whole);
        let lines = select_lines(&content, selection).map_err(|msg| format!("{shown}: {msg}"))?;
        // A rustdoc_include keeps every line (the unselected ones hidden
        // behind `# `), so all of them are scanned for nested directives.
        let lines = if rustdoc {
            (0..content.lines().count()).collect()
        } else {
            lines
        };
        let all: Vec<&str> = content.lines().collect();
        let text = lines.iter().map(|&i| all[i]).collect::<Vec<_>>().join("\n");
        Ok(Included {
            file: target,
            text,
            line_map: lines.iter().map(|i| i + 1).collect(),
        })
    }

    fn report(&mut self, file: &Path, line: usize, via: &[Via], mut message: String) {
        for step in via.iter().rev() {
            message.push_str(&format!(
                "\n    (included from {}:{})",
                self.show(&step.file),
                step.line
            ));
        }
        self.problems.push(Problem {
            file: file.to_path_buf(),
            line: Some(line),
            message,
        });
    }
}
