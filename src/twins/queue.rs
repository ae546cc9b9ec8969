//! Broken twins of the Queue chapter.
