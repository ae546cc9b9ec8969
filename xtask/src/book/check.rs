//! Source checks run before mdBook sees the book.
//!
//! mdBook 0.5 is lenient in ways that hide mistakes:
//!
//! - a `{{#include}}` whose file is missing is only *logged*, and the raw
//!   directive is left in the page;
//! - an include naming an anchor that is not in the file silently renders an
//!   empty code block (a rustdoc_include hides the whole file);
//! - a line range past the end of the file also renders nothing.
//!
//! So we check the sources ourselves and report `file:line` for each problem.
//! Directive parsing mirrors the `links` preprocessor in mdbook-driver 0.5
//! (`builtin_preprocessors/links.rs`), so we accept and reject the same text.
//! Everything here is a pure function of strings, or of files under a
//! directory, so it is unit-tested without building a book.

use super::includes::Checker;
use super::problem::Problem;
use super::summary::summary_links;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// A chapter listed in SUMMARY.md that exists and was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterInfo {
    /// Path relative to the book's source directory, as written in SUMMARY.md.
    pub path: PathBuf,
    /// How many `{{#include`-like strings this chapter legitimately shows as
    /// text (written escaped, `\{{#include ...}}`). The rendered page may
    /// contain this many without anything being broken.
    pub literal_directives: usize,
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
        let literal = checker.check_chapter(&file, text, &base);
        check.chapters.push(ChapterInfo {
            path: rel,
            literal_directives: literal,
        });
    }
    check.problems = checker.problems;
    check
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::anchors::Selection;
    use crate::book::anchors::{AnchorError, anchored_lines, parse_selection};
    use crate::book::directives::{DirectiveKind, scan_directives};
    use crate::book::problem::{display_path, normalize};
    use crate::book::rendered::{allowed_literals, html_page_for, unexpanded_lines};
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
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

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

    // --- SUMMARY.md -------------------------------------------------------

    #[test]
    fn summary_links_with_lines_titles_and_drafts() {
        let summary = "\
# Summary

[Introduction](README.md)

- [Mutex](mutex/README.md)
    - [Poisoning](mutex/poison.md)
- [Draft chapter]()

---

[Appendix: `[T]` slices](appendix%20a.md \"title\")
";
        let links = summary_links(summary);
        let got: Vec<_> = links
            .iter()
            .map(|l| (l.line, l.title.as_str(), l.target.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "Introduction", "README.md"),
                (5, "Mutex", "mutex/README.md"),
                (6, "Poisoning", "mutex/poison.md"),
                (7, "Draft chapter", ""),
                (11, "Appendix: `[T]` slices", "appendix a.md"),
            ]
        );
    }

    #[test]
    fn summary_links_skip_html_comments() {
        let summary = "\
- [One](one.md)
<!-- - [Hidden](hidden.md)
- [Also hidden](hidden2.md) -->
- [Two](two.md) <!-- [x](x.md) -->
";
        let targets: Vec<_> = summary_links(summary)
            .into_iter()
            .map(|l| (l.line, l.target))
            .collect();
        assert_eq!(
            targets,
            [(1, "one.md".to_string()), (4, "two.md".to_string())]
        );
    }

    #[test]
    fn summary_link_with_angle_brackets_and_parens() {
        let links = summary_links("- [A](<dir/a b.md>)\n- [B](b_(2).md)\n");
        assert_eq!(links[0].target, "dir/a b.md");
        assert_eq!(links[1].target, "b_(2).md");
    }

    // --- directive scanning ------------------------------------------------

    fn kinds(text: &str) -> Vec<DirectiveKind<'_>> {
        scan_directives(text)
            .directives
            .into_iter()
            .map(|d| d.kind)
            .collect()
    }

    #[test]
    fn parses_all_include_forms() {
        let text = "{{#include a.rs}} {{#include b.rs:lock}} {{#include c.rs:2:5}}\n\
                    {{ #rustdoc_include d.rs:3 }} {{#include e.rs:4:}} {{#include f.rs::7}}";
        assert_eq!(
            kinds(text),
            [
                DirectiveKind::Include {
                    path: "a.rs",
                    selection: Selection::Whole
                },
                DirectiveKind::Include {
                    path: "b.rs",
                    selection: Selection::Anchor("lock")
                },
                DirectiveKind::Include {
                    path: "c.rs",
                    selection: Selection::Lines {
                        start: 1,
                        end: Some(5)
                    }
                },
                DirectiveKind::RustdocInclude {
                    path: "d.rs",
                    selection: Selection::Lines {
                        start: 2,
                        end: Some(3)
                    }
                },
                DirectiveKind::Include {
                    path: "e.rs",
                    selection: Selection::Lines {
                        start: 3,
                        end: None
                    }
                },
                DirectiveKind::Include {
                    path: "f.rs",
                    selection: Selection::Lines {
                        start: 0,
                        end: Some(7)
                    }
                },
            ]
        );
    }

    #[test]
    fn parse_selection_matches_mdbook() {
        assert_eq!(parse_selection(""), Selection::Whole);
        assert_eq!(parse_selection(":"), Selection::Whole);
        assert_eq!(parse_selection("name"), Selection::Anchor("name"));
        assert_eq!(parse_selection("name:3"), Selection::Anchor("name"));
        assert_eq!(
            parse_selection("0"),
            Selection::Lines {
                start: 0,
                end: Some(1)
            }
        );
        assert_eq!(
            parse_selection("3:x"),
            Selection::Lines {
                start: 2,
                end: None
            }
        );
    }

    #[test]
    fn escaped_directives_are_not_includes() {
        let scan = scan_directives(r"Write \{{#include missing.rs:nope}} to include.");
        assert_eq!(scan.directives.len(), 1);
        assert_eq!(scan.directives[0].kind, DirectiveKind::Escaped);
        assert_eq!(scan.directives[0].text, r"\{{#include missing.rs:nope}}");
        assert!(scan.malformed.is_empty());
    }

    #[test]
    fn escape_runs_to_the_last_closing_braces_on_the_line() {
        // mdBook's `\\\{\{\#.*\}\}` is greedy: the second directive on the
        // line is swallowed by the escape and shown as text too.
        let scan = scan_directives("\\{{#include a.rs}} and {{#include b.rs}}\n{{#include c.rs}}");
        let got: Vec<_> = scan.directives.iter().map(|d| (d.kind, d.text)).collect();
        assert_eq!(
            got,
            [
                (
                    DirectiveKind::Escaped,
                    "\\{{#include a.rs}} and {{#include b.rs}}"
                ),
                (
                    DirectiveKind::Include {
                        path: "c.rs",
                        selection: Selection::Whole
                    },
                    "{{#include c.rs}}"
                ),
            ]
        );
    }

    #[test]
    fn title_and_unknown_directives() {
        assert_eq!(
            kinds("{{#title Mutexes}} {{#foo bar}} {{#playground p.rs editable}}"),
            [
                DirectiveKind::Title,
                DirectiveKind::Unknown,
                DirectiveKind::Playground { path: "p.rs" }
            ]
        );
    }

    #[test]
    fn malformed_includes_are_flagged() {
        // No path; no space; a stray `}`; unterminated escape.
        for text in [
            "{{#include}}",
            "{{#include }}",
            "{{#include:a.rs}}",
            "{{#include a}b.rs}}",
            "\\{{#include a.rs",
            "{{#foo {{#include a.rs}}",
        ] {
            let scan = scan_directives(text);
            assert!(!scan.malformed.is_empty(), "not flagged: {text:?}");
        }
        // Not directives at all: leave them alone.
        for text in [
            "{{#included}}",
            "{{ x }}",
            "#include <stdio.h>",
            "{{#if cond}}",
        ] {
            assert!(
                scan_directives(text).malformed.is_empty(),
                "flagged: {text:?}"
            );
        }
    }

    // --- anchors ----------------------------------------------------------

    #[test]
    fn anchored_lines_like_mdbook() {
        // Lines 2..=6 (0-based) minus the nested marker lines 3 and 5.
        assert_eq!(anchored_lines(CODE, "lock"), Ok(vec![2, 4, 6]));
        assert_eq!(anchored_lines(CODE, "inner"), Ok(vec![4]));
        assert_eq!(anchored_lines(CODE, "missing"), Err(AnchorError::NoStart));
        assert_eq!(
            anchored_lines(CODE, "unclosed"),
            Err(AnchorError::NoEnd { start_line: 9 })
        );
        // An END before its START does not count.
        assert_eq!(
            anchored_lines("// ANCHOR_END: a\n// ANCHOR: a\nx\n", "a"),
            Err(AnchorError::NoEnd { start_line: 2 })
        );
        // Anchor names are whole words: `lock` is not `lock_all`.
        assert_eq!(
            anchored_lines("// ANCHOR: lock_all\nx\n// ANCHOR_END: lock_all\n", "lock"),
            Err(AnchorError::NoStart)
        );
    }

    // --- whole books on disk --------------------------------------------

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

    #[test]
    fn good_book_has_no_problems() {
        let dir = good_book();
        let check = dir.check();
        assert_eq!(check.problems, []);
        assert_eq!(
            check.chapters,
            [
                ChapterInfo {
                    path: "README.md".into(),
                    literal_directives: 1
                },
                ChapterInfo {
                    path: "mutex.md".into(),
                    literal_directives: 0
                },
            ]
        );
    }

    #[test]
    fn missing_summary() {
        let dir = TempDir::new();
        dir.write("chapters/intro.md", "# Hi\n");
        let problems = dir.problems();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("chapters/SUMMARY.md: cannot read the table of contents"),
            "{problems:?}"
        );
    }

    #[test]
    fn missing_chapter_names_summary_line() {
        let dir = good_book();
        dir.write(
            "chapters/SUMMARY.md",
            "# Summary\n\n- [Mutex](mutex.md)\n- [Condvar](condvar.md)\n- [Mutex again](mutex.md)\n",
        );
        assert_eq!(
            dir.problems(),
            [
                "chapters/SUMMARY.md:4: chapter \"Condvar\" links to `condvar.md`, \
                 but chapters/condvar.md does not exist",
                "chapters/SUMMARY.md:5: `mutex.md` is listed twice (first on line 3); \
                 mdBook refuses duplicate chapters",
            ]
        );
    }

    #[test]
    fn broken_include_path_names_chapter_line() {
        let dir = good_book();
        dir.write(
            "chapters/mutex.md",
            "# Mutex\n\n```rust\n{{#include ../src/nope.rs}}\n```\n",
        );
        assert_eq!(
            dir.problems(),
            ["chapters/mutex.md:4: `{{#include ../src/nope.rs}}`: src/nope.rs does not exist"]
        );
    }

    #[test]
    fn include_of_a_directory_is_reported() {
        let dir = good_book();
        dir.write("chapters/mutex.md", "{{#include ../src}}\n");
        assert_eq!(
            dir.problems(),
            ["chapters/mutex.md:1: `{{#include ../src}}`: src is not a file"]
        );
    }

    #[test]
    fn missing_and_unclosed_anchors() {
        let dir = good_book();
        dir.write(
            "chapters/mutex.md",
            "{{#include ../src/code.rs:nope}}\n{{#rustdoc_include ../src/code.rs:unclosed}}\n",
        );
        assert_eq!(
            dir.problems(),
            [
                "chapters/mutex.md:1: `{{#include ../src/code.rs:nope}}`: src/code.rs: \
                 anchor `nope` not found: no line contains `ANCHOR: nope`",
                "chapters/mutex.md:2: `{{#rustdoc_include ../src/code.rs:unclosed}}`: \
                 src/code.rs: anchor `unclosed` is never closed: `ANCHOR: unclosed` is on \
                 line 9 but no `ANCHOR_END: unclosed` follows it",
            ]
        );
    }

    #[test]
    fn line_range_past_the_end() {
        let dir = good_book();
        dir.write(
            "chapters/mutex.md",
            "x\n{{#include ../src/code.rs:40:50}}\n",
        );
        assert_eq!(
            dir.problems(),
            [
                "chapters/mutex.md:2: `{{#include ../src/code.rs:40:50}}`: src/code.rs: \
                 that line range selects no lines (the file has 10 lines)"
            ]
        );
    }

    #[test]
    fn problems_inside_included_files_point_at_them() {
        let dir = good_book();
        dir.write(
            "chapters/parts/note.md",
            "# Note\n<!-- ANCHOR: body -->\ntext\n{{#include ../../src/code.rs:gone}}\n<!-- ANCHOR_END: body -->\n",
        );
        dir.write(
            "chapters/mutex.md",
            "# Mutex\n\n{{#include parts/note.md:body}}\n",
        );
        assert_eq!(
            dir.problems(),
            [
                "chapters/parts/note.md:4: `{{#include ../../src/code.rs:gone}}`: src/code.rs: \
                 anchor `gone` not found: no line contains `ANCHOR: gone`\n    \
                 (included from chapters/mutex.md:3)"
            ]
        );
    }

    #[test]
    fn only_the_included_part_is_scanned() {
        // The broken include is outside the anchored section, so mdBook
        // never sees it.
        let dir = good_book();
        dir.write(
            "chapters/parts/note.md",
            "<!-- ANCHOR: body -->\nfine\n<!-- ANCHOR_END: body -->\n{{#include nope.rs}}\n",
        );
        dir.write("chapters/mutex.md", "{{#include parts/note.md:body}}\n");
        assert_eq!(dir.problems(), Vec::<String>::new());
    }

    #[test]
    fn include_cycles_are_reported_once_at_the_limit() {
        let dir = good_book();
        dir.write("chapters/mutex.md", "{{#include loop.md}}\n");
        dir.write("chapters/loop.md", "again\n{{#include loop.md}}\n");
        let problems = dir.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with(
            "chapters/loop.md:2: `{{#include loop.md}}`: includes nested more than 10 deep"
        ));
    }

    #[test]
    fn malformed_include_in_chapter() {
        let dir = good_book();
        dir.write("chapters/mutex.md", "# M\n\n{{#include}}\n");
        let problems = dir.problems();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("chapters/mutex.md:3: `{{#include}}` is not a valid directive"),
            "{problems:?}"
        );
    }

    #[test]
    fn byte_order_mark_is_ignored_and_lines_still_count_from_one() {
        let dir = good_book();
        dir.write("chapters/mutex.md", "\u{feff}{{#include nope.rs}}\n");
        let problems = dir.problems();
        assert!(
            problems[0].starts_with("chapters/mutex.md:1: "),
            "{problems:?}"
        );
    }

    // --- rendered output ---------------------------------------------------

    #[test]
    fn html_pages_and_allowed_literals() {
        assert_eq!(html_page_for(Path::new("a/b.md")), Path::new("a/b.html"));
        assert_eq!(
            html_page_for(Path::new("mutex/Readme.md")),
            Path::new("mutex/index.html")
        );
        let chapters = [
            ChapterInfo {
                path: "intro.md".into(),
                literal_directives: 2,
            },
            ChapterInfo {
                path: "x/README.md".into(),
                literal_directives: 1,
            },
            ChapterInfo {
                path: "y.md".into(),
                literal_directives: 0,
            },
        ];
        let allowed = allowed_literals(&chapters);
        assert_eq!(allowed[Path::new("intro.html")], 2);
        assert_eq!(allowed[Path::new("index.html")], 2);
        assert_eq!(allowed[Path::new("x/index.html")], 1);
        assert_eq!(allowed[Path::new("y.html")], 0);
        assert_eq!(allowed[Path::new("print.html")], 3);
    }

    #[test]
    fn unexpanded_lines_in_html() {
        let html = "<p>ok</p>\n<pre><code>{{#include ../src/x.rs:a}}\n</code></pre>\n\
                    <p>{{ #rustdoc_include y.rs }}</p>{{#if x}}";
        assert_eq!(unexpanded_lines(html), [2, 4]);
    }

    #[test]
    fn display_paths() {
        let base = Path::new("/w/main");
        assert_eq!(
            display_path(Path::new("/w/main/chapters/../src/a.rs"), base),
            "src/a.rs"
        );
        assert_eq!(
            display_path(Path::new("/w/other/a.rs"), base),
            "/w/other/a.rs"
        );
        assert_eq!(normalize(Path::new("../a/./b/../c")), Path::new("../a/c"));
    }
}
