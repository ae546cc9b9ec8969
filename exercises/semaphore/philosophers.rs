/*
// ANCHOR: statement
**Seat the philosophers so that they all eat.** Three philosophers sit at
a round table with one fork between each two neighbours; to eat, one
needs both forks beside them. Each fork is a `Semaphore(1)`. As written,
each philosopher picks up the left fork, then the right one: if all three
pick up their left fork at once, each waits forever for a neighbour's.
Use the table's `footman`, a `Semaphore` with one permit fewer than there
are seats, so that:

- every philosopher gets to eat, however the threads interleave (no
  deadlock);
- no fork is ever held by two philosophers at once (each fork's semaphore
  does that already; keep it so): `dine` calls `eat` while holding both of
  its forks, and the tests check that no two neighbours eat at once.
// ANCHOR_END: statement
*/
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
        // TODO: nothing stops all three from holding their left fork at
        // once. Ask the footman for a seat first, and free it after.
        self.forks[left].acquire();
        trace::step("picks up fork", left);
        self.forks[right].acquire();
        trace::step("picks up fork", right);
        trace::step("eats", "");
        eat();
        self.forks[right].release();
        self.forks[left].release();
    }
}
