//! Broken twins of the Pool chapter: a small copy of the pool's life (its
//! workers on one job queue, `close`, `terminate` with its flag, `join`),
//! with one mistake, named by [`Mistake`]. The chapter's third twin is its
//! naive `terminate`,
//! [`terminate_without_flag`](crate::pool::naive::terminate_without_flag).

use std::sync::Arc;

use crate::channel::oneshot::{OneShot, oneshot};
use crate::queue::Queue;
use crate::sync::{AtomicBool, Ordering, thread};
use crate::value::Value;

/// The one mistake a [`TwinPool`] makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mistake {
    /// `terminate` sets the workers' flag after it has emptied the queue,
    /// where the real one sets it first: a job a worker takes during the
    /// emptying still runs.
    FlagAfterEmptying,
    /// `close` queues one stop message, where the real one queues one per
    /// worker: the other workers wait for work for ever, and so does
    /// `join`.
    OneStopOnClose,
}

type Job = Box<dyn FnOnce() + Send>;

struct Shared {
    /// `Some(job)`: work; `None`: stop.
    jobs: Queue<Option<Job>>,
    terminated: AtomicBool,
}

/// A pool of worker threads that makes one [`Mistake`].
pub struct TwinPool {
    shared: Arc<Shared>,
    /// `true` once closed or terminated.
    stopped: Value<bool>,
    threads: Value<Vec<thread::JoinHandle<()>>>,
    workers: usize,
    mistake: Mistake,
}

/// A task's result: `true` if it ran, `false` if it was dropped.
#[derive(Debug)]
pub struct TwinResult(OneShot<()>);

impl TwinResult {
    /// Waits for the task: `true` if it ran, `false` if it was dropped.
    pub fn get(self) -> bool {
        self.0.recv().is_ok()
    }
}

impl TwinPool {
    /// `workers` threads, each waiting for work.
    pub fn new(workers: usize, mistake: Mistake) -> Self {
        let shared = Arc::new(Shared {
            jobs: Queue::new(),
            terminated: AtomicBool::new(false),
        });
        let threads = (0..workers)
            .map(|_| {
                let shared = shared.clone();
                thread::spawn(move || {
                    while let Some(job) = shared.jobs.get() {
                        if shared.terminated.load(Ordering::Relaxed) {
                            drop(job);
                        } else {
                            job();
                        }
                    }
                })
            })
            .collect();
        TwinPool {
            shared,
            stopped: Value::new(false),
            threads: Value::new(threads),
            workers,
            mistake,
        }
    }

    /// Queues `task`; its result says whether it ran.
    pub fn apply_async(&self, task: impl FnOnce() + Send + 'static) -> TwinResult {
        let (filler, shot) = oneshot();
        self.shared.jobs.put(Some(Box::new(move || {
            task();
            filler.fill(());
        })));
        TwinResult(shot)
    }

    /// Accepts no more work; the workers finish the queued jobs, then stop.
    pub fn close(&self) {
        let mut stopped = self.stopped.get_lock();
        if !*stopped {
            *stopped = true;
            let stops = match self.mistake {
                Mistake::OneStopOnClose => 1, // the mistake
                _ => self.workers,
            };
            for _ in 0..stops {
                self.shared.jobs.put(None);
            }
        }
    }

    /// Drops the queued jobs and stops the workers.
    pub fn terminate(&self) {
        let dropped = {
            let mut stopped = self.stopped.get_lock();
            *stopped = true;
            if self.mistake != Mistake::FlagAfterEmptying {
                self.shared.terminated.store(true, Ordering::Relaxed);
            }
            let mut dropped = Vec::new();
            while let Ok(message) = self.shared.jobs.get_nowait() {
                dropped.extend(message);
            }
            if self.mistake == Mistake::FlagAfterEmptying {
                self.shared.terminated.store(true, Ordering::Relaxed); // the mistake: too late
            }
            for _ in 0..self.workers {
                self.shared.jobs.put(None);
            }
            dropped
        };
        drop(dropped);
    }

    /// Waits for every worker to end.
    pub fn join(&self) {
        for worker in std::mem::take(&mut *self.threads.get_lock()) {
            worker.join().unwrap();
        }
    }
}
