//! Counting what each suite ran, from the result lines the runners print, and the
//! closing summary table.

use std::time::{Duration, Instant};

/// Tests passed, failed and not run (ignored, skipped or todo), as a runner reported them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

/// Sums every `test result: ok. N passed; M failed; …` line (cargo's libtest and
/// wasm-bindgen-test-runner print one per test binary). A binary that announced `running N
/// tests` and stopped before its result line (wasm-bindgen-test-runner under node can print a
/// test's `FAIL` and end there, with success) counts the tests it saw pass as passed and every
/// other one as failed.
pub fn libtest(output: &str) -> Counts {
    let mut counts = Counts::default();
    // The open binary's announced tests and the passes seen since.
    let mut open: Option<(u64, u64)> = None;
    let unfinished = |open: Option<(u64, u64)>, counts: &mut Counts| {
        if let Some((announced, passed)) = open {
            counts.passed += passed;
            counts.failed += announced.saturating_sub(passed).max(1);
        }
    };
    for line in output.lines() {
        let line = line.trim();
        if let Some(n) = line
            .strip_prefix("running ")
            .and_then(|rest| rest.strip_suffix(" tests").or(rest.strip_suffix(" test")))
            .and_then(|n| n.parse::<u64>().ok())
        {
            unfinished(open.take(), &mut counts);
            open = (n > 0).then_some((n, 0));
            continue;
        }
        if line.starts_with("test ") && line.ends_with(" ... ok") {
            if let Some((_, passed)) = open.as_mut() {
                *passed += 1;
            }
            continue;
        }
        let Some(rest) = line.strip_prefix("test result: ") else {
            continue;
        };
        open = None;
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(label), Some(number)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = number.parse::<u64>() else {
                continue;
            };
            match label {
                "passed" => counts.passed += n,
                "failed" => counts.failed += n,
                "ignored" => counts.skipped += n,
                _ => {}
            }
        }
    }
    unfinished(open, &mut counts);
    counts
}

/// node's test runner: the closing `ℹ pass N` / `ℹ fail N` / `ℹ skipped N` / `ℹ todo N`
/// (spec) or `# pass N` … (TAP).
pub fn node_test(output: &str) -> Counts {
    let mut counts = Counts::default();
    let (mut skipped, mut todo) = (0, 0);
    for line in output.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("ℹ ").or_else(|| line.strip_prefix("# ")) else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(label), Some(number), None) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        let Ok(n) = number.parse::<u64>() else {
            continue;
        };
        match label {
            "pass" => counts.passed = n,
            "fail" => counts.failed = n,
            "skipped" => skipped = n,
            "todo" => todo = n,
            _ => {}
        }
    }
    counts.skipped = skipped + todo;
    counts
}

/// How a step of `cargo xtask test` ended.
pub enum Outcome {
    /// A check without test counts (fmt, clippy, type-check, build).
    Ok,
    Tests(Counts),
    /// Failed, with what the suite did report before failing (zero for checks).
    Failed(String, Counts),
    Skipped(String),
}

pub struct Report {
    rows: Vec<(String, Outcome, Duration)>,
    since: Instant,
}

impl Report {
    pub fn new() -> Self {
        Report {
            rows: Vec::new(),
            since: Instant::now(),
        }
    }

    /// Records a step that ran since the previous one was recorded.
    pub fn add(&mut self, name: &str, outcome: Outcome) {
        let now = Instant::now();
        self.rows
            .push((name.to_string(), outcome, now.duration_since(self.since)));
        self.since = now;
    }

    pub fn failed(&self) -> bool {
        self.rows
            .iter()
            .any(|(_, o, _)| matches!(o, Outcome::Failed(..) | Outcome::Skipped(_)))
    }

    /// The table, and the closing `N passed, M failed` line. A step that failed without
    /// a failing test (a check, a crash, a suite that ran nothing) counts as one failure,
    /// so a failed run never closes with "0 failed".
    pub fn print(&self) {
        let width = self.rows.iter().map(|(n, ..)| n.len()).max().unwrap_or(0);
        println!("\n== summary ==");
        for (name, outcome, took) in &self.rows {
            let text = match outcome {
                Outcome::Ok => "ok".to_string(),
                Outcome::Tests(c) if c.skipped > 0 => format!(
                    "{} passed, {} failed, {} skipped (allowed)",
                    c.passed, c.failed, c.skipped
                ),
                Outcome::Tests(c) => format!("{} passed, {} failed", c.passed, c.failed),
                Outcome::Failed(why, _) => format!("FAILED: {why}"),
                Outcome::Skipped(why) => format!("NOT RUN: {why}"),
            };
            let secs = took.as_secs_f64();
            println!("{name:<width$}  {secs:>6.1} s  {text}");
        }
        let total = self.totals();
        println!("total: {} passed, {} failed", total.passed, total.failed);
    }

    fn totals(&self) -> Counts {
        let mut total = Counts::default();
        for (_, outcome, _) in &self.rows {
            match outcome {
                Outcome::Tests(c) => total += *c,
                Outcome::Failed(_, c) => {
                    total.passed += c.passed;
                    total.failed += c.failed.max(1);
                }
                Outcome::Skipped(_) => total.failed += 1,
                Outcome::Ok => {}
            }
        }
        total
    }
}

