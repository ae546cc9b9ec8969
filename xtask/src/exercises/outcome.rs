//! What one `cargo test --test <exercise>` run said, read from its output
//! (libtest's default "pretty" format), and how to say it in plain words.

use std::collections::BTreeMap;

/// The first line of a loom counterexample (the kit's `COUNTEREXAMPLE`).
pub const COUNTEREXAMPLE: &str = "loom found an interleaving where";

/// The first line of a model loom could not finish (the kit's
/// `BRANCH_LIMIT`).
pub const BRANCH_LIMIT: &str = "loom could not finish exploring";

/// The line a passing model prints (the kit's `MODEL_HOLDS`).
pub const MODEL_HOLDS: &str = "loom checked:";

/// One test's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Ignored,
}

/// A run of one test binary.
#[derive(Debug, Default)]
pub struct TestRun {
    /// Each test's result, in the order libtest reported them.
    pub results: Vec<(String, Status)>,
    /// The captured output of each failed test (and, run with
    /// `--show-output`, of each passed one).
    pub output: BTreeMap<String, String>,
}

impl TestRun {
    /// Reads libtest's output (the test binary's stdout).
    pub fn parse(stdout: &str) -> TestRun {
        let mut run = TestRun::default();
        let mut section: Option<(String, Vec<&str>)> = None;
        for line in stdout.lines() {
            if let Some(rest) = line.strip_prefix("test ")
                && let Some((name, status)) = rest.rsplit_once(" ... ")
            {
                let status = match status.trim() {
                    "ok" => Status::Passed,
                    "FAILED" => Status::Failed,
                    s if s.starts_with("ignored") => Status::Ignored,
                    _ => continue,
                };
                run.results.push((name.to_string(), status));
                continue;
            }
            let header = line
                .strip_prefix("---- ")
                .and_then(|rest| rest.strip_suffix(" stdout ----"));
            if header.is_some() || line == "failures:" || line == "successes:" {
                if let Some((name, lines)) = section.take() {
                    run.output.insert(name, lines.join("\n").trim().to_string());
                }
                section = header.map(|name| (name.to_string(), Vec::new()));
                continue;
            }
            if let Some((_, lines)) = section.as_mut() {
                lines.push(line);
            }
        }
        if let Some((name, lines)) = section {
            run.output.insert(name, lines.join("\n").trim().to_string());
        }
        run
    }

    /// The names of the failed tests.
    pub fn failed(&self) -> Vec<&str> {
        self.results
            .iter()
            .filter(|(_, status)| *status == Status::Failed)
            .map(|(name, _)| name.as_str())
            .collect()
    }

    /// How many tests passed.
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|(_, status)| *status == Status::Passed)
            .count()
    }

    /// Whether `test` failed with a loom counterexample.
    pub fn is_counterexample(&self, test: &str) -> bool {
        self.output
            .get(test)
            .is_some_and(|text| text.contains(COUNTEREXAMPLE))
    }

    /// What a passing model printed: what it checked, over which
    /// interleavings, in how many executions.
    pub fn model_checked(&self, test: &str) -> Option<&str> {
        self.output
            .get(test)?
            .lines()
            .find(|line| line.starts_with(MODEL_HOLDS))
    }

    /// A failed test's output, said plainly: the panic's location line and
    /// libtest's backtrace note are dropped from a loom counterexample
    /// (they point into the kit, not at the student's code).
    pub fn explain(&self, test: &str) -> String {
        let Some(text) = self.output.get(test) else {
            return "(it printed nothing)".to_string();
        };
        let counterexample = text.contains(COUNTEREXAMPLE) || text.contains(BRANCH_LIMIT);
        text.lines()
            .filter(|line| !line.starts_with("note: run with `RUST_BACKTRACE"))
            .filter(|line| !(counterexample && line.starts_with("thread '")))
            .map(shortened)
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }
}

/// Lines longer than this are cut when shown (an assertion printing a
/// vector of a thousand numbers).
pub const MAX_LINE: usize = 300;

/// `line`, cut after [`MAX_LINE`] characters with a note of how many more
/// there were.
fn shortened(line: &str) -> String {
    match line.char_indices().nth(MAX_LINE) {
        None => line.to_string(),
        Some((at, _)) => format!(
            "{} … ({} more characters)",
            &line[..at],
            line[at..].chars().count()
        ),
    }
}

