//! The main line of a primitive chapter (and of the primer) is at most
//! [`LIMIT`] words: every word inside `<main>` (prose, code and tables alike)
//! except what sits inside `<details>...</details>` or inside a scheduler
//! panel, `<div class="play-panel">...</div>` (its text is the fallback shown
//! with scripts off; with scripts on the panel replaces it): the text between
//! tags, each tag taken for a space, split on whitespace.

use super::html::{main_range, strip_tags, unescape};
use super::pages::{Finding, Locate};

// `3412` → `3,412`, as the examples' tables write numbers.
#[path = "../../../benches/report/thousands.rs"]
mod thousands;
use thousands::thousands;

/// At most this many words on a chapter's main line.
pub const LIMIT: usize = 3_000;

/// Words in the main line: the text inside `<main>`, without the
/// `<details>` blocks and the scheduler panels, tags replaced by spaces,
/// split on whitespace.
pub fn main_words(page: &str) -> usize {
    let main = &page[main_range(page)];
    let mut kept = String::with_capacity(main.len());
    let mut rest = main;
    loop {
        let details = find_details(rest).and_then(|open| {
            let close = rest[open..].find("</details>")?;
            Some(open..open + close + "</details>".len())
        });
        let panel =
            find_play_panel(rest).and_then(|open| Some(open..open + div_len(&rest[open..])?));
        let skip = match (details, panel) {
            (Some(a), Some(b)) => Some(if a.start <= b.start { a } else { b }),
            (a, b) => a.or(b),
        };
        let Some(skip) = skip else { break };
        kept.push_str(&rest[..skip.start]);
        kept.push(' ');
        rest = &rest[skip.end..];
    }
    kept.push_str(rest);
    unescape(&strip_tags(&kept)).split_whitespace().count()
}

/// Offset of the first `<div` whose `class` lists `play-panel`.
fn find_play_panel(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = find_div(&text[from..]) {
        let at = from + i;
        from = at + "<div".len();
        let tag = &text[from..];
        let attrs = &tag[..tag.find('>').unwrap_or(tag.len())];
        let class = attrs.find("class=\"").map(|c| {
            let value = &attrs[c + "class=\"".len()..];
            &value[..value.find('"').unwrap_or(value.len())]
        });
        if class.is_some_and(|class| class.split_whitespace().any(|c| c == "play-panel")) {
            return Some(at);
        }
    }
    None
}

/// Offset of the first `<div>` or `<div ...>` tag (not `<divider>`).
fn find_div(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find("<div") {
        let at = from + i;
        let after = &text[at + "<div".len()..];
        if after.starts_with(|c: char| c == '>' || c.is_ascii_whitespace()) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Length of the `<div ...>...</div>` that `text` starts with, nested
/// `<div>`s included, or `None` if it is never closed.
fn div_len(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = 0;
    loop {
        let open = find_div(&text[at..]).map(|i| at + i);
        let close = text[at..].find("</div>").map(|i| at + i);
        match (open, close) {
            (Some(open), Some(close)) if open < close => {
                depth += 1;
                at = open + "<div".len();
            }
            (_, Some(close)) => {
                depth -= 1;
                at = close + "</div>".len();
                if depth == 0 {
                    return Some(at);
                }
            }
            (_, None) => return None,
        }
    }
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
