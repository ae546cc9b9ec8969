//! The line under a table whose group has a speed aim: whether this run
//! meets it. Shared by the bench reports (`mod.rs`) and the examples that
//! write tables of their own (`#[path]`), so the two say it alike.

/// An aim the crate sets itself: `function`'s median time at most
/// `at_most` times `baseline`'s, both rows of the same table.
pub struct Aim<'a> {
    pub function: &'a str,
    pub baseline: &'a str,
    pub at_most: f64,
}

impl Aim<'_> {
    /// "✅ Aim: A ≤ 1.5× B; met in this run (1.23x)." for `ratio`,
    /// A's time over B's. Judged on the ratio rounded to two decimals, as
    /// the tables show it, so that the line never disagrees with them.
    pub fn verdict(&self, ratio: f64) -> String {
        let shown: f64 = format!("{ratio:.2}").parse().expect("a number");
        let (mark, word) = if shown <= self.at_most {
            ("✅", "met")
        } else {
            ("❌", "missed")
        };
        format!(
            "{mark} Aim: {} ≤ {}× {}; {word} in this run ({shown:.2}x).",
            self.function, self.at_most, self.baseline
        )
    }
}
