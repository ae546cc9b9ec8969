//! The step table a student sees when a model fails: the book's table
//! (one column per thread), with rows that read an older value marked, and
//! long tables cut to their first and last rows.

use syncbook_model::check::{Cut, table_of};
use syncbook_model::trace::Step;

/// Where the book explains why a read may return an older value.
pub const OLDER_VALUE_SECTION: &str = "chapters/primer.md, \"Reading a step table\"";

/// Tables longer than this are cut.
pub const MAX_ROWS: usize = 60;
/// How many rows a cut table keeps at each end.
pub const KEPT_AT_EACH_END: usize = 20;

/// The trace as a Markdown table: a `step` column, then one column per
/// thread in the order the threads first appear (the book's
/// [`table_of`]). A read of an older value is marked; a table longer than
/// [`MAX_ROWS`] keeps its first and last [`KEPT_AT_EACH_END`] rows, with a
/// row saying how many are left out.
pub fn render(steps: &[Step]) -> String {
    let mark = format!(" (an older value: see {OLDER_VALUE_SECTION})");
    let cut = Cut {
        max_rows: MAX_ROWS,
        kept_at_each_end: KEPT_AT_EACH_END,
    };
    table_of(steps, &mark, Some(cut))
}

#[cfg(test)]
mod tests {
    use super::*;
    use syncbook_model::check::older_reads;

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
