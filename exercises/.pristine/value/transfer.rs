/*
// ANCHOR: statement
**Move money without losing any.** Two accounts live in one `Array`;
`transfer` moves an amount from one to the other, and `total` adds them up.
Fix both so that, however the threads interleave:

- no transfer is lost: after two concurrent transfers the accounts hold
  exactly what the two of them add up to;
- `total` never sees a transfer half done: it is always the same sum.

Each of `get` and `set` takes the array's lock on its own, and lets go of
it in between. The array's `get_lock()` holds it for as long as you keep
its guard (which dereferences to the slice of accounts).
// ANCHOR_END: statement
*/
use super::kit::{Array, trace};

/// Moves `amount` from account `from` to account `to`.
pub fn transfer(accounts: &Array<i64>, from: usize, to: usize, amount: i64) {
    // TODO: another thread can come between any two of these four calls.
    // Make the whole transfer one step, under the array's lock.
    let balance = accounts.get(from).unwrap();
    trace::step(&format!("reads account {from} ="), balance);
    accounts.set(from, balance - amount).unwrap();
    trace::step(&format!("writes account {from} ="), balance - amount);
    let balance = accounts.get(to).unwrap();
    trace::step(&format!("reads account {to} ="), balance);
    accounts.set(to, balance + amount).unwrap();
    trace::step(&format!("writes account {to} ="), balance + amount);
}

/// The sum of all the accounts, as it stands between transfers.
pub fn total(accounts: &Array<i64>) -> i64 {
    // TODO: a transfer may run between these reads. Read them all at once.
    let mut sum = 0;
    for i in 0..accounts.len() {
        let balance = accounts.get(i).unwrap();
        trace::step(&format!("reads account {i} ="), balance);
        sum += balance;
    }
    trace::step("adds up the accounts:", sum);
    sum
}
