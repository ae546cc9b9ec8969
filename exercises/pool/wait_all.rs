/*
// ANCHOR: statement
**Wait for the work, not for the queue.** `TinyPool` runs submitted jobs
on worker threads that take them from one of the crate's `Queue`s.
`wait_all` should return only once every job submitted so far has
*finished*; as written, it returns as soon as the queue is empty, which
is as soon as a worker has *taken* the last job, while that job may still
be running. Fix it so that:

- when `wait_all` returns, every job submitted before it has run to its
  end;
- `shutdown` stops every worker, after the jobs already queued.
// ANCHOR_END: statement
*/
use std::sync::Arc;

use super::kit::thread::{self, JoinHandle};
use super::kit::{Queue, trace};

/// A job for the pool.
pub type Job = Box<dyn FnOnce() + Send>;

/// A fixed number of worker threads taking jobs from one queue; `None`
/// tells a worker to stop.
pub struct TinyPool {
    jobs: Arc<Queue<Option<Job>>>,
    workers: Vec<JoinHandle<()>>,
}

impl TinyPool {
    /// A pool of `workers` threads.
    pub fn new(workers: usize) -> Self {
        let jobs: Arc<Queue<Option<Job>>> = Arc::new(Queue::new());
        let workers = (0..workers)
            .map(|_| {
                let jobs = jobs.clone();
                thread::spawn(move || {
                    while let Some(job) = jobs.get() {
                        trace::step("takes a job", "");
                        job();
                        trace::step("has run the job", "");
                        // TODO: tell the queue this task is done.
                    }
                })
            })
            .collect();
        TinyPool { jobs, workers }
    }

    /// Queues `job` to run on some worker.
    pub fn submit(&self, job: impl FnOnce() + Send + 'static) {
        self.jobs.put(Some(Box::new(job)));
        trace::step("submits a job", "");
    }

    /// Waits until every job submitted so far has finished.
    pub fn wait_all(&self) {
        // TODO: an empty queue only means the jobs were *taken*.
        while !self.jobs.empty() {
            thread::yield_now();
        }
        trace::step("sees the queue empty: done waiting", "");
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
