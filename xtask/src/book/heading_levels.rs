//! No skipped heading level on a page: a `####` right under a `##`, or a
//! `###` before any `##`, breaks the outline a reader (and the sidebar's
//! section list) relies on.

use super::html::{hashes, headings};
use super::pages::{Finding, Locate};

/// Every heading inside `<main>` more than one level below the heading
/// before it (the first may be a `#` or a `##`).
pub fn check(page: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut previous = 1;
    for heading in headings(page) {
        if heading.level > previous + 1 {
            let level = hashes(heading.level);
            let before = hashes(previous);
            findings.push(Finding {
                offset: heading.offset,
                message: format!(
                    "heading `{level} {}` skips a level: the heading before it is a `{before}`; \
                     make it a `{}` (or add the missing level above it)",
                    heading.text,
                    hashes(previous + 1)
                ),
                locate: Locate::Heading(heading.text.clone()),
            });
        }
        previous = heading.level;
    }
    findings
}
