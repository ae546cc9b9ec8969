//! Just enough HTML reading for the checks on rendered pages. mdBook writes
//! regular, predictable HTML (no nested elements of the same kind where the
//! checks look), so a few string scans do, with no parser crate.

use std::ops::Range;

/// One element `<tag ...>inner</tag>`, as byte offsets into the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element<'a> {
    /// Offset of the `<` that opens the element.
    pub start: usize,
    /// The attributes part of the opening tag (`<h2 id="x">` → ` id="x"`).
    pub attrs: &'a str,
    /// The element's content, between the opening and the closing tag.
    pub inner: Range<usize>,
    /// Offset just after the closing tag.
    pub end: usize,
}

/// The part of the page inside `<main>...</main>` (from the first `<main>`
/// to the last `</main>`), or the whole page if it has none.
pub fn main_range(page: &str) -> Range<usize> {
    let start = page.find("<main>").map(|i| i + "<main>".len());
    let end = page.rfind("</main>");
    match (start, end) {
        (Some(start), Some(end)) if start <= end => start..end,
        _ => 0..page.len(),
    }
}

/// 1-based line of byte `offset` in `text`.
pub fn line_at(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// Every `<tag ...>...</tag>` in `range` of `page`, in order. An element
/// ends at the first closing tag after it opens (the checks only look for
/// elements that mdBook never nests in themselves).
pub fn elements<'a>(page: &'a str, range: Range<usize>, tag: &str) -> Vec<Element<'a>> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut found = Vec::new();
    let mut from = range.start;
    while let Some(i) = page[from..range.end].find(&open) {
        let start = from + i;
        from = start + open.len();
        let after = &page[from..range.end];
        // `<h2` must not match `<h20` nor `<pre` match `<prefix`.
        if !after.starts_with(|c: char| c == '>' || c.is_ascii_whitespace()) {
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let inner_start = from + gt + 1;
        let Some(len) = page[inner_start..range.end].find(&close) else {
            break;
        };
        found.push(Element {
            start,
            attrs: &page[from..from + gt],
            inner: inner_start..inner_start + len,
            end: inner_start + len + close.len(),
        });
        from = inner_start + len + close.len();
    }
    found
}

/// Each tag (`<` to the next `>`) replaced by a space.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        match after.find('>') {
            Some(gt) if gt > 0 => {
                out.push(' ');
                rest = &after[gt + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decode the character references mdBook writes (`&lt;`, `&amp;`,
/// `&quot;`, `&#39;`, `&#x27;`, `&nbsp;`, any numeric one).
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &after[..semi];
            let c = match name {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => match name.strip_prefix('#') {
                    Some(num) => match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse().ok(),
                    }
                    .and_then(char::from_u32),
                    None => None,
                },
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text a reader sees in an HTML fragment, whitespace collapsed.
pub fn text_of(html: &str) -> String {
    unescape(&strip_tags(html))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A heading `<hN ...>...</hN>` of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: usize,
    /// The text a reader sees.
    pub text: String,
    /// Offset of the `<hN`.
    pub offset: usize,
}

/// The headings inside `<main>`, in page order.
pub fn headings(page: &str) -> Vec<Heading> {
    let main = main_range(page);
    let mut found = Vec::new();
    for level in 1..=6 {
        for element in elements(page, main.clone(), &format!("h{level}")) {
            found.push(Heading {
                level,
                text: text_of(&page[element.inner]),
                offset: element.start,
            });
        }
    }
    found.sort_by_key(|heading| heading.offset);
    found
}

/// `#`, `##`, ... for a heading level, as a writer types it.
pub fn hashes(level: usize) -> String {
    "#".repeat(level)
}
