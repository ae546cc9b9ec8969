// Wrong: each waiter, once it sees the round end, moves the generation on once more to pass the word on: that ends the next round early.
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
        let generation = self.generation.load(Ordering::SeqCst);
        let arrived = self.arrived.fetch_add(1, Ordering::SeqCst) + 1;
        trace::step("arrives; arrived =", arrived);
        if arrived == self.parties {
            // Reset the count before the others can leave and come back.
            self.arrived.store(0, Ordering::SeqCst);
            self.generation.store(generation + 1, Ordering::SeqCst);
            trace::step("ends the round; generation =", generation + 1);
        } else {
            while self.generation.load(Ordering::SeqCst) == generation {
                thread::yield_now();
            }
            self.generation.fetch_add(1, Ordering::SeqCst);
            trace::step("sees the round end, moves it on, leaves", "");
        }
    }
}
