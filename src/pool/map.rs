//! `map`, `map_with_chunksize` and `map_async`: `imap` collected. The
//! input is cut into chunks, as many as Python cuts (about four per
//! worker), each chunk's job runs every item and delivers the values or the
//! first failure, and the chunks' values are appended to one `Vec` in
//! input order.
//!
//! Two speed tricks live here, apart from the listing the chapter
//! explains: [`Values`] appends each chunk's values as soon as it is the
//! next in order (most of the copying is done while the last chunks still
//! run), and the chunks' emptied `Vec`s go back to the pool's spare
//! buffers (`buffers.rs`) for the next call.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use super::chunks::{Chunks, Gather, Order, Run};
use super::result::{AsyncResult, Promise, promise};
use super::{Pool, TaskError};
use crate::buffers::Buffers;
use crate::error::panic_message;

impl Pool {
    /// `pool.map(f, xs)`: runs `f` on every item, spread over the workers,
    /// and returns the results in input order. If tasks panic, waits for
    /// all the others to finish and returns the first failure by input
    /// position. The pool keeps all its workers either way.
    ///
    /// As Python's, it cuts the items into chunks, about four per worker,
    /// and hands each worker a chunk at a time: one hand-off per chunk, not
    /// per item. [`map_with_chunksize`](Self::map_with_chunksize) chooses
    /// the size.
    ///
    /// ```
    /// use syncbook::{Pool, TaskError};
    ///
    /// let pool = Pool::new(2);
    /// let lengths = pool.map(|w: &str| w.len(), ["a", "bb", "ccc"]);
    /// assert_eq!(lengths, Ok(vec![1, 2, 3]));
    /// let halves = pool.map(|x: u32| if x % 2 == 1 { panic!("{x} is odd") } else { x / 2 }, 0..6);
    /// assert_eq!(halves, Err(TaskError::Panicked("1 is odd".to_string())));
    /// ```
    pub fn map<X, R, F>(&self, f: F, xs: impl IntoIterator<Item = X>) -> Result<Vec<R>, TaskError>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
    {
        // Python's chunksize needs the length: an exact size_hint (a range,
        // a Vec) tells it without a copy; else the items are collected
        // first, as Python's `map` does with `list(iterable)`.
        let xs = xs.into_iter();
        match xs.size_hint() {
            (len, Some(exact)) if len == exact => {
                self.map_with_chunksize(f, xs, python_chunksize(len, self.workers))
            }
            _ => {
                let xs: Vec<X> = xs.collect();
                let chunksize = python_chunksize(xs.len(), self.workers);
                self.map_with_chunksize(f, xs, chunksize)
            }
        }
    }

    // ANCHOR: map
    /// `pool.map(f, xs, chunksize)`: as [`map`](Self::map), with
    /// `chunksize` items per hand-off (at least 1). Every item runs even if
    /// another in its chunk panics.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let squares = pool.map_with_chunksize(|x: u64| x * x, 0..1000, 100).unwrap();
    /// assert_eq!(squares[999], 998_001);
    /// ```
    pub fn map_with_chunksize<X, R, F>(
        &self,
        f: F,
        xs: impl IntoIterator<Item = X>,
        chunksize: usize,
    ) -> Result<Vec<R>, TaskError>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
    {
        let xs = xs.into_iter();
        let items = xs.size_hint().0;
        // The same chunks as `imap`'s, in input order; each chunk's job
        // delivers its values or its first failure.
        let mut chunks = Chunks::start(self, xs, chunksize, Order::Input, collecting(f));
        let mut values = Values::new(items, chunks.buffers());
        // Every chunk is taken, so every task has finished before the
        // first failure by position is returned.
        while let Some(chunk) = chunks.next_chunk() {
            values.absorb(chunk);
        }
        if chunks.chunks_read() == 0 && !chunks.pool_is_running() {
            return Err(TaskError::Closed); // as Python's, even with no items
        }
        values.into_result()
    }
    // ANCHOR_END: map

