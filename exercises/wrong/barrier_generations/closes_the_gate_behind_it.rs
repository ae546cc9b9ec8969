// Wrong: keeps the `open` gate, and each waiter closes it as it leaves: the last arrival can be back in the next round before the gate is closed.
use super::kit::sync::{AtomicBool, AtomicUsize, Ordering};
use super::kit::{thread, trace};

/// A barrier for `parties` threads that waits by spinning.
#[derive(Debug)]
pub struct SpinBarrier {
    parties: usize,
    arrived: AtomicUsize,
    open: AtomicBool,
}

impl SpinBarrier {
    /// A barrier for `parties` threads.
    pub fn new(parties: usize) -> Self {
        SpinBarrier {
            parties,
            arrived: AtomicUsize::new(0),
            open: AtomicBool::new(false),
        }
    }

    /// Waits until all `parties` threads have called `wait`.
    pub fn wait(&self) {
        // Read before counting in: the round cannot end before this
        // thread has counted in, so this is the generation of its round.
        let arrived = self.arrived.fetch_add(1, Ordering::SeqCst) + 1;
        trace::step("arrives; arrived =", arrived);
        if arrived == self.parties {
            // Reset the count before the others can leave and come back.
            self.arrived.store(0, Ordering::SeqCst);
            self.open.store(true, Ordering::SeqCst);
            trace::step("opens the gate", "");
        } else {
            while !self.open.load(Ordering::SeqCst) {
                thread::yield_now();
            }
            // Close it again for the next round.
            self.open.store(false, Ordering::SeqCst);
            trace::step("sees the gate open, closes it, leaves", "");
        }
    }
}
