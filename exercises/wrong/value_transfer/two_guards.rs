// Wrong: each half of the transfer under its own hold of the lock: no update is lost, but `total` can come between the halves.
use super::kit::{Array, trace};

/// Moves `amount` from account `from` to account `to`.
pub fn transfer(accounts: &Array<i64>, from: usize, to: usize, amount: i64) {
    // One guard for the whole transfer: nobody sees it, or changes the
    // accounts, until both are written.
    accounts.get_lock()[from] -= amount;
    accounts.get_lock()[to] += amount;
    trace::step("moves", format!("{amount} from {from} to {to}"));
}

/// The sum of all the accounts, as it stands between transfers.
pub fn total(accounts: &Array<i64>) -> i64 {
    // Under the lock, no transfer can be half done.
    let sum = accounts.get_lock().iter().sum();
    trace::step("adds up the accounts:", sum);
    sum
}
