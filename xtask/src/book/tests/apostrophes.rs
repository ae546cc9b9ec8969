//! Wrong apostrophes after code spans (`apostrophes.rs`).

use super::{messages, page};
use crate::book::apostrophes::check;

#[test]
fn an_opening_quote_glued_to_a_code_span_is_rejected() {
    let html = page("<p>the bench's row, as <code>std</code>‘s channel</p>");
    assert_eq!(
        messages(check(&html)),
        [
            "`std`‘s shows an opening quote where an apostrophe is meant (smart punctuation \
          after a code span): type the apostrophe itself, `std`’s, or reword"
        ]
    );
}

#[test]
fn right_apostrophes_and_real_quotations_pass() {
    let html = page(
        "<p><code>std</code>’s channel; a name, ‘<code>x</code>’; \
         <code>a</code>‘ b</p>",
    );
    assert!(check(&html).is_empty(), "{:?}", messages(check(&html)));
}
