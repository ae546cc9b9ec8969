//! The arc of a primitive chapter: exactly these `##` headings, in this
//! order, and no other `##` (anything else is a `###` inside one of them).
//! Checked on the rendered page's `<h2>`s inside `<main>`.

use super::html::headings;
use super::pages::{Finding, Locate, plain};

/// The six parts of every primitive chapter, in order.
pub const ARC: [&str; 6] = [
    "The Python program",
    "The naive version",
    "Building it",
    "Python's behaviour, and where Rust differs",
    "How fast",
    "Exercises",
];

/// The `##` headings of a primitive chapter's page against [`ARC`]: one
/// finding per extra, doubled, misordered or missing heading.
pub fn check(page: &str) -> Vec<Finding> {
    let h2s: Vec<_> = headings(page)
        .into_iter()
        .filter(|h| h.level == 2)
        .collect();
    let arc = ARC.join("`, `## ");
    let mut findings = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    for heading in &h2s {
        let text = plain(&heading.text);
        let locate = Locate::Heading(heading.text.clone());
        match ARC.iter().position(|part| *part == text) {
            None => findings.push(Finding {
                offset: heading.offset,
                message: format!(
                    "`## {text}` is not one of the six `##` parts of a primitive chapter: \
                     make it a `###` inside the part where it fits"
                ),
                locate,
            }),
            Some(index) if seen.contains(&index) => findings.push(Finding {
                offset: heading.offset,
                message: format!(
                    "`## {text}` appears twice: a primitive chapter has each part once"
                ),
                locate,
            }),
            Some(index) => {
                if let Some(&later) = seen.iter().find(|&&s| s > index) {
                    findings.push(Finding {
                        offset: heading.offset,
                        message: format!(
                            "`## {text}` comes after `## {}`: the parts go in this order: `## {arc}`",
                            ARC[later]
                        ),
                        locate,
                    });
                }
                seen.push(index);
            }
        }
    }
    let missing: Vec<String> = (0..ARC.len())
        .filter(|index| !seen.contains(index))
        .map(|index| format!("`## {}`", ARC[index]))
        .collect();
    if !missing.is_empty() {
        findings.push(Finding {
            offset: page.find("<main>").unwrap_or(0),
            message: format!(
                "the chapter has no {}: a primitive chapter has these `##` headings, in this \
                 order: `## {arc}`",
                missing.join(", ")
            ),
            locate: Locate::Nowhere,
        });
    }
    findings
}
