//! The main line of a primitive chapter (and of the primer) is at most
//! [`LIMIT`] words: every word inside `<main>` (prose, code and tables alike)
//! except what sits inside `<details>...</details>`: the text between tags,
//! each tag taken for a space, split on whitespace.

use super::html::{main_range, strip_tags, unescape};
use super::pages::{Finding, Locate};

// `3412` → `3,412`, as the examples' tables write numbers.
#[path = "../../../benches/report/thousands.rs"]
mod thousands;
use thousands::thousands;

/// At most this many words on a chapter's main line.
pub const LIMIT: usize = 3_000;

/// Words in the main line: the text inside `<main>`, without the
/// `<details>` blocks, tags replaced by spaces, split on whitespace.
pub fn main_words(page: &str) -> usize {
    let main = &page[main_range(page)];
    let mut kept = String::with_capacity(main.len());
    let mut rest = main;
    while let Some(open) = find_details(rest) {
        let Some(close) = rest[open..].find("</details>") else {
            break;
        };
        kept.push_str(&rest[..open]);
        kept.push(' ');
        rest = &rest[open + close + "</details>".len()..];
    }
    kept.push_str(rest);
    unescape(&strip_tags(&kept)).split_whitespace().count()
}

/// Offset of the first `<details` that is a whole tag name.
fn find_details(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find("<details") {
        let at = from + i;
        let next = text[at + "<details".len()..].chars().next();
        if !next.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A finding if the main line is longer than `limit` words; `appendix` is
/// the chapter's appendix page, where test listings go.
pub fn check(page: &str, limit: usize, appendix: &str) -> Option<Finding> {
    let words = main_words(page);
    (words > limit).then(|| Finding {
        offset: page.find("<main>").unwrap_or(0),
        message: format!(
            "the main line has {} words, more than {}: move test listings that are not \
             the proof itself to the chapter's appendix ({appendix}), or short ones into a \
             collapsed <details> block (words inside <details> do not count)",
            thousands(words as u64),
            thousands(limit as u64)
        ),
        locate: Locate::Nowhere,
    })
}
