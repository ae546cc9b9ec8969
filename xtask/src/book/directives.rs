//! Finding `{{#include}}` and the other directives in a chapter's text.
//!
//! Parsing mirrors the `links` preprocessor in mdbook-driver 0.5
//! (`builtin_preprocessors/links.rs`), so we accept and reject the same text.
//! Text that looks like an include but is not a valid directive is flagged:
//! mdBook would leave it in the page as-is.

use super::anchors::{Selection, parse_selection};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveKind<'a> {
    /// `\{{#...}}`: shown literally (without the backslash).
    Escaped,
    Include {
        path: &'a str,
        selection: Selection<'a>,
    },
    RustdocInclude {
        path: &'a str,
        selection: Selection<'a>,
    },
    /// `{{#playground path}}` (or the old name `{{#playpen path}}`).
    Playground { path: &'a str },
    /// `{{#title ...}}`.
    Title,
    /// Matched mdBook's link syntax but is no directive mdBook knows; mdBook
    /// leaves it as text.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Directive<'a> {
    /// Byte range of the directive in the scanned text.
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub kind: DirectiveKind<'a>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan<'a> {
    pub directives: Vec<Directive<'a>>,
    /// Byte offsets of `{{#include`-like text that is not part of any valid
    /// (or escaped) directive, e.g. `{{#include}}` with no path: mdBook
    /// would leave it in the page as-is.
    pub malformed: Vec<usize>,
}

/// Find directives the way mdBook's link regex does:
///
/// ```text
/// \\\{\{\#.*\}\}                              (escaped, greedy to the LAST `}}` on the line)
/// | \{\{\s*\#([a-zA-Z0-9_]+)\s+([^}]+)\}\}    (a directive; may span lines)
/// ```
pub fn scan_directives(text: &str) -> Scan<'_> {
    let bytes = text.as_bytes();
    let mut scan = Scan::default();
    let mut pos = 0;
    while pos < bytes.len() {
        let found = match bytes[pos] {
            b'\\' => match_escaped(text, pos).map(|end| (end, DirectiveKind::Escaped)),
            b'{' => match_directive(text, pos),
            _ => None,
        };
        match found {
            Some((end, kind)) => {
                scan.directives.push(Directive {
                    start: pos,
                    end,
                    text: &text[pos..end],
                    kind,
                });
                pos = end;
            }
            None => pos += 1,
        }
    }
    scan.malformed = include_like_positions(text)
        .into_iter()
        .filter(|&at| {
            !scan
                .directives
                .iter()
                .any(|d| d.kind != DirectiveKind::Unknown && d.start <= at && at < d.end)
        })
        .collect();
    scan
}

/// `\{{#` ... last `}}` on the same line.
fn match_escaped(text: &str, pos: usize) -> Option<usize> {
    let body_start = pos + r"\{{#".len();
    if !text[pos..].starts_with(r"\{{#") {
        return None;
    }
    let line_end = text[body_start..]
        .find('\n')
        .map_or(text.len(), |i| body_start + i);
    text[body_start..line_end]
        .rfind("}}")
        .map(|i| body_start + i + 2)
}

/// `{{ #name args }}` starting at `pos`, classified like mdBook does.
fn match_directive(text: &str, pos: usize) -> Option<(usize, DirectiveKind<'_>)> {
    let after_open = text[pos..].strip_prefix("{{")?;
    let after_hash = after_open.trim_start().strip_prefix('#')?;
    let name_len = after_hash
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    if name_len == 0 {
        return None;
    }
    let name = &after_hash[..name_len];
    let after_name = &after_hash[name_len..];
    let close = after_name.find('}')?;
    let body = &after_name[..close];
    // `\s+([^}]+)`: at least one whitespace, then at least one more char.
    if !body.starts_with(char::is_whitespace) || body.chars().count() < 2 {
        return None;
    }
    if !after_name[close..].starts_with("}}") {
        return None;
    }
    let end = text.len() - after_name.len() + close + 2;

    let file_arg = body.split_whitespace().next();
    let kind = match (name, file_arg) {
        ("title", _) => DirectiveKind::Title,
        ("include", Some(arg)) => {
            let (path, selection) = split_path_and_selection(arg);
            DirectiveKind::Include { path, selection }
        }
        ("rustdoc_include", Some(arg)) => {
            let (path, selection) = split_path_and_selection(arg);
            DirectiveKind::RustdocInclude { path, selection }
        }
        ("playground" | "playpen", Some(path)) => DirectiveKind::Playground { path },
        _ => DirectiveKind::Unknown,
    };
    Some((end, kind))
}

fn split_path_and_selection(arg: &str) -> (&str, Selection<'_>) {
    match arg.split_once(':') {
        Some((path, spec)) => (path, parse_selection(spec)),
        None => (arg, Selection::Whole),
    }
}

/// Byte offsets of `{{`, optional whitespace, `#` and a name: any text that
/// looks like an mdBook directive (`{{#include`, `{{#title`, `{{#template`,
/// ...). Returns each offset with the name.
pub fn directive_like_positions(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("{{") {
        let at = from + i;
        from = at + 2;
        let Some(after_hash) = text[at + 2..].trim_start().strip_prefix('#') else {
            continue;
        };
        let len = after_hash
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        if len > 0 {
            found.push((at, &after_hash[..len]));
        }
    }
    found
}

/// Byte offsets of `{{`, optional whitespace, then `#include`,
/// `#rustdoc_include`, `#playground` or `#playpen` as a whole word.
pub fn include_like_positions(text: &str) -> Vec<usize> {
    const NAMES: [&str; 4] = ["include", "rustdoc_include", "playground", "playpen"];
    directive_like_positions(text)
        .into_iter()
        .filter(|(_, name)| NAMES.contains(name))
        .map(|(at, _)| at)
        .collect()
}
