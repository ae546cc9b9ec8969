//! `map_progress`: `map` with a progress bar (see [`crate::progress`]).

use super::map::python_chunksize;
use super::{Pool, TaskError};

impl Pool {
    // ANCHOR: map_progress
    /// `list(tqdm(pool.imap(f, xs, chunksize), total=len(xs)))`: as
    /// [`map`](Self::map), while a progress bar on standard error counts
    /// the finished items and shows the rate and the time left (see
    /// [`progress`](crate::progress); nothing is drawn when standard error
    /// is not a terminal). The chunks are smaller than `map`'s, at most a
    /// hundredth of the items, so that the bar moves.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let lengths = pool.map_progress(|w: String| w.len(), ["a", "bb"].map(String::from), "words");
    /// assert_eq!(lengths, Ok(vec![1, 2]));
    /// ```
    pub fn map_progress<X, R, F>(
        &self,
        f: F,
        xs: impl IntoIterator<Item = X>,
        label: &str,
    ) -> Result<Vec<R>, TaskError>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
    {
        use crate::progress::ProgressExt;

        // Collected first, as `map` does: the length sets the chunk size
        // and the bar's end (an `imap` of a `Vec` knows its length).
        let xs: Vec<X> = xs.into_iter().collect();
        let chunksize = python_chunksize(xs.len(), self.workers).min(xs.len().div_ceil(100));
        // Every result is taken first, so every task has finished before
        // the first failure by position is returned.
        let results: Vec<Result<R, TaskError>> = self
            .imap_with_chunksize(f, xs, chunksize)
            .progress(label)
            .collect();
        results.into_iter().collect()
    }
    // ANCHOR_END: map_progress
}