/// Turns a suite's exit status, counts and the tests it did not run into an outcome: zero
/// tests is a failure, and so is any test not run that [`crate::skips::ALLOWED`] does not
/// explain.
pub fn judge(succeeded: bool, counts: Counts, unexplained_skips: &[String]) -> Outcome {
    let Counts { passed, failed, .. } = counts;
    if failed > 0 {
        Outcome::Failed(format!("{passed} passed, {failed} failed"), counts)
    } else if !succeeded {
        Outcome::Failed(
            format!("exited with an error after {passed} passed"),
            counts,
        )
    } else if passed == 0 {
        Outcome::Failed("ran no tests".to_string(), counts)
    } else if !unexplained_skips.is_empty() {
        Outcome::Failed(
            format!(
                "{} not run and not on the allow-list in xtask/src/skips.rs: {}",
                unexplained_skips.len(),
                unexplained_skips.join("; ")
            ),
            counts,
        )
    } else {
        Outcome::Tests(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_every_libtest_result_line() {
        let out = "running 2 tests\n\
                   test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
                   no tests to run!\n\
                   test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n";
        assert_eq!(
            libtest(out),
            Counts {
                passed: 5,
                failed: 1,
                skipped: 0,
            }
        );
    }

    #[test]
    fn a_binary_that_stops_before_its_result_line_fails() {
        // What wasm-pack test --node printed when an async test failed: the binary's FAIL,
        // no result line, then the next binary.
        let out = "running 3 tests\n\
                   test a ... ok\n\
                   test b ... FAIL\n\
                   running 2 tests\n\
                   test c ... ok\n\
                   test d ... ok\n\
                   test result: ok. 2 passed; 0 failed; 0 ignored; 0 filtered out; finished in 0.04s\n\
                   running 1 test\n";
        assert_eq!(
            libtest(out),
            Counts {
                passed: 3,
                failed: 3,
                skipped: 0,
            }
        );
        let silent = "running 2 tests\ntest a ... ok\ntest b ... ok\n";
        assert_eq!(
            libtest(silent).failed,
            1,
            "even when every test it saw passed"
        );
    }

    #[test]
    fn no_result_line_counts_nothing() {
        assert_eq!(libtest("no tests to run!\n"), Counts::default());
    }

    #[test]
    fn reads_node_spec_and_tap_summaries() {
        let spec = "ℹ tests 7\nℹ suites 1\nℹ pass 6\nℹ fail 1\nℹ cancelled 0\n";
        assert_eq!(
            node_test(spec),
            Counts {
                passed: 6,
                failed: 1,
                skipped: 0,
            }
        );
        let tap = "# tests 4\n# pass 4\n# fail 0\n";
        assert_eq!(
            node_test(tap),
            Counts {
                passed: 4,
                failed: 0,
                skipped: 0,
            }
        );
        // A test named "pass 3" is not a summary line.
        assert_eq!(node_test("# Subtest: pass 3 things\n"), Counts::default());
    }

    #[test]
    fn zero_tests_or_failures_fail_the_suite() {
        assert!(matches!(
            judge(true, Counts::default(), &[]),
            Outcome::Failed(..)
        ));
        assert!(matches!(
            judge(
                true,
                Counts {
                    passed: 1,
                    failed: 1,
                    skipped: 0,
                },
                &[],
            ),
            Outcome::Failed(..)
        ));
        assert!(matches!(
            judge(
                false,
                Counts {
                    passed: 3,
                    failed: 0,
                    skipped: 0,
                },
                &[],
            ),
            Outcome::Failed(..)
        ));
        assert!(matches!(
            judge(
                true,
                Counts {
                    passed: 3,
                    failed: 0,
                    skipped: 0,
                },
                &[],
            ),
            Outcome::Tests(_)
        ));
    }

    #[test]
    fn counts_ignored_skipped_and_todo_tests() {
        let lib = "test result: ok. 3 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out\n";
        assert_eq!(libtest(lib).skipped, 2);
        let spec = "ℹ tests 9\nℹ pass 6\nℹ fail 0\nℹ cancelled 0\nℹ skipped 2\nℹ todo 1\n";
        assert_eq!(node_test(spec).skipped, 3);
        let tap = "# pass 4\n# fail 0\n# skipped 1\n# todo 0\n";
        assert_eq!(node_test(tap).skipped, 1);
    }

    #[test]
    fn a_skip_nobody_explained_fails_the_suite() {
        let counts = Counts {
            passed: 3,
            failed: 0,
            skipped: 1,
        };
        assert!(matches!(
            judge(true, counts, &["web: stalls".to_string()]),
            Outcome::Failed(why, _) if why.contains("web: stalls")
        ));
        assert!(matches!(judge(true, counts, &[]), Outcome::Tests(_)));
    }

    #[test]
    fn a_failed_step_without_failing_tests_still_counts_as_a_failure() {
        let mut report = Report::new();
        report.add("fmt", Outcome::Failed("exit 1".into(), Counts::default()));
        report.add(
            "suite",
            Outcome::Tests(Counts {
                passed: 4,
                failed: 0,
                skipped: 0,
            }),
        );
        report.add(
            "other",
            judge(
                true,
                Counts {
                    passed: 2,
                    failed: 3,
                    skipped: 0,
                },
                &[],
            ),
        );
        assert!(report.failed());
        assert_eq!(
            report.totals(),
            Counts {
                passed: 6,
                failed: 4,
                skipped: 0,
            }
        );
    }
}
