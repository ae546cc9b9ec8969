//! Markdown tables inside code blocks (`code_tables.rs`).

use super::{messages, page};
use crate::book::code_tables::check;

#[test]
fn table_with_a_delimiter_row_inside_a_fence_is_rejected() {
    let html = page(
        "<pre><code>| implementation | median (ns) |\n|---|---:|\n| Lock | 12.6 |\n</code></pre>",
    );
    assert_eq!(
        messages(check(&html)),
        [
            "a code block holds a Markdown table (`|---|---:|`), so the page shows raw `|` \
             text: include the table outside any ``` fence, so it renders as a table"
        ]
    );
}

#[test]
fn table_rows_without_a_delimiter_row_are_rejected() {
    let html = page(
        "<pre><code class=\"language-text\">| step | thread A |\n| 1 | read |\n| 2 | write |\n\
         </code></pre>",
    );
    assert_eq!(
        messages(check(&html)),
        [
            "a code block holds a Markdown table (`| step | thread A |`), so the page shows \
             raw `|` text: include the table outside any ``` fence, so it renders as a table"
        ]
    );
}

#[test]
fn code_with_pipes_and_rendered_tables_pass() {
    let html = page(
        "<pre><code class=\"language-rust\">let f = |x| x + 1;\nlet g = a || b;\n\
         match x { 1 | 2 => {} }\n</code></pre>\n\
         <table><thead><tr><th>a</th></tr></thead><tbody><tr><td>|---|</td></tr></tbody></table>",
    );
    assert_eq!(check(&html), []);
}
