/*
// ANCHOR: statement
**Make the barrier reusable.** `SpinBarrier` lets `parties` threads wait
for each other: the last to arrive opens the gate, and everybody goes on.
It works once. In the next round the gate is still open, so nobody waits:
a thread can run into round two while another is still in round one.
Give the barrier generations (a count of the rounds completed; the
struct has a field for it) so that, round after round:

- no thread leaves `wait` before every party has arrived in that round;
- every thread leaves `wait` once they all have (no deadlock).

Spin with `kit::thread::yield_now()` while waiting.
// ANCHOR_END: statement
*/
use super::kit::sync::{AtomicBool, AtomicUsize, Ordering};
use super::kit::{thread, trace};

/// A barrier for `parties` threads that waits by spinning.
#[derive(Debug)]
pub struct SpinBarrier {
    parties: usize,
    arrived: AtomicUsize,
    open: AtomicBool,
    generation: AtomicUsize,
}

impl SpinBarrier {
    /// A barrier for `parties` threads.
    pub fn new(parties: usize) -> Self {
        SpinBarrier {
            parties,
            arrived: AtomicUsize::new(0),
            open: AtomicBool::new(false),
            generation: AtomicUsize::new(0),
        }
    }

    /// Waits until all `parties` threads have called `wait`.
    pub fn wait(&self) {
        // TODO: `open` stays true after the first round, so later rounds
        // do not wait at all. Wait for the generation to move on instead.
        let arrived = self.arrived.fetch_add(1, Ordering::SeqCst) + 1;
        trace::step("arrives; arrived =", arrived);
        if arrived == self.parties {
            self.arrived.store(0, Ordering::SeqCst);
            self.open.store(true, Ordering::SeqCst);
            trace::step("opens the gate", "");
        } else {
            while !self.open.load(Ordering::SeqCst) {
                thread::yield_now();
            }
            trace::step("sees the gate open, leaves", "");
        }
    }
}
