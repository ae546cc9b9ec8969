//! Wrong apostrophes in a page: mdBook's smart punctuation turns a `'`
//! right after an inline code span into an *opening* quote when the
//! sentence has another apostrophe before it, so "`std`'s channel" can
//! render as `std`‘s. A reader sees a stray quote mark. The fix is in the
//! chapter: type the apostrophe itself (`std`’s), or reword.

use super::html::{main_range, text_of};
use super::pages::{Finding, Locate};

/// What the renderer writes for the glitch: a code span's end, then an
/// opening single quote.
const GLITCH: &str = "</code>‘";

/// One finding per opening quote glued to the end of a code span and
/// followed by a letter (an apostrophe, not a quotation that opens there).
pub fn check(page: &str) -> Vec<Finding> {
    let main = main_range(page);
    let mut findings = Vec::new();
    let mut from = main.start;
    while let Some(found) = page[from..main.end].find(GLITCH) {
        let at = from + found;
        from = at + GLITCH.len();
        let word: String = page[from..main.end]
            .chars()
            .take_while(|c| c.is_alphabetic())
            .collect();
        if word.is_empty() {
            continue;
        }
        // The code span: its tag, and its text after the tag's `>`.
        let Some(tag) = page[main.start..at].rfind("<code").map(|t| main.start + t) else {
            continue;
        };
        let code_start = page[tag..at].find('>').map_or(at, |g| tag + g + 1);
        let code = text_of(&page[code_start..at]);
        // The word before the code span, to find the right line when the
        // chapter writes the same `code`'word more than once.
        let mut start = tag.saturating_sub(80).max(main.start);
        while !page.is_char_boundary(start) {
            start += 1;
        }
        let before = text_of(&page[start..tag]);
        let before = before.split_whitespace().last().unwrap_or("").to_string();
        findings.push(Finding {
            offset: at,
            message: format!(
                "`{code}`‘{word} shows an opening quote where an apostrophe is meant (smart \
                 punctuation after a code span): type the apostrophe itself, `{code}`’{word}, \
                 or reword"
            ),
            locate: Locate::Text(vec![
                format!("{before} `{code}`'{word}"),
                format!("`{code}`'{word}"),
            ]),
        });
    }
    findings
}
