//! Today's date, without a date crate, for `cargo xtask measure`, which
//! dates the stamp (`bench-results/stamp.md`): the one place the book's
//! figures are dated.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Today's date, as `2025-11-23 UTC`, from the system clock (days to civil date, after
/// Howard Hinnant's `civil_from_days`).
pub fn today_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let z = i64::try_from(secs / 86_400).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} UTC")
}
