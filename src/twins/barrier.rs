//! Broken twins of the Barrier chapter.
