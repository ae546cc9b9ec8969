// reads both balances, then writes both, all under one guard.
use super::kit::{Array, trace};

/// Moves `amount` from account `from` to account `to`.
pub fn transfer(accounts: &Array<i64>, from: usize, to: usize, amount: i64) {
    // One guard for the whole transfer: nobody sees it, or changes the
    // accounts, until both are written.
    let mut accounts = accounts.get_lock();
    let (was_from, was_to) = (accounts[from], accounts[to]);
    accounts[from] = was_from - amount;
    accounts[to] = was_to + amount;
    trace::step("moves", format!("{amount} from {from} to {to}"));
}

/// The sum of all the accounts, as it stands between transfers.
pub fn total(accounts: &Array<i64>) -> i64 {
    // Under the lock, no transfer can be half done.
    let guard = accounts.get_lock();
    let mut sum = 0;
    for balance in guard.iter() {
        sum += balance;
    }
    trace::step("adds up the accounts:", sum);
    sum
}
