//! Reading SUMMARY.md: the `[title](target)` links that make the book's
//! chapters, with their line numbers, so a missing or doubled chapter can be
//! reported at its line. Entries inside HTML comments (`<!-- ... -->`) are
//! skipped: a commented-out entry is not a chapter. Each link also knows the
//! part it is listed under (`# Part title` lines) and whether it is nested
//! under another entry.

/// A `[title](target)` link in SUMMARY.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryLink {
    /// 1-based line number.
    pub line: usize,
    pub title: String,
    /// The link target as mdBook sees it (`%20` decoded); empty for drafts.
    pub target: String,
    /// The title of the part (`# Title` line) the link is listed under;
    /// `None` before the first part.
    pub part: Option<String>,
    /// Indented under another entry (a sub-chapter).
    pub nested: bool,
}

/// All `[title](target)` links in a SUMMARY.md, skipping HTML comments
/// (a commented-out entry is not a chapter).
pub fn summary_links(summary: &str) -> Vec<SummaryLink> {
    let text = blank_html_comments(summary);
    let mut links = Vec::new();
    let mut part = None;
    let mut seen_title = false;
    for (index, line) in text.lines().enumerate() {
        if let Some(title) = line.strip_prefix("# ") {
            // The first `# ...` before any link is the book's title
            // (`# Summary`); the others open a part.
            if seen_title || !links.is_empty() {
                part = Some(title.trim().to_string());
            }
            seen_title = true;
            continue;
        }
        let nested = line.starts_with(char::is_whitespace);
        let mut from = 0;
        while let Some(found) = line[from..].find("](") {
            let close_bracket = from + found;
            let href_start = close_bracket + 2;
            from = href_start;
            let Some(open_bracket) = matching_open_bracket(&line[..close_bracket]) else {
                continue;
            };
            let Some(href_len) = matching_close_paren(&line[href_start..]) else {
                continue;
            };
            links.push(SummaryLink {
                line: index + 1,
                title: line[open_bracket + 1..close_bracket].trim().to_string(),
                target: clean_href(&line[href_start..href_start + href_len]),
                part: part.clone(),
                nested,
            });
            from = href_start + href_len + 1;
        }
    }
    links
}

/// Replace everything inside `<!-- ... -->` with spaces, keeping newlines so
/// line numbers stay right. An unterminated comment runs to the end.
fn blank_html_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find("-->").map_or(after.len(), |i| i + 3);
        out.extend(
            after[..end]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' }),
        );
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Index of the `[` that opens the link text ending at the end of `s`.
fn matching_open_bracket(s: &str) -> Option<usize> {
    first_unbalanced(s.char_indices().rev(), ']', '[')
}

/// Length of the link destination, up to (not including) its closing `)`.
fn matching_close_paren(s: &str) -> Option<usize> {
    first_unbalanced(s.char_indices(), '(', ')')
}

/// Index of the first `close` in `chars` that no earlier `open` pairs with.
fn first_unbalanced(
    chars: impl Iterator<Item = (usize, char)>,
    open: char,
    close: char,
) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in chars {
        if c == open {
            depth += 1;
        } else if c == close {
            if depth == 0 {
                return Some(i);
            }
            depth -= 1;
        }
    }
    None
}

/// `<a b.md>` → `a b.md`; `a.md "title"` → `a.md`; `%20` → space (as mdBook).
fn clean_href(raw: &str) -> String {
    let raw = raw.trim();
    let href = match raw.strip_prefix('<').and_then(|r| r.split_once('>')) {
        Some((inside, _)) => inside,
        None => raw.split_whitespace().next().unwrap_or(""),
    };
    href.replace("%20", " ")
}
