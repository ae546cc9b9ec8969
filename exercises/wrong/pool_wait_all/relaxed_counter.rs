// Wrong: counts unfinished jobs in an atomic, but with `Relaxed`: seeing 0 does not mean seeing what the jobs did.
use std::sync::Arc;

use super::kit::sync::{AtomicUsize, Ordering};

use super::kit::thread::{self, JoinHandle};
use super::kit::{Queue, trace};

/// A job for the pool.
pub type Job = Box<dyn FnOnce() + Send>;

/// A fixed number of worker threads taking jobs from one queue; `None`
/// tells a worker to stop.
pub struct TinyPool {
    jobs: Arc<Queue<Option<Job>>>,
    workers: Vec<JoinHandle<()>>,
    /// Jobs submitted and not yet finished.
    unfinished: Arc<AtomicUsize>,
}

impl TinyPool {
    /// A pool of `workers` threads.
    pub fn new(workers: usize) -> Self {
        let jobs: Arc<Queue<Option<Job>>> = Arc::new(Queue::new());
        let unfinished = Arc::new(AtomicUsize::new(0));
        let workers = (0..workers)
            .map(|_| {
                let jobs = jobs.clone();
                let unfinished = unfinished.clone();
                thread::spawn(move || {
                    while let Some(job) = jobs.get() {
                        trace::step("takes a job", "");
                        job();
                        trace::step("has run the job", "");
                        // Only now is the job finished.
                        unfinished.fetch_sub(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        TinyPool {
            jobs,
            workers,
            unfinished,
        }
    }

    /// Queues `job` to run on some worker.
    pub fn submit(&self, job: impl FnOnce() + Send + 'static) {
        self.unfinished.fetch_add(1, Ordering::Relaxed);
        self.jobs.put(Some(Box::new(job)));
        trace::step("submits a job", "");
    }

    /// Waits until every job submitted so far has finished.
    pub fn wait_all(&self) {
        while self.unfinished.load(Ordering::Relaxed) != 0 {
            thread::yield_now();
        }
        trace::step("sees no job unfinished", "");
    }

    /// Stops the workers once the jobs already queued have run, and
    /// waits for them to end.
    pub fn shutdown(self) {
        for _ in &self.workers {
            self.jobs.put(None);
        }
        for worker in self.workers {
            worker.join().unwrap();
        }
    }
}