/// The compiler's messages from cargo's stderr, without cargo's progress
/// lines.
pub fn compiler_errors(stderr: &str) -> String {
    const PROGRESS: [&str; 6] = [
        "Compiling ",
        "Blocking ",
        "Finished ",
        "Running ",
        "Executable ",
        "Checking ",
    ];
    stderr
        .lines()
        .filter(|line| !PROGRESS.iter().any(|p| line.trim_start().starts_with(p)))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// The test binary `cargo test --no-run` built, from its stderr: the path
/// in `Executable tests/x.rs (target/debug/deps/x-1234)`, relative to the
/// workspace.
pub fn executable(stderr: &str) -> Option<&str> {
    stderr
        .lines()
        .filter(|line| line.trim_start().starts_with("Executable "))
        .find_map(|line| {
            line.trim_end()
                .strip_suffix(')')?
                .rsplit_once(" (")
                .map(|(_, path)| path)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "
running 3 tests
test a_plain_test ... ok
test model_two_threads ... FAILED
test slow_one ... ignored, too slow
test ordinary_fails ... FAILED

failures:

---- model_two_threads stdout ----

thread 'model_two_threads' (1) panicked at exercises/src/lib.rs:80:9:
loom found an interleaving where \"x\" does not hold.
| step | thread main |
|---:|---|
| 1 | reads 0 |
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- ordinary_fails stdout ----

thread 'ordinary_fails' (2) panicked at exercises/tests/t.rs:9:5:
assertion `left == right` failed

failures:
    model_two_threads
    ordinary_fails

test result: FAILED. 1 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out
";

    #[test]
    fn reads_results_and_failure_output() {
        let run = TestRun::parse(OUTPUT);
        assert_eq!(run.results.len(), 4);
        assert_eq!(run.failed(), ["model_two_threads", "ordinary_fails"]);
        assert_eq!(run.passed(), 1);
        assert!(run.is_counterexample("model_two_threads"));
        assert!(!run.is_counterexample("ordinary_fails"));
        assert!(!run.is_counterexample("a_plain_test"));
    }

    #[test]
    fn reads_what_passing_models_checked() {
        let run = TestRun::parse(
            "running 2 tests\ntest model_a ... ok\ntest b ... FAILED\n\nsuccesses:\n\n\
             ---- model_a stdout ----\nloom checked: \"x\" holds over every interleaving, \
             3 executions.\n\n\nsuccesses:\n    model_a\n\nfailures:\n\n---- b stdout ----\n\
             boom\n\nfailures:\n    b\n\ntest result: FAILED. 1 passed; 1 failed\n",
        );
        assert_eq!(
            run.model_checked("model_a"),
            Some("loom checked: \"x\" holds over every interleaving, 3 executions.")
        );
        assert_eq!(run.model_checked("b"), None);
        assert_eq!(run.explain("b"), "boom");
    }

    #[test]
    fn explains_a_counterexample_without_the_kits_location() {
        let run = TestRun::parse(OUTPUT);
        let said = run.explain("model_two_threads");
        assert!(said.starts_with(COUNTEREXAMPLE), "{said}");
        assert!(said.ends_with("| 1 | reads 0 |"), "{said}");
        let plain = run.explain("ordinary_fails");
        assert!(plain.starts_with("thread 'ordinary_fails'"), "{plain}");
        assert!(plain.contains("assertion"), "{plain}");
    }

    #[test]
    fn a_very_long_line_is_cut() {
        let long = format!("left: {}", "1, ".repeat(200));
        let run = TestRun::parse(&format!(
            "test a ... FAILED\n---- a stdout ----\n{long}\nshort\nfailures:\n"
        ));
        let said = run.explain("a");
        let first = said.lines().next().unwrap();
        assert_eq!(
            first.chars().count(),
            MAX_LINE + " … (306 more characters)".chars().count()
        );
        assert!(first.ends_with(" … (306 more characters)"), "{first}");
        assert_eq!(said.lines().nth(1), Some("short"));
    }

    #[test]
    fn finds_the_built_test_binary() {
        let stderr = "   Compiling syncbook_exercises v0.1.0 (/w/exercises)\n    Finished `test` profile [unoptimized + debuginfo] target(s) in 2.52s\n  Executable tests/lock_spin_lock.rs (target/debug/deps/lock_spin_lock-380927bb8a4e89e4)\n";
        assert_eq!(
            executable(stderr),
            Some("target/debug/deps/lock_spin_lock-380927bb8a4e89e4")
        );
        assert_eq!(executable("error: could not compile"), None);
    }

    #[test]
    fn keeps_the_compilers_messages_only() {
        let stderr = "   Compiling syncbook_exercises v0.1.0\nerror[E0308]: mismatched types\n --> value/transfer.rs:3:5\nerror: could not compile `syncbook_exercises`\n";
        let errors = compiler_errors(stderr);
        assert!(errors.starts_with("error[E0308]"), "{errors}");
        assert!(!errors.contains("Compiling"));
    }
}
