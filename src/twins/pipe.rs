//! Broken twins of the Pipe chapter.
