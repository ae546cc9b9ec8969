//! `imap` and `imap_unordered`: iterators over the results of a function
//! on every item of an input, which may be endless. The input is read on
//! the caller's thread, a chunk at a time, only as results are taken (see
//! `chunks.rs`): at most [`Pool::CHUNKS_IN_FLIGHT_PER_WORKER`] chunks per
//! worker are read ahead of what the iterator has handed out.
//!
//! ```text
//! An imap iterator:  feeding ──input runs out──▶ draining ──last chunk taken──▶ done (None)
//!
//! feeding    each `next` that has handed out the current chunk reads new
//!            chunks up to the limit, then waits for the next results.
//! draining   the chunks in flight are taken back, and nothing more read.
//! ```

use std::fmt;
use std::sync::Arc;

use super::chunks::{Chunks, Order};
use super::{Pool, TaskError, run};
use crate::buffers::Buffers;

impl Pool {
    /// `pool.imap(f, xs)`: as [`map`](Self::map), but an iterator over the
    /// results, in input order, each as soon as it and those before it are
    /// ready. A failed task is an `Err` in its place; the others still come.
    /// One item per hand-off, as Python's default `chunksize=1`.
    ///
    /// Returns at once. The input is read on this thread as results are
    /// taken, a few chunks ahead
    /// ([`CHUNKS_IN_FLIGHT_PER_WORKER`](Self::CHUNKS_IN_FLIGHT_PER_WORKER)
    /// per worker), never all at once: it may be endless. After `close` or
    /// `terminate`, items not yet handed to the pool come back as
    /// `Err(TaskError::Closed)`, one per item.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let mut doubled = pool.imap(|x: u8| 2 * x, [1, 2, 3]);
    /// assert_eq!(doubled.next(), Some(Ok(2)));
    /// assert_eq!(doubled.collect::<Result<Vec<_>, _>>(), Ok(vec![4, 6]));
    ///
    /// let squares = pool.imap(|x: u64| x * x, 1..); // endless
    /// let first: Vec<u64> = squares.take(4).map(Result::unwrap).collect();
    /// assert_eq!(first, [1, 4, 9, 16]);
    /// ```
    pub fn imap<X, R, F, I>(&self, f: F, xs: I) -> IMapIterator<R, I::IntoIter>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
        I: IntoIterator<Item = X>,
    {
        self.imap_with_chunksize(f, xs, 1)
    }

    /// `pool.imap(f, xs, chunksize)`: as [`imap`](Self::imap), with
    /// `chunksize` items per hand-off (at least 1); the results of a chunk
    /// come when the whole chunk is done.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let total: u64 = pool.imap_with_chunksize(|x: u64| x, 1..=100, 10).map(Result::unwrap).sum();
    /// assert_eq!(total, 5050);
    /// ```
    pub fn imap_with_chunksize<X, R, F, I>(
        &self,
        f: F,
        xs: I,
        chunksize: usize,
    ) -> IMapIterator<R, I::IntoIter>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
        I: IntoIterator<Item = X>,
    {
        IMapIterator {
            items: Items::start(self, f, xs.into_iter(), chunksize, Order::Input),
        }
    }

    /// `pool.imap_unordered(f, xs)`: as [`imap`](Self::imap), but yields
    /// the results in the order the tasks finish.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let mut got: Vec<u32> = pool
    ///     .imap_unordered(|x: u32| x + 1, 0..5)
    ///     .map(Result::unwrap)
    ///     .collect();
    /// got.sort();
    /// assert_eq!(got, [1, 2, 3, 4, 5]);
    /// ```
    pub fn imap_unordered<X, R, F, I>(&self, f: F, xs: I) -> IMapUnorderedIterator<R, I::IntoIter>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
        I: IntoIterator<Item = X>,
    {
        self.imap_unordered_with_chunksize(f, xs, 1)
    }

