//! The step table a student sees when a model fails: the book's table
//! (one column per thread), with rows that read an older value marked, and
//! long tables cut to their first and last rows.

use std::fmt::Write as _;

use syncbook_model::check::older_reads;
use syncbook_model::trace::Step;

/// Where the book explains why a read may return an older value.
pub const OLDER_VALUE_SECTION: &str = "chapters/primer.md, \"Reading a step table\"";

/// Tables longer than this are cut.
pub const MAX_ROWS: usize = 60;
/// How many rows a cut table keeps at each end.
pub const KEPT_AT_EACH_END: usize = 20;

/// The trace as a Markdown table: a `step` column, then one column per
/// thread in the order the threads first appear. A read of an older value
/// is marked; a table longer than [`MAX_ROWS`] keeps its first and last
/// [`KEPT_AT_EACH_END`] rows, with a row saying how many are left out.
pub fn render(steps: &[Step]) -> String {
    let mut threads: Vec<&str> = Vec::new();
    for step in steps {
        if !threads.contains(&step.thread.as_str()) {
            threads.push(&step.thread);
        }
    }
    let older = older_reads(steps);
    let mut out = String::from("| step |");
    for t in &threads {
        write!(out, " thread {t} |").unwrap();
    }
    out.push_str("\n|---:|");
    out.push_str(&"---|".repeat(threads.len()));
    let cut = steps.len() > MAX_ROWS;
    for (i, step) in steps.iter().enumerate() {
        if cut && i == KEPT_AT_EACH_END {
            let left_out = steps.len() - 2 * KEPT_AT_EACH_END;
            write!(out, "\n| … | … {left_out} more steps … |").unwrap();
            out.push_str(&" |".repeat(threads.len().saturating_sub(1)));
        }
        if cut && i >= KEPT_AT_EACH_END && i < steps.len() - KEPT_AT_EACH_END {
            continue;
        }
        write!(out, "\n| {} |", i + 1).unwrap();
        for t in &threads {
            if *t == step.thread {
                let mark = if older[i] {
                    format!(" (an older value: see {OLDER_VALUE_SECTION})")
                } else {
                    String::new()
                };
                write!(out, " {}{mark} |", step.what).unwrap();
            } else {
                out.push_str("  |");
            }
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(thread: &str, what: &str) -> Step {
        Step {
            thread: thread.into(),
            what: what.into(),
        }
    }

    #[test]
    fn reads_and_writes_are_recognized_in_the_exercises_labels() {
        let steps = [
            step("main", "writes account 0 = 7"),
            step("A", "tries: reads account 0 = 1"),
            step("A", "read account 0 = 7"),
            step("main", "releases; count = 0"),
            step("A", "threads reads = 2"),
            step("A", "takes the lock"),
        ];
        assert_eq!(
            older_reads(&steps),
            [false, true, false, false, false, false]
        );
    }

    #[test]
    fn a_read_of_a_value_overwritten_earlier_in_the_trace_is_marked() {
        let steps = [
            step("A", "writes data = 42"),
            step("A", "writes ready = true"),
            step("main", "reads ready = true"),
            step("main", "reads data = 0"),
            step("main", "reads other = 5"),
        ];
        assert_eq!(older_reads(&steps), [false, false, false, true, false]);
        let table = render(&steps);
        assert!(
            table.contains(&format!(
                "| 4 |  | reads data = 0 (an older value: see {OLDER_VALUE_SECTION}) |"
            )),
            "{table}"
        );
        assert!(table.contains("| 3 |  | reads ready = true |"), "{table}");
    }

    #[test]
    fn a_short_table_is_whole_and_a_long_one_is_cut_in_the_middle() {
        let short: Vec<Step> = (0..MAX_ROWS).map(|i| step("A", &format!("s{i}"))).collect();
        assert_eq!(render(&short).lines().count(), MAX_ROWS + 2);
        let long: Vec<Step> = (0..100)
            .map(|i| step(if i % 2 == 0 { "A" } else { "B" }, &format!("s{i}")))
            .collect();
        let table = render(&long);
        let rows: Vec<&str> = table.lines().collect();
        assert_eq!(rows.len(), 2 + 2 * KEPT_AT_EACH_END + 1, "{table}");
        assert_eq!(rows[2], "| 1 | s0 |  |");
        assert_eq!(rows[2 + KEPT_AT_EACH_END], "| … | … 60 more steps … | |");
        assert_eq!(rows.last().unwrap(), &"| 100 |  | s99 |");
    }
}
