// The reference solution of `semaphore_philosophers`.
use super::kit::{Semaphore, trace};

/// How many philosophers, forks and seats.
pub const SEATS: usize = 3;

/// The table: `forks[i]` lies between seat `i` and seat `i + 1`.
#[derive(Debug)]
pub struct Table {
    forks: [Semaphore; SEATS],
    footman: Semaphore,
}

impl Table {
    /// A table with every fork on it and every seat free.
    pub fn new() -> Self {
        Table {
            forks: std::array::from_fn(|_| Semaphore::new(1)),
            footman: Semaphore::new(SEATS - 1),
        }
    }

    /// The philosopher at `seat` picks up both forks, eats (calls `eat`,
    /// holding both), and puts them back.
    pub fn dine(&self, seat: usize, eat: impl FnOnce()) {
        let (left, right) = (seat, (seat + 1) % SEATS);
        // At most SEATS - 1 philosophers hold forks at once: among them
        // there are more forks than diners, so one of them can always get
        // both, eat, and put them back.
        self.footman.acquire();
        trace::step("sits down", "");
        self.forks[left].acquire();
        trace::step("picks up fork", left);
        self.forks[right].acquire();
        trace::step("picks up fork", right);
        trace::step("eats", "");
        eat();
        self.forks[right].release();
        self.forks[left].release();
        self.footman.release();
        trace::step("leaves the table", "");
    }
}
