//! Typed measured figures in chapter prose (`figures.rs`).

use crate::book::figures::{problems, typed_figures};
use std::path::Path;

#[test]
fn typed_times_ratios_counts_and_percentages_are_found() {
    let text = "\
# Lock

An uncontended acquire takes 12.6 ns here, 1.5x std's and 2× parking_lot's.
loom explored 1,234 executions; 70% of the time is in the kernel.
A round trip: 3µs, or 3 us, or 0.2 ms, or 2s.
It is 4.2 times slower; it retried 3 times.
";
    let got: Vec<_> = typed_figures(text)
        .into_iter()
        .map(|(line, figure)| format!("{line}: {figure}"))
        .collect();
    assert_eq!(
        got,
        [
            "3: 12.6 ns",
            "3: 1.5x",
            "3: 2×",
            "4: 1,234 executions",
            "4: 70%",
            "5: 3µs",
            "5: 3 us",
            "5: 0.2 ms",
            "5: 2s",
            "6: 4.2 times",
        ]
    );
}

#[test]
fn the_problem_names_the_chapter_line_and_says_what_to_do() {
    let problems = problems(Path::new("chapters/queue.md"), "# Queue\n\ntook 681 ns\n");
    let shown: Vec<_> = problems.iter().map(|p| p.render(Path::new("/"))).collect();
    assert_eq!(
        shown,
        [
            "chapters/queue.md:3: prose types a measured figure (`681 ns`); include it from \
             the table or the snapshot instead (an aim the crate sets itself is written \
             `≤ 1.5×` or `within 1.5×`; a justified exception carries \
             `<!-- figure: <reason> -->` on its line)"
        ]
    );
}

#[test]
fn code_comments_includes_links_aims_and_justified_lines_pass() {
    let text = "\
# Lock

```rust
sleep(Duration::from_millis(5)); // 5 ms, 50%
```

~~~text
12.6 ns
~~~

The table shows it: `12.6 ns` in inline code, <!-- 12 ns in a comment
that runs on: 3x --> then prose.
{{#include ../bench-results/lock.md}} 12 ns
The aim is ≤ 1.5× of crossbeam, within 1.5x of std, under 1.2× and at most 2x.
It sleeps 5 ms by default. <!-- figure: Python's documented default -->
See [the run](https://example.com/50%25/3x) and x86_64, U64s, 0x1F, v2s, step 4's.
";
    assert_eq!(typed_figures(text), []);
}
