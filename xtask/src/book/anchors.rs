//! Which lines of a file an include takes: the `path:SPEC` part of a
//! directive (a line range or an anchor name), and the lines it selects.
//!
//! mdBook silently renders nothing for an anchor that is not in the file or a
//! range past its end; here those, and an anchor that is never closed, are
//! errors that say which.

/// Which lines of a file an include takes, as mdBook parses `path:SPEC`.
/// Line numbers here are 0-based and `end` is exclusive, like mdBook's ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection<'a> {
    Whole,
    Lines { start: usize, end: Option<usize> },
    Anchor(&'a str),
}

/// mdBook's `parse_range_or_anchor`: `N`, `N:M`, `N:`, `:M`, or an anchor.
pub fn parse_selection(spec: &str) -> Selection<'_> {
    let mut parts = spec.splitn(3, ':');
    let first = parts.next().unwrap_or("");
    let start = if let Ok(n) = first.parse::<usize>() {
        Some(n.saturating_sub(1)) // humans count lines from 1
    } else if first.is_empty() {
        None
    } else {
        return Selection::Anchor(first);
    };
    let end = parts.next().map(str::parse::<usize>);
    match (start, end) {
        (Some(start), Some(Ok(end))) => Selection::Lines {
            start,
            end: Some(end),
        },
        (Some(start), Some(Err(_))) => Selection::Lines { start, end: None },
        (Some(start), None) => Selection::Lines {
            start,
            end: Some(start + 1),
        },
        (None, Some(Ok(end))) => Selection::Lines {
            start: 0,
            end: Some(end),
        },
        (None, None | Some(Err(_))) => Selection::Whole,
    }
}

/// The name after `marker` (`ANCHOR:` or `ANCHOR_END:`) on this line, as
/// mdBook's `ANCHOR:\s*([\w_-]+)` regex finds it (first match on the line).
fn anchor_on_line<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = line[from..].find(marker) {
        let after = line[from + i + marker.len()..].trim_start();
        let len: usize = after
            .chars()
            .take_while(|&c| c.is_alphanumeric() || c == '_' || c == '-')
            .map(char::len_utf8)
            .sum();
        if len > 0 {
            return Some(&after[..len]);
        }
        from += i + marker.len();
    }
    None
}

/// Why an anchor cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorError {
    /// No `ANCHOR: name` line.
    NoStart,
    /// `ANCHOR: name` on this 1-based line but no `ANCHOR_END: name` after it.
    NoEnd { start_line: usize },
}

/// The 0-based indices of the lines mdBook's `take_anchored_lines` keeps for
/// `anchor` (marker lines of nested anchors are dropped), or why it can't.
pub fn anchored_lines(content: &str, anchor: &str) -> Result<Vec<usize>, AnchorError> {
    let mut start_line = None;
    let mut kept = Vec::new();
    for (index, line) in content.lines().enumerate() {
        if start_line.is_some() {
            match anchor_on_line(line, "ANCHOR_END:") {
                Some(name) if name == anchor => return Ok(kept),
                Some(_) => {}
                None if anchor_on_line(line, "ANCHOR:").is_none() => kept.push(index),
                None => {}
            }
        } else if anchor_on_line(line, "ANCHOR:") == Some(anchor) {
            start_line = Some(index + 1);
        }
    }
    Err(match start_line {
        None => AnchorError::NoStart,
        Some(start_line) => AnchorError::NoEnd { start_line },
    })
}

/// The 0-based indices of the lines a selection takes from `content`, or a
/// reason it takes nothing useful (missing anchor, range past the end).
pub fn select_lines(content: &str, selection: Selection<'_>) -> Result<Vec<usize>, String> {
    let count = content.lines().count();
    match selection {
        Selection::Whole => Ok((0..count).collect()),
        Selection::Lines { start, end } => {
            let end = end.unwrap_or(count).min(count);
            if start >= end {
                Err(format!(
                    "that line range selects no lines (the file has {count} lines)"
                ))
            } else {
                Ok((start..end).collect())
            }
        }
        Selection::Anchor(name) => anchored_lines(content, name).map_err(|err| match err {
            AnchorError::NoStart => {
                format!("anchor `{name}` not found: no line contains `ANCHOR: {name}`")
            }
            AnchorError::NoEnd { start_line } => format!(
                "anchor `{name}` is never closed: `ANCHOR: {name}` is on line {start_line} \
                 but no `ANCHOR_END: {name}` follows it"
            ),
        }),
    }
}
