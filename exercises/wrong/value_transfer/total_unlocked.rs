// Wrong: `transfer` holds the lock, but `total` reads the accounts one `get` at a time.
use super::kit::{Array, trace};

/// Moves `amount` from account `from` to account `to`.
pub fn transfer(accounts: &Array<i64>, from: usize, to: usize, amount: i64) {
    // One guard for the whole transfer: nobody sees it, or changes the
    // accounts, until both are written.
    let mut accounts = accounts.get_lock();
    accounts[from] -= amount;
    accounts[to] += amount;
    trace::step("moves", format!("{amount} from {from} to {to}"));
}

/// The sum of all the accounts, as it stands between transfers.
pub fn total(accounts: &Array<i64>) -> i64 {
    // Under the lock, no transfer can be half done.
    let sum = (0..accounts.len()).map(|i| accounts.get(i).unwrap()).sum();
    trace::step("adds up the accounts:", sum);
    sum
}
