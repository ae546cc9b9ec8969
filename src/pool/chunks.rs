//! The engine behind `imap`, `imap_unordered` and `map`: one call's input,
//! read a chunk at a time on the caller's thread, each chunk one job, with
//! a bounded number of chunks in flight.
//!
//! ```text
//! A chunk's life:
//!
//!   read ──queued──▶ queued ──a worker──▶ running ──▶ delivered ──taken──▶ gone
//!     │                 │                                 ▲
//!     │                 └──terminate: dropped─────────────┤ TaskError::Terminated
//!     └──the pool is not running────────────────────────┘ TaskError::Closed
//!
//! in flight   read, and not yet taken back by the consumer (queued,
//!             running, or delivered and waiting in the batch).
//! ```
//!
//! [`Chunks`] reads a new chunk from the input only while fewer than
//! `limit` are in flight: when it starts, and each time the consumer asks
//! for the next chunk's results. So however long the input, even endless,
//! at most `limit` chunks of it (their items, then their results) are held
//! at once, and an input that is never read to its end is never read far.
//! The results come back through a [`Batch`], a channel of the crate's
//! core (`src/channel/`): in input order (`imap`, `map`) or in the order
//! the chunks finish (`imap_unordered`).

use std::collections::VecDeque;
use std::sync::Arc;

use super::{Pool, Shared, TaskError};
use crate::buffers::Buffers;
use crate::channel::{Back, Channel, Names};

impl Pool {
    /// How many chunks of its input an `imap`, `imap_unordered` or `map`
    /// call has in flight at most, per worker: read and queued, running,
    /// or finished but not yet taken back.
    ///
    /// Enough for every worker to find its next chunk queued when it
    /// finishes one, although new chunks are read only as results are
    /// taken; and some slack for `imap`, whose results are taken in input
    /// order, so that one slow chunk holds back the taking of those behind
    /// it. It is also Python's cut for `map`, about four chunks per worker:
    /// `map` has all its chunks queued from the start.
    ///
    /// ```
    /// use syncbook::Pool;
    ///
    /// let pool = Pool::new(2);
    /// let mut read = 0;
    /// let input = (0u64..).inspect(|_| read += 1); // endless
    /// let first: Vec<u64> = pool.imap(|x| x * x, input).take(3).map(Result::unwrap).collect();
    /// assert_eq!(first, [0, 1, 4]);
    /// assert!(read <= 3 + Pool::CHUNKS_IN_FLIGHT_PER_WORKER * 2);
    /// ```
    pub const CHUNKS_IN_FLIGHT_PER_WORKER: usize = 4;
}

/// What a job makes of one chunk: `Vec<Result<R, TaskError>>` for `imap`
/// (one result per item), `Result<Vec<R>, TaskError>` for `map` (the
/// values, or the first failure).
pub(super) trait Chunk: Send + Sized + 'static {
    /// The chunk of `len` items that never ran, because of `error`.
    fn failed(error: TaskError, len: usize) -> Self;
}

impl<R: Send + 'static> Chunk for Vec<Result<R, TaskError>> {
    fn failed(error: TaskError, len: usize) -> Self {
        (0..len).map(|_| Err(error.clone())).collect()
    }
}

impl<R: Send + 'static> Chunk for Result<Vec<R>, TaskError> {
    fn failed(error: TaskError, _len: usize) -> Self {
        Err(error)
    }
}

/// In which order the consumer takes the chunks' results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Order {
    /// By input position (`map`, `imap`).
    Input,
    /// As the chunks finish (`imap_unordered`).
    Finish,
}

/// How a chunk of items becomes a chunk of results, on a worker.
pub(super) type Run<X, C> = Arc<dyn Fn(Vec<X>, &Buffers) -> C + Send + Sync>;

// ANCHOR: feed
/// One call's chunks: read from the input and queued on the caller's
/// thread, at most `limit` in flight, and taken back in `order`.
pub(super) struct Chunks<C, I: Iterator> {
    pool: Arc<Shared>,
    batch: Arc<Batch<C>>,
    /// The input, until it runs out.
    input: Option<I>,
    chunksize: usize,
    run: Run<I::Item, C>,
    limit: usize,
    /// Chunks read (and queued, or refused), and chunks taken back.
    read: usize,
    taken: usize,
    /// Items read from the input so far.
    items_read: usize,
}

