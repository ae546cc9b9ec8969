//! Internal links: every `href` inside a page's `<main>` that points into
//! the book (`page.html`, `page.html#id`, `#id`, relative) must name a page
//! that was rendered and an `id` that page has.

use super::html::{main_range, unescape};
use super::pages::{Finding, Locate};
use super::problem::normalize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Every `id="..."` in a page.
pub fn ids(page: &str) -> HashSet<String> {
    let mut found = HashSet::new();
    let mut from = 0;
    while let Some(i) = page[from..].find(" id=\"") {
        let start = from + i + " id=\"".len();
        let Some(len) = page[start..].find('"') else {
            break;
        };
        found.insert(unescape(&page[start..start + len]));
        from = start + len;
    }
    found
}

/// Broken internal links of page `rel` (relative to the build directory);
/// `pages` maps every rendered page to its ids.
pub fn check(page: &str, rel: &Path, pages: &HashMap<PathBuf, HashSet<String>>) -> Vec<Finding> {
    let main = main_range(page);
    let mut findings = Vec::new();
    let mut from = main.start;
    while let Some(i) = page[from..main.end].find("href=\"") {
        let start = from + i + "href=\"".len();
        let Some(len) = page[start..main.end].find('"') else {
            break;
        };
        from = start + len;
        let href = unescape(&page[start..start + len]);
        let (path, fragment) = match href.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (href.as_str(), None),
        };
        let internal = !path.contains(':')
            && !path.starts_with('/')
            && (path.ends_with(".html") || (path.is_empty() && fragment.is_some()));
        if !internal {
            continue;
        }
        let target = if path.is_empty() {
            rel.to_path_buf()
        } else {
            normalize(
                &rel.parent()
                    .unwrap_or(Path::new(""))
                    .join(percent_decode(path)),
            )
        };
        let source = href.replace(".html", ".md");
        let locate = Locate::Text(vec![format!("({source}"), source.clone()]);
        let Some(page_ids) = pages.get(&target) else {
            findings.push(Finding {
                offset: start,
                message: format!(
                    "the link `{source}` points at no page of the book: {} is not a chapter \
                     in SUMMARY.md; link to an existing chapter",
                    target.with_extension("md").display()
                ),
                locate,
            });
            continue;
        };
        let Some(id) = fragment.filter(|f| !f.is_empty()).map(percent_decode) else {
            continue;
        };
        if !page_ids.contains(&id) {
            findings.push(Finding {
                offset: start,
                message: format!(
                    "the link `{source}` points at `#{id}`, which {} does not have: link to \
                     an existing heading (its id is its text in lower case, words joined by `-`)",
                    target.with_extension("md").display()
                ),
                locate,
            });
        }
    }
    findings
}

/// `%20` → ` ` (any `%XX` byte), as browsers do before looking a path up.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
