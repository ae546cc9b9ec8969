// Wrong: waits for the queue to be empty, then yields once more, hoping the last job has finished by then.
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
                        // Only now is the task finished.
                        jobs.task_done().expect("one task_done per job taken");
                    }
                    // The stop marker was put too: count it done as well.
                    jobs.task_done().expect("one task_done per marker taken");
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
        // `join` waits until every `put` has had its `task_done`.
        while !self.jobs.empty() {
            thread::yield_now();
        }
        thread::yield_now();
        trace::step("sees the queue empty, yields once more: done waiting", "");
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
