//! One thing wrong with the book, and how it is shown: `file:line: message`,
//! with paths relative to where the user is, so they can be clicked.

use std::path::{Component, Path, PathBuf};

/// One thing wrong with the book sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file containing the mistake (a SUMMARY.md, a chapter, or a file
    /// that a chapter includes).
    pub file: PathBuf,
    /// 1-based line in `file`, when the problem has one.
    pub line: Option<usize>,
    pub message: String,
}

impl Problem {
    /// `path:line: message`, with paths shown relative to `base` when under it.
    pub fn render(&self, base: &Path) -> String {
        let file = display_path(&self.file, base);
        match self.line {
            Some(line) => format!("{file}:{line}: {}", self.message),
            None => format!("{file}: {}", self.message),
        }
    }
}

/// Resolve `.` and `..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `base` if it is under it, else the normalized path.
pub fn display_path(path: &Path, base: &Path) -> String {
    let path = normalize(path);
    match path.strip_prefix(base) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => path.display().to_string(),
    }
}