    /// `pool.map_async(f, xs)`: as [`map`](Self::map), but returns at once;
    /// the [`AsyncResult`] is ready when every task has finished.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let pending = pool.map_async(|x: i64| -x, vec![1, 2, 3]);
    /// assert_eq!(pending.get(), Ok(vec![-1, -2, -3]));
    /// ```
    pub fn map_async<X, R, F>(&self, f: F, xs: impl IntoIterator<Item = X>) -> AsyncResult<Vec<R>>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
    {
        let xs: Vec<X> = xs.into_iter().collect();
        let (items, chunksize) = (xs.len(), python_chunksize(xs.len(), self.workers));
        let (promise, result) = promise();
        // Python's chunksize makes at most `CHUNKS_IN_FLIGHT_PER_WORKER`
        // chunks per worker: `start` reads and queues them all. No caller
        // is left to take their results: the workers gather them.
        let chunks = Chunks::start(self, xs.into_iter(), chunksize, Order::Input, collecting(f));
        if chunks.chunks_read() == 0 && !chunks.pool_is_running() {
            promise.fulfil(Err(TaskError::Closed));
            return result;
        }
        let values = Values::new(items, chunks.buffers());
        chunks.gather_on_delivery(Box::new(Fulfil { values, promise }));
        result
    }
}

// ANCHOR: chunks
/// Python's `map` chunksize: the items in about four chunks per worker.
pub(super) fn python_chunksize(items: usize, workers: usize) -> usize {
    items.div_ceil(workers * 4).max(1)
}

/// `map`'s job for one chunk: runs `f` on every item, even after one
/// panics; the values, or the first failure.
fn run_collecting<X: Send + 'static, R: Send + 'static>(
    f: impl Fn(X) -> R,
    mut xs: Vec<X>,
    buffers: &Buffers,
) -> Result<Vec<R>, TaskError> {
    let mut values = buffers.take(xs.len());
    let mut failure = None;
    let mut items = xs.drain(..);
    // One `catch_unwind` around the whole loop, not one per item: on a
    // panic the loop starts again with the items after the one that
    // panicked, so each item runs exactly once.
    while let Err(payload) =
        catch_unwind(AssertUnwindSafe(|| values.extend(items.by_ref().map(&f))))
    {
        failure.get_or_insert_with(|| TaskError::Panicked(panic_message(&*payload)));
    }
    drop(items);
    buffers.give(xs);
    match failure {
        None => Ok(values),
        Some(error) => Err(error),
    }
}
// ANCHOR_END: chunks

/// `run_collecting` over `f`, as the chunks' job.
fn collecting<X, R, F>(f: F) -> Run<X, Result<Vec<R>, TaskError>>
where
    F: Fn(X) -> R + Send + Sync + 'static,
    X: Send + 'static,
    R: Send + 'static,
{
    Arc::new(move |xs, buffers| run_collecting(&f, xs, buffers))
}

/// `map`'s gatherer: the values so far, in input order, or the first
/// failure. Each chunk's values are appended as soon as that chunk is the
/// next in order, and its emptied `Vec` goes back to the spare buffers.
struct Values<R> {
    values: Vec<R>,
    failure: Option<TaskError>,
    buffers: Arc<Buffers>,
}

impl<R: Send + 'static> Values<R> {
    fn new(items: usize, buffers: &Arc<Buffers>) -> Self {
        Values {
            values: Vec::with_capacity(items),
            failure: None,
            buffers: Arc::clone(buffers),
        }
    }

    /// The next chunk's values (or failure), in input order.
    fn absorb(&mut self, chunk: Result<Vec<R>, TaskError>) {
        match chunk {
            Ok(mut values) if self.failure.is_none() => {
                self.values.append(&mut values);
                self.buffers.give(values);
            }
            Ok(values) => self.buffers.give(values),
            Err(error) => {
                if self.failure.is_none() {
                    self.failure = Some(error);
                    self.values = Vec::new();
                }
            }
        }
    }

    fn into_result(self) -> Result<Vec<R>, TaskError> {
        match self.failure {
            None => Ok(self.values),
            Some(error) => Err(error),
        }
    }
}

/// `map_async`'s gatherer, run on the workers: the values, and the promise
/// to fulfil with them once every chunk is in.
struct Fulfil<R: Send> {
    values: Values<R>,
    promise: Promise<Vec<R>>,
}

impl<R: Send + 'static> Gather<Result<Vec<R>, TaskError>> for Fulfil<R> {
    fn absorb(&mut self, chunk: Result<Vec<R>, TaskError>) {
        self.values.absorb(chunk);
    }

    fn finish(self: Box<Self>) {
        let Fulfil { values, promise } = *self;
        promise.fulfil(values.into_result());
    }
}