    /// `pool.imap_unordered(f, xs, chunksize)`: as
    /// [`imap_unordered`](Self::imap_unordered), `chunksize` items per
    /// hand-off (at least 1); a chunk's results come together, in order.
    ///
    /// ```
    /// let pool = syncbook::Pool::new(2);
    /// let evens = pool.imap_unordered_with_chunksize(|x: u64| x % 2 == 0, 0.., 100);
    /// assert_eq!(evens.take(1000).filter(|r| *r == Ok(true)).count(), 500);
    /// ```
    pub fn imap_unordered_with_chunksize<X, R, F, I>(
        &self,
        f: F,
        xs: I,
        chunksize: usize,
    ) -> IMapUnorderedIterator<R, I::IntoIter>
    where
        F: Fn(X) -> R + Send + Sync + 'static,
        X: Send + 'static,
        R: Send + 'static,
        I: IntoIterator<Item = X>,
    {
        IMapUnorderedIterator {
            items: Items::start(self, f, xs.into_iter(), chunksize, Order::Finish),
        }
    }
}

/// The iterator [`Pool::imap`] returns: each task's result in input order,
/// waiting for it if need be. `I` is the input's iterator, read as the
/// results are taken; the iterator knows its length when the input does.
pub struct IMapIterator<R: Send + 'static, I: Iterator> {
    items: Items<R, I>,
}

/// The iterator [`Pool::imap_unordered`] returns: the tasks' results in the
/// order they finish, waiting for the next if need be. `I` is the input's
/// iterator, read as the results are taken.
pub struct IMapUnorderedIterator<R: Send + 'static, I: Iterator> {
    items: Items<R, I>,
}

/// What both iterators do: take a chunk's results, hand them out one by
/// one, then take the next chunk's.
struct Items<R: Send + 'static, I: Iterator> {
    chunks: Chunks<Vec<Result<R, TaskError>>, I>,
    /// The chunk being handed out.
    current: std::vec::IntoIter<Result<R, TaskError>>,
    handed_out: usize,
}

impl<R: Send + 'static, I: Iterator<Item: Send + 'static>> Items<R, I> {
    fn start<F>(pool: &Pool, f: F, input: I, chunksize: usize, order: Order) -> Self
    where
        F: Fn(I::Item) -> R + Send + Sync + 'static,
    {
        // One result per item: each item runs under its own `catch_unwind`.
        let each =
            move |xs: Vec<I::Item>, _: &Buffers| xs.into_iter().map(|x| run(|| f(x))).collect();
        Items {
            chunks: Chunks::start(pool, input, chunksize, order, Arc::new(each)),
            current: Vec::new().into_iter(),
            handed_out: 0,
        }
    }

    fn next(&mut self) -> Option<Result<R, TaskError>> {
        loop {
            if let Some(result) = self.current.next() {
                self.handed_out += 1;
                return Some(result);
            }
            self.current = self.chunks.next_chunk()?.into_iter();
        }
    }

    /// The items read and not yet handed out, and what is left of the input.
    fn size_hint(&self) -> (usize, Option<usize>) {
        let held = self.chunks.items_read() - self.handed_out;
        let (low, high) = self.chunks.input_size_hint();
        (
            held.saturating_add(low),
            high.and_then(|h| h.checked_add(held)),
        )
    }

    fn describe(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("read", &self.chunks.items_read())
            .field("handed_out", &self.handed_out)
            .finish_non_exhaustive()
    }
}

impl<R: Send + 'static, I: Iterator<Item: Send + 'static>> Iterator for IMapIterator<R, I> {
    type Item = Result<R, TaskError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.items.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }
}

/// Exact when the input's length is.
impl<R: Send + 'static, I: ExactSizeIterator<Item: Send + 'static>> ExactSizeIterator
    for IMapIterator<R, I>
{
}

impl<R: Send + 'static, I: Iterator<Item: Send + 'static>> fmt::Debug for IMapIterator<R, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.items.describe("IMapIterator", f)
    }
}

impl<R: Send + 'static, I: Iterator<Item: Send + 'static>> Iterator
    for IMapUnorderedIterator<R, I>
{
    type Item = Result<R, TaskError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.items.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }
}

/// Exact when the input's length is.
impl<R: Send + 'static, I: ExactSizeIterator<Item: Send + 'static>> ExactSizeIterator
    for IMapUnorderedIterator<R, I>
{
}

impl<R: Send + 'static, I: Iterator<Item: Send + 'static>> fmt::Debug
    for IMapUnorderedIterator<R, I>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.items.describe("IMapUnorderedIterator", f)
    }
}