impl<C: Chunk, I: Iterator<Item: Send + 'static>> Chunks<C, I> {
    /// Starts a call: reads and queues its first `limit` chunks at once, so
    /// the workers start while the caller goes on.
    pub(super) fn start(
        pool: &Pool,
        input: I,
        chunksize: usize,
        order: Order,
        run: Run<I::Item, C>,
    ) -> Self {
        let mut chunks = Chunks {
            pool: Arc::clone(&pool.shared),
            batch: Arc::new(Batch::new(order)),
            input: Some(input),
            chunksize: chunksize.max(1),
            run,
            limit: Pool::CHUNKS_IN_FLIGHT_PER_WORKER * pool.workers,
            read: 0,
            taken: 0,
            items_read: 0,
        };
        chunks.top_up();
        chunks
    }

    /// The next chunk's results, waiting for them if need be (first
    /// reading new chunks, up to the limit); `None` once the input has run
    /// out and every chunk read has been taken.
    pub(super) fn next_chunk(&mut self) -> Option<C> {
        self.top_up();
        if self.taken == self.read {
            return None;
        }
        let results = self.batch.take();
        self.taken += 1;
        Some(results)
    }

    /// Reads and queues chunks while fewer than `limit` are in flight and
    /// the input lasts.
    fn top_up(&mut self) {
        while self.read - self.taken < self.limit {
            let Some(input) = self.input.as_mut() else {
                return;
            };
            let buffers = &self.pool.buffers;
            let mut items = buffers.take(self.chunksize.min(input.size_hint().0.max(1)));
            items.extend(input.by_ref().take(self.chunksize));
            if items.len() < self.chunksize {
                self.input = None; // ran out: never asked again
            }
            if items.is_empty() {
                buffers.give(items);
                return;
            }
            self.items_read += items.len();
            self.queue(items);
        }
    }

    /// Queues one chunk as a job that delivers its results to the batch;
    /// or, if the pool is not running, delivers them at once as refused.
    fn queue(&mut self, items: Vec<I::Item>) {
        let part = Part::new(Arc::clone(&self.batch), self.read, items.len());
        self.read += 1;
        let queued = self
            .pool
            .queue(Some((part, items)), |shared, _, (part, items)| {
                let (run, buffers) = (Arc::clone(&self.run), Arc::clone(&shared.buffers));
                Box::new(move || part.deliver(run(items, &buffers)))
            });
        if let Err(Some((part, items))) = queued {
            part.deliver(C::failed(TaskError::Closed, items.len()));
        }
    }
    // ANCHOR_END: feed

    /// How many items were read from the input so far.
    pub(super) fn items_read(&self) -> usize {
        self.items_read
    }

    /// How many chunks were read so far.
    pub(super) fn chunks_read(&self) -> usize {
        self.read
    }

    /// What is left of the input, as the input tells it.
    pub(super) fn input_size_hint(&self) -> (usize, Option<usize>) {
        self.input
            .as_ref()
            .map_or((0, Some(0)), Iterator::size_hint)
    }

    /// Whether the pool is still running (for a call that read nothing).
    pub(super) fn pool_is_running(&self) -> bool {
        self.pool.state.get_lock().phase == super::Phase::Running
    }

    /// The pool's spare buffers.
    pub(super) fn buffers(&self) -> &Arc<Buffers> {
        &self.pool.buffers
    }

    /// Hands the chunks over to `gather`, which takes each chunk's results
    /// on the worker that delivers them (for `map_async`: no caller is
    /// left to take them). Every chunk must have been read already.
    pub(super) fn gather_on_delivery(mut self, gather: Box<dyn Gather<C>>) {
        let more = self.input.take().and_then(|mut input| input.next());
        assert!(
            more.is_none() && self.taken == 0,
            "every chunk read, none taken"
        );
        self.batch.gather(self.read, gather);
    }
}

/// A consumer that takes a batch's chunks in input order on the workers, as
/// they are delivered: `map_async`'s gatherer.
pub(super) trait Gather<C>: Send {
    /// The next chunk's results, in input order.
    fn absorb(&mut self, chunk: C);
    /// Every chunk is in.
    fn finish(self: Box<Self>);
}

/// The results of one call's chunks: delivered by the jobs, taken by the
/// consumer. A channel (`src/channel/`) whose items are the results ready
/// for the consumer, in its order; for `Order::Input`, the results that
/// came early wait beside them, under the same lock, until those before
/// them are in. So the consumer wakes only for the results it waits for.
struct Batch<C> {
    order: Order,
    ready: Channel<C, Early<C>>,
}

