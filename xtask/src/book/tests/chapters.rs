//! The chapter list on disk (`chapters.rs`): SUMMARY.md and its chapters.

use super::{TempDir, good_book};

#[test]
fn good_book_has_no_problems() {
    let dir = good_book();
    let check = dir.check();
    assert_eq!(check.problems, []);
    let got: Vec<_> = check
        .chapters
        .iter()
        .map(|c| (c.path.to_str().unwrap(), c.literal_directives, c.primitive))
        .collect();
    assert_eq!(got, [("README.md", 1, false), ("mutex.md", 0, false)]);
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

#[test]
fn top_level_chapters_under_the_primitives_part_are_primitive_chapters() {
    let dir = good_book();
    dir.write(
        "chapters/SUMMARY.md",
        "# Summary\n\n[Intro](README.md)\n\n# The primitives\n\n- [Mutex](mutex.md)\n  \
         - [Mutex: more tests](more.md)\n\n# Appendix\n\n- [Note](parts/note.md)\n",
    )
    .write("chapters/more.md", "# More\n");
    let check = dir.check();
    assert_eq!(check.problems, []);
    let got: Vec<_> = check
        .chapters
        .iter()
        .map(|c| (c.path.to_str().unwrap(), c.primitive))
        .collect();
    assert_eq!(
        got,
        [
            ("README.md", false),
            ("mutex.md", true),
            ("more.md", false),
            ("parts/note.md", false)
        ]
    );
}

#[test]
fn chapters_keep_their_text_and_what_each_include_brings_in() {
    let dir = good_book();
    let check = dir.check();
    let mutex = &check.chapters[1];
    assert!(mutex.text.starts_with("# Mutex\n"));
    let lines: Vec<_> = mutex.expansions.iter().map(|e| e.line).collect();
    assert_eq!(lines, [4, 8, 11, 14]);
    // parts/note.md's own include is added to the line that included it.
    assert!(mutex.expansions[2].text.contains("let _m = Mutex::new(0);"));
    assert!(mutex.expansions[2].text.starts_with("> [!NOTE]"));
}
