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
            "the anchor line `# ANCHOR: main` shows in the page: the chapter includes a whole \
             file (or a line range) that has anchors; include by anchor instead \
             (`{{#include path:name}}`), so that no ANCHOR line reaches the page",
            "the anchor line `# ANCHOR_END: main` shows in the page: the chapter includes a \
             whole file (or a line range) that has anchors; include by anchor instead \
             (`{{#include path:name}}`), so that no ANCHOR line reaches the page",
        ]
    );
}

#[test]
fn anchored_include_and_anchor_lines_the_chapter_shows_on_purpose_pass() {
    let html = page(
        "<p>Mark the lines with <code>// ANCHOR: name</code>.</p>\n\
         <pre><code class=\"language-python\">import threading\n</code></pre>",
    );
    assert_eq!(check(&html, "Mark the lines with `// ANCHOR: name`.\n"), []);
}
