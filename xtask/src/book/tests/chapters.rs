//! The chapter list on disk (`chapters.rs`): SUMMARY.md and its chapters.

use super::{TempDir, good_book};
use crate::book::chapters::ChapterInfo;

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
    dir.assert_only_problem_starts_with("chapters/SUMMARY.md: cannot read the table of contents");
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
fn byte_order_mark_is_ignored_and_lines_still_count_from_one() {
    let dir = good_book();
    dir.write("chapters/mutex.md", "\u{feff}{{#include nope.rs}}\n");
    let problems = dir.problems();
    assert!(
        problems[0].starts_with("chapters/mutex.md:1: "),
        "{problems:?}"
    );
}