/// What waits beside the ready results, under the batch's lock.
struct Early<C> {
    /// `Order::Input`: the results of chunk `next + i` in `slots[i]`, once
    /// delivered; chunk `next` is the first whose results are not in.
    slots: VecDeque<Option<C>>,
    next: usize,
    /// `map_async`'s gatherer, and how many chunks it has still to take:
    /// once it is here, it takes the ready results instead of the channel.
    gather: Option<(Box<dyn Gather<C>>, usize)>,
}

/// No capacity and never closed: no sender waits, and nothing ends.
static NAMES: Names = Names {
    readable: "results ready",
    writable: "",
    sent: "delivers; ready:",
    received: "takes; ready:",
    closed: "",
    received_end: "",
};

impl<C: Chunk> Early<C> {
    /// Chunk `index`'s results are in: hands them on, with those after
    /// them that came early, once every chunk before them is in.
    fn place(&mut self, index: usize, results: C, ready: &mut Back<'_, C>) {
        let at = index - self.next;
        if self.slots.len() <= at {
            self.slots.resize_with(at + 1, || None);
        }
        self.slots[at] = Some(results);
        while let Some(results) = self.slots.front_mut().and_then(Option::take) {
            self.slots.pop_front();
            self.next += 1;
            self.hand_on(results, ready);
        }
    }

    /// Hands ready results on: to the gatherer, if there is one, else to
    /// the consumer.
    fn hand_on(&mut self, results: C, ready: &mut Back<'_, C>) {
        match &mut self.gather {
            Some((gather, left)) => {
                gather.absorb(results);
                *left -= 1;
            }
            None => ready.push(results),
        }
    }

    /// The gatherer, once it has taken every chunk.
    fn gather_if_done(&mut self) -> Option<Box<dyn Gather<C>>> {
        match self.gather {
            Some((_, 0)) => self.gather.take().map(|(gather, _)| gather),
            _ => None,
        }
    }
}

impl<C: Chunk> Batch<C> {
    fn new(order: Order) -> Self {
        let early = Early {
            slots: VecDeque::new(),
            next: 0,
            gather: None,
        };
        Batch {
            order,
            ready: Channel::new(None, early, &NAMES),
        }
    }

    /// Chunk `index` has finished with `results`.
    fn deliver(&self, index: usize, results: C) {
        let done = self.ready.push_with(|early, ready| {
            match self.order {
                Order::Input => early.place(index, results, ready),
                Order::Finish => early.hand_on(results, ready),
            }
            early.gather_if_done()
        });
        // Finished outside the batch's lock.
        if let Some(gather) = done {
            gather.finish();
        }
    }

    /// Waits for the next results in the consumer's order, and takes them
    /// (after a brief spin, as every receive of the channel core).
    fn take(&self) -> C {
        self.ready.recv(None).expect("a batch is never closed")
    }

    /// From now on `gather` takes the chunks, `chunks` of them in all: at
    /// once those ready, then each as it becomes ready.
    fn gather(&self, chunks: usize, mut gather: Box<dyn Gather<C>>) {
        let done = {
            let mut state = self.ready.lock();
            let mut left = chunks;
            while let Ok(results) = self.ready.pop(&mut state) {
                gather.absorb(results);
                left -= 1;
            }
            state.extra.gather = Some((gather, left));
            state.extra.gather_if_done()
        };
        if let Some(gather) = done {
            gather.finish();
        }
    }
}

/// One chunk's place in a batch. Delivers exactly once: by `deliver`, or,
/// if dropped first (its job was dropped without running), as failed with
/// `TaskError::Terminated`.
struct Part<C: Chunk> {
    batch: Option<Arc<Batch<C>>>,
    index: usize,
    len: usize,
}

impl<C: Chunk> Part<C> {
    fn new(batch: Arc<Batch<C>>, index: usize, len: usize) -> Self {
        Part {
            batch: Some(batch),
            index,
            len,
        }
    }

    fn deliver(mut self, results: C) {
        if let Some(batch) = self.batch.take() {
            batch.deliver(self.index, results);
        }
    }
}

impl<C: Chunk> Drop for Part<C> {
    fn drop(&mut self) {
        if let Some(batch) = self.batch.take() {
            if crate::sync::abandoning_model_execution() {
                return;
            }
            batch.deliver(self.index, C::failed(TaskError::Terminated, self.len));
        }
    }
}
