//! The main line's length (`length.rs`).

use super::page;
use crate::book::length::{check, main_words};

#[test]
fn words_are_counted_in_main_outside_details_prose_code_and_tables() {
    let html = page(
        "<h1 id=\"x\">Two words</h1>\n<p>three&nbsp;more words</p>\n\
         <pre><code>let x = 1;</code></pre>\n\
         <details>\n<summary>The ordinary tests</summary>\n<p>not counted at all</p>\n</details>\n\
         <table><tr><td>a</td><td>b</td></tr></table>",
    );
    // Two words | three more words | let x = 1; | a b (the nbsp splits too).
    assert_eq!(main_words(&html), 2 + 3 + 4 + 2);
}

#[test]
fn a_main_line_over_the_limit_is_rejected_with_its_count() {
    let html = page(&format!("<p>{}</p>", "word ".repeat(3_412)));
    let finding = check(&html, 3_000, "lock-appendix.md").expect("over the limit");
    assert_eq!(
        finding.message,
        "the main line has 3,412 words, more than 3,000: move test listings that are not the \
         proof itself to the chapter's appendix (lock-appendix.md), or short ones into a \
         collapsed <details> block (words inside <details> do not count)"
    );
}

#[test]
fn a_main_line_at_the_limit_passes_however_long_its_details() {
    let html = page(&format!(
        "<p>{}</p><details><summary>More</summary>{}</details>",
        "word ".repeat(3_000),
        "listing ".repeat(5_000)
    ));
    assert_eq!(check(&html, 3_000, "lock-appendix.md"), None);
}

#[test]
fn the_play_panels_fallback_is_not_counted_but_the_reveal_is() {
    let html = page(
        "<p>one two</p>\n\
         <div class=\"play-panel\" data-model=\"value\">\n\
         <p>With scripts on, a panel here <code>cargo xtask play value</code>.</p>\n\
         <div class=\"inner\"><p>nested words not counted</p></div>\n\
         <p>still inside the panel</p>\n\
         </div>\n\
         <div class=\"play-reveal\" data-model=\"value\">\n<p>three four five</p>\n</div>\n\
         <div class=\"note play-panel-like\"><p>six</p></div>",
    );
    // one two | three four five | six (a class that only starts like it counts).
    assert_eq!(main_words(&html), 2 + 3 + 1);
}
