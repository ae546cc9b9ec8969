//! The student's progress: which exercises pass, how many hints each has
//! shown. Kept in `exercises/.progress` (gitignored), one fact a line:
//!
//! ```text
//! done value_transfer
//! hints lock_spin_lock 2
//! ```
//!
//! Unknown or malformed lines are ignored, so an old or hand-edited file
//! never stops the runner.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What the progress file records.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Exercises whose last check passed (or that passed once).
    pub done: BTreeSet<String>,
    /// How many hints each exercise has shown.
    pub hints: BTreeMap<String, usize>,
}

impl Progress {
    /// Parses the file's text.
    pub fn parse(text: &str) -> Progress {
        let mut progress = Progress::default();
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["done", name] => {
                    progress.done.insert(name.to_string());
                }
                ["hints", name, n] => {
                    if let Ok(n) = n.parse() {
                        progress.hints.insert(name.to_string(), n);
                    }
                }
                _ => {}
            }
        }
        progress
    }

    /// The file's text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for name in &self.done {
            out.push_str(&format!("done {name}\n"));
        }
        for (name, n) in &self.hints {
            out.push_str(&format!("hints {name} {n}\n"));
        }
        out
    }

    /// Reads `path`; a missing file is no progress yet.
    pub fn load(path: &Path) -> Progress {
        std::fs::read_to_string(path)
            .map(|text| Progress::parse(&text))
            .unwrap_or_default()
    }

    /// Writes `path`.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        std::fs::write(path, self.render()).map_err(|err| format!("{}: {err}", path.display()))
    }

    /// Whether `name` passes.
    pub fn is_done(&self, name: &str) -> bool {
        self.done.contains(name)
    }

    /// Shows one more hint of `total` for `name`: returns how many are shown
    /// now (at most `total`).
    pub fn next_hint(&mut self, name: &str, total: usize) -> usize {
        let shown = self.hints.entry(name.to_string()).or_insert(0);
        *shown = (*shown + 1).min(total);
        *shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_ignores_junk() {
        let mut progress = Progress::default();
        progress.done.insert("value_transfer".into());
        progress.hints.insert("lock_spin_lock".into(), 2);
        let text = progress.render();
        assert_eq!(text, "done value_transfer\nhints lock_spin_lock 2\n");
        assert_eq!(Progress::parse(&text), progress);
        let junk = format!("{text}\nhints x lots\nwhatever\ndone\n");
        assert_eq!(Progress::parse(&junk), progress);
    }

    #[test]
    fn hints_advance_one_at_a_time_and_stop_at_the_last() {
        let mut progress = Progress::default();
        assert_eq!(progress.next_hint("a", 3), 1);
        assert_eq!(progress.next_hint("a", 3), 2);
        assert_eq!(progress.next_hint("a", 3), 3);
        assert_eq!(progress.next_hint("a", 3), 3);
        assert_eq!(progress.next_hint("b", 3), 1);
    }

    #[test]
    fn a_missing_file_is_no_progress() {
        let progress = Progress::load(Path::new("/nonexistent/.progress"));
        assert_eq!(progress, Progress::default());
        assert!(!progress.is_done("anything"));
    }
}
