//! Anchor lines in a rendered page (`anchor_lines.rs`).

use super::{messages, page};
use crate::book::anchor_lines::check;

#[test]
fn anchor_lines_from_a_whole_file_include_are_rejected() {
    let html = page(
        "<h1 id=\"lock\">Lock</h1>\n\
         <pre><code class=\"language-python\"># ANCHOR: main\n\
         import threading\n\
         # ANCHOR_END: main\n</code></pre>",
    );
    assert_eq!(
        messages(check(
            &html,
            "# Lock\n\n```python\n{{#include ../examples/a.py}}\n```\n"
        )),
        [
            "the anchor line `# ANCHOR: main` (and 1 more in this code block) shows in the \
             page: the chapter includes a whole file (or a line range) that has anchors; \
             include by anchor instead (`{{#include path:name}}`), so that no ANCHOR line \
             reaches the page"
        ]
    );
}

#[test]
fn visible_anchor_lines_outside_code_blocks_are_rejected_one_by_one() {
    // An included text file, whole: its anchor lines become paragraphs.
    let html = page("<p>ANCHOR: body</p>\n<p>text</p>\n<p>ANCHOR_END: body</p>");
    let found = messages(check(&html, "{{#include parts/note.txt}}\n"));
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[1].starts_with("the anchor line `ANCHOR_END: body` shows in the page:"),
        "{found:?}"
    );
}

#[test]
fn anchors_in_html_comments_do_not_show_so_they_pass() {
    // A Markdown file with `<!-- ANCHOR: x -->` lines, included whole: the
    // comments reach the HTML but no reader sees them.
    let html = page("<!-- ANCHOR: body -->\n<p>text</p>\n<!-- ANCHOR_END: body -->");
    assert_eq!(check(&html, "{{#include parts/note.md}}\n"), []);
}

#[test]
fn anchored_include_and_anchor_lines_the_chapter_shows_on_purpose_pass() {
    let html = page(
        "<p>Mark the lines with <code>// ANCHOR: name</code>.</p>\n\
         <pre><code class=\"language-python\">import threading\n</code></pre>",
    );
    assert_eq!(check(&html, "Mark the lines with `// ANCHOR: name`.\n"), []);
}
