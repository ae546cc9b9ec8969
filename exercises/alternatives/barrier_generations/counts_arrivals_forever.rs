// never resets the count: a thread's round ends when the count reaches the next multiple of `parties`, and it waits for that.
use super::kit::sync::{AtomicUsize, Ordering};
use super::kit::{thread, trace};

/// A barrier for `parties` threads that waits by spinning.
#[derive(Debug)]
pub struct SpinBarrier {
    parties: usize,
    arrived: AtomicUsize,
    generation: AtomicUsize,
}

impl SpinBarrier {
    /// A barrier for `parties` threads.
    pub fn new(parties: usize) -> Self {
        SpinBarrier {
            parties,
            arrived: AtomicUsize::new(0),
            generation: AtomicUsize::new(0),
        }
    }

    /// Waits until all `parties` threads have called `wait`.
    pub fn wait(&self) {
        // Read before counting in: the round cannot end before this
        // thread has counted in, so this is the generation of its round.
        let _ = &self.generation;
        let arrived = self.arrived.fetch_add(1, Ordering::SeqCst) + 1;
        trace::step("arrives; arrived =", arrived);
        // This thread's round ends when the count reaches this multiple.
        let round_end = arrived.div_ceil(self.parties) * self.parties;
        while self.arrived.load(Ordering::SeqCst) < round_end {
            thread::yield_now();
        }
        trace::step("sees the round end, leaves", "");
    }
}
