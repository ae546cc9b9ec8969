//! Typed measured figures in a chapter's prose (a source check, on the
//! chapter's own Markdown): a number followed by a time unit (`µs`, `us`,
//! `ns`, `ms`, `s`), by `×`, by an `x` used as a ratio (`1.5x`, or
//! `4.2 times`), by `executions`, or by `%`. Figures come from the included tables and
//! snapshots, so that prose cannot drift from them.
//!
//! Not looked at: fenced code blocks, HTML comments, inline code, link
//! destinations and `{{#...}}` lines. Allowed: an aim the crate sets itself,
//! written after `≤`, `<`, `within`, `under` or `at most` (`≤ 1.5×`), and any
//! line that carries `<!-- figure: <reason> -->` (a rare justified case).

use super::problem::Problem;
use std::path::Path;

/// 1-based line and the figure as written, for each typed figure.
pub fn typed_figures(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut in_comment = false;
    for (index, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start();
        if let Some((mark, len)) = fence {
            let run = trimmed.chars().take_while(|&c| c == mark).count();
            if run >= len && trimmed[run * mark.len_utf8()..].trim().is_empty() {
                fence = None;
            }
            continue;
        }
        if let Some(mark) = trimmed.chars().next().filter(|c| *c == '`' || *c == '~') {
            let run = trimmed.chars().take_while(|&c| c == mark).count();
            if run >= 3 {
                fence = Some((mark, run));
                continue;
            }
        }
        if raw.contains("{{#") || justified(raw) {
            in_comment = update_comment_state(raw, in_comment);
            continue;
        }
        let (prose, still_in_comment) = prose_of(raw, in_comment);
        in_comment = still_in_comment;
        for figure in figures_in(&prose) {
            found.push((index + 1, figure));
        }
    }
    found
}

/// The line carries `<!-- figure: <reason> -->` with a reason.
fn justified(line: &str) -> bool {
    line.find("<!-- figure:").is_some_and(|at| {
        let rest = &line[at + "<!-- figure:".len()..];
        rest.find("-->")
            .is_some_and(|end| !rest[..end].trim().is_empty())
    })
}

/// Whether an HTML comment is still open at the end of `line`.
fn update_comment_state(line: &str, in_comment: bool) -> bool {
    prose_of(line, in_comment).1
}

/// The line with HTML comments, inline code and link destinations blanked,
/// and whether a comment is still open at its end.
fn prose_of(line: &str, mut in_comment: bool) -> (String, bool) {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        if in_comment {
            match rest.find("-->") {
                Some(end) => {
                    rest = &rest[end + 3..];
                    in_comment = false;
                    out.push(' ');
                }
                None => return (out, true),
            }
        }
        // The next comment, code span or link destination, whichever first.
        let comment = rest.find("<!--");
        let code = rest.find('`');
        let link = rest.find("](");
        let next = [comment, code, link].into_iter().flatten().min();
        let Some(at) = next else {
            out.push_str(rest);
            return (out, false);
        };
        out.push_str(&rest[..at]);
        out.push(' ');
        if Some(at) == comment {
            rest = &rest[at + 4..];
            in_comment = true;
        } else if Some(at) == code {
            let ticks = rest[at..].chars().take_while(|&c| c == '`').count();
            let after = &rest[at + ticks..];
            let closer = "`".repeat(ticks);
            rest = match after.find(&closer) {
                Some(end) => &after[end + ticks..],
                None => after, // an unclosed span: just a backtick
            };
        } else {
            let after = &rest[at + 2..];
            rest = match after.find(')') {
                Some(end) => &after[end + 1..],
                None => after,
            };
        }
    }
}

/// The typed figures in a line of prose.
fn figures_in(prose: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut pos = 0;
    while pos < prose.len() {
        let rest = &prose[pos..];
        let Some(c) = rest.chars().next() else { break };
        let before = prose[..pos].chars().next_back();
        let starts_number = c.is_ascii_digit()
            && !before.is_some_and(|b| b.is_alphanumeric() || b == '_' || b == '.' || b == ',');
        if !starts_number {
            pos += c.len_utf8();
            continue;
        }
        let len = number_len(rest);
        let end = pos + len;
        let decimal = prose[pos..end].contains('.');
        match unit_len(&prose[end..], decimal) {
            Some(unit) if !is_aim(&prose[..pos]) => {
                found.push(prose[pos..end + unit].trim().to_string());
                pos = end + unit;
            }
            _ => pos = end,
        }
    }
    found
}

/// `12`, `1,234`, `0.92`: digits, `,` thousands, one decimal part.
fn number_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut len = digits(0);
    while bytes.get(len) == Some(&b',') && digits(len + 1) == 3 {
        len += 4;
    }
    if bytes.get(len) == Some(&b'.') && digits(len + 1) > 0 {
        len += 1 + digits(len + 1);
    }
    len
}

/// Length of a unit that makes the number a measured figure (with at most
/// one space before it), or `None`. A `decimal` number followed by `times`
/// is a ratio ("4.2 times"); a whole one may be a count ("3 times").
fn unit_len(text: &str, decimal: bool) -> Option<usize> {
    let space = text
        .chars()
        .next()
        .filter(|c| matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}'))
        .map_or(0, char::len_utf8);
    let after = &text[space..];
    let word_ends = |len: usize| {
        !after[len..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    };
    if after.starts_with('×') || after.starts_with('%') {
        return Some(space + after.chars().next().map_or(0, char::len_utf8));
    }
    if space == 0 && after.starts_with('x') && word_ends(1) {
        return Some(1);
    }
    if decimal && after.starts_with("times") && word_ends(5) {
        return Some(space + 5);
    }
    for unit in ["executions", "execution", "µs", "μs", "us", "ns", "ms", "s"] {
        if after.starts_with(unit) && word_ends(unit.len()) {
            return Some(space + unit.len());
        }
    }
    None
}

/// The text before a number ends with a word that makes it an aim.
fn is_aim(before: &str) -> bool {
    let before = before.trim_end().to_lowercase();
    ["≤", "<", "&lt;", "&le;"]
        .iter()
        .any(|mark| before.ends_with(mark))
        || ["within", "under", "at most"].iter().any(|word| {
            before.ends_with(word)
                && !before[..before.len() - word.len()]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
        })
}

/// The typed figures of chapter `file` (its text `text`), as problems.
pub fn problems(file: &Path, text: &str) -> Vec<Problem> {
    typed_figures(text)
        .into_iter()
        .map(|(line, figure)| Problem {
            file: file.to_path_buf(),
            line: Some(line),
            message: format!(
                "prose types a measured figure (`{figure}`); include it from the table or the \
                 snapshot instead (an aim the crate sets itself is written `≤ 1.5×` or \
                 `within 1.5×`; a justified exception carries `<!-- figure: <reason> -->` \
                 on its line)"
            ),
        })
        .collect()
}
