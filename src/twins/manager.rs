//! Broken twins of the Manager chapter.
