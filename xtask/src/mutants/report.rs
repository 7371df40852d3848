//! Reading cargo-mutants' `outcomes.json` and summing it up per module: caught, missed, timed
//! out and unviable mutants, the share caught, and the mutants that survived.
//!
//! A mutant whose tests ran out of time counts as caught, as cargo-mutants counts it: the tests
//! did not pass (mutants that make a loop endless time out). Only a missed mutant survived.

use serde_json::Value;

use super::modules::{self, Bar, Module};

/// What the tests made of one mutant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Caught,
    Missed,
    TimedOut,
    /// It did not build: nothing to test.
    Unviable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutant {
    /// Workspace-relative source file.
    pub file: String,
    /// cargo-mutants' description: file, line, column and the change.
    pub name: String,
    pub verdict: Verdict,
}

/// The mutants of one `outcomes.json` (the baseline left out).
pub fn parse(json: &str) -> Result<Vec<Mutant>, String> {
    let root: Value =
        serde_json::from_str(json).map_err(|e| format!("outcomes.json is not JSON: {e}"))?;
    let outcomes = root["outcomes"]
        .as_array()
        .ok_or("outcomes.json has no `outcomes` list")?;
    let mut mutants = Vec::new();
    for outcome in outcomes {
        let Some(mutant) = outcome["scenario"].get("Mutant") else {
            continue; // "Baseline"
        };
        let summary = outcome["summary"].as_str().unwrap_or_default();
        let verdict = match summary {
            "CaughtMutant" => Verdict::Caught,
            "MissedMutant" => Verdict::Missed,
            "Timeout" => Verdict::TimedOut,
            "Unviable" => Verdict::Unviable,
            other => return Err(format!("a mutant with the unknown outcome `{other}`")),
        };
        let text = |key: &str| {
            mutant[key]
                .as_str()
                .map(str::to_owned)
                .ok_or(format!("a mutant without `{key}`"))
        };
        mutants.push(Mutant {
            file: text("file")?,
            name: text("name")?,
            verdict,
        });
    }
    Ok(mutants)
}

/// One module's line of the table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Row {
    pub module: String,
    pub caught: usize,
    pub missed: usize,
    pub timed_out: usize,
    pub unviable: usize,
}

impl Row {
    /// The mutants that built, so the tests could judge them.
    pub fn viable(&self) -> usize {
        self.caught + self.missed + self.timed_out
    }

    /// Caught (or timed out) out of viable, in percent.
    pub fn percent_caught(&self) -> Option<f64> {
        let viable = self.viable();
        (viable > 0).then(|| (self.caught + self.timed_out) as f64 * 100.0 / viable as f64)
    }

    /// Whether the row clears the module's bar.
    pub fn meets(&self, bar: Bar) -> bool {
        match bar {
            Bar::All => self.missed == 0,
            Bar::Percent(p) => self
                .percent_caught()
                .is_none_or(|caught| caught >= f64::from(p)),
        }
    }
}

/// Per module of `wanted`, in its order; mutants of files outside them are left out.
pub fn tally(mutants: &[Mutant], wanted: &[&Module]) -> Vec<Row> {
    wanted
        .iter()
        .map(|module| {
            let mut row = Row {
                module: module.name.to_owned(),
                ..Row::default()
            };
            for m in mutants.iter().filter(|m| module.owns(&m.file)) {
                match m.verdict {
                    Verdict::Caught => row.caught += 1,
                    Verdict::Missed => row.missed += 1,
                    Verdict::TimedOut => row.timed_out += 1,
                    Verdict::Unviable => row.unviable += 1,
                }
            }
            row
        })
        .collect()
}

/// The table, one line per row.
pub fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<12} {:>7} {:>7} {:>10} {:>9} {:>9}\n",
        "module", "caught", "missed", "timed out", "unviable", "% caught"
    );
    for r in rows {
        let percent = r
            .percent_caught()
            .map_or_else(|| "-".to_owned(), |p| format!("{p:.1}"));
        out.push_str(&format!(
            "{:<12} {:>7} {:>7} {:>10} {:>9} {:>9}\n",
            r.module, r.caught, r.missed, r.timed_out, r.unviable, percent
        ));
    }
    out
}

/// The mutants of the modules in `wanted` with `verdict`, by name.
pub fn named(mutants: &[Mutant], wanted: &[&Module], verdict: Verdict) -> Vec<String> {
    mutants
        .iter()
        .filter(|m| m.verdict == verdict && wanted.iter().any(|w| w.owns(&m.file)))
        .map(|m| m.name.clone())
        .collect()
}

/// Several runs' mutants as one: a mutant run again (a later run, given last) keeps its latest
/// verdict, in the place it was first seen.
pub fn latest(runs: Vec<Vec<Mutant>>) -> Vec<Mutant> {
    let mut all: Vec<Mutant> = Vec::new();
    let mut at = std::collections::HashMap::new();
    for m in runs.into_iter().flatten() {
        match at.get(&m.name) {
            Some(&i) => all[i] = m,
            None => {
                at.insert(m.name.clone(), all.len());
                all.push(m);
            }
        }
    }
    all
}

/// The modules whose row falls short of their bar, described for a person.
pub fn shortfalls(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .filter_map(|row| {
            let bar = modules::by_name(&row.module)?.bar;
            (!row.meets(bar)).then(|| match bar {
                Bar::All => format!(
                    "{}: {} mutant(s) survived, and none may",
                    row.module, row.missed
                ),
                Bar::Percent(p) => format!(
                    "{}: {:.1}% caught, below {p}%",
                    row.module,
                    row.percent_caught().unwrap_or(0.0)
                ),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mutants::modules::by_name;

    const OUTCOMES: &str = r#"{
      "outcomes": [
        {"scenario": "Baseline", "summary": "Success"},
        {"scenario": {"Mutant": {"name": "src/rules.rs:10:5: replace f -> bool with true",
          "package": "chat-to-video", "file": "src/rules.rs"}}, "summary": "CaughtMutant"},
        {"scenario": {"Mutant": {"name": "src/rules/tests.rs:3:1: replace g with ()",
          "package": "chat-to-video", "file": "src/rules/tests.rs"}}, "summary": "MissedMutant"},
        {"scenario": {"Mutant": {"name": "src/code.rs:7:9: replace < with <=",
          "package": "chat-to-video", "file": "src/code.rs"}}, "summary": "Timeout"},
        {"scenario": {"Mutant": {"name": "src/code.rs:8:9: replace h -> u8 with 0",
          "package": "chat-to-video", "file": "src/code.rs"}}, "summary": "Unviable"},
        {"scenario": {"Mutant": {"name": "src/session.rs:1:1: replace k with ()",
          "package": "chat-to-video", "file": "src/session.rs"}}, "summary": "MissedMutant"}
      ],
      "total_mutants": 5
    }"#;

    fn wanted(names: &[&str]) -> Vec<&'static Module> {
        names.iter().map(|n| by_name(n).unwrap()).collect()
    }

    #[test]
    fn parses_each_mutant_and_skips_the_baseline() {
        let mutants = parse(OUTCOMES).unwrap();
        assert_eq!(mutants.len(), 5);
        assert_eq!(
            mutants[0],
            Mutant {
                file: "src/rules.rs".into(),
                name: "src/rules.rs:10:5: replace f -> bool with true".into(),
                verdict: Verdict::Caught,
            }
        );
        let verdicts: Vec<_> = mutants.iter().map(|m| m.verdict).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Caught,
                Verdict::Missed,
                Verdict::TimedOut,
                Verdict::Unviable,
                Verdict::Missed
            ]
        );
    }

    #[test]
    fn refuses_what_is_not_an_outcomes_file() {
        assert!(parse("nope").unwrap_err().contains("not JSON"));
        assert!(parse("{}").unwrap_err().contains("no `outcomes`"));
        let odd = r#"{"outcomes": [{"scenario": {"Mutant": {"name": "n", "file": "f"}},
            "summary": "Exploded"}]}"#;
        assert!(parse(odd).unwrap_err().contains("`Exploded`"));
        let nameless = r#"{"outcomes": [{"scenario": {"Mutant": {"file": "f"}},
            "summary": "MissedMutant"}]}"#;
        assert!(parse(nameless).unwrap_err().contains("`name`"));
    }

    #[test]
    fn tallies_per_module_and_leaves_other_files_out() {
        let mutants = parse(OUTCOMES).unwrap();
        let rows = tally(&mutants, &wanted(&["rules", "code", "functions"]));
        assert_eq!(
            rows,
            [
                Row {
                    module: "rules".into(),
                    caught: 1,
                    missed: 1,
                    ..Row::default()
                },
                Row {
                    module: "code".into(),
                    timed_out: 1,
                    unviable: 1,
                    ..Row::default()
                },
                Row {
                    module: "functions".into(),
                    ..Row::default()
                },
            ]
        );
        assert_eq!(rows[0].percent_caught(), Some(50.0));
        assert_eq!(rows[1].percent_caught(), Some(100.0), "a timeout is caught");
        assert_eq!(rows[2].percent_caught(), None);
    }

    #[test]
    fn prints_a_table_with_the_share_caught() {
        let rows = [
            Row {
                module: "rules".into(),
                caught: 2,
                missed: 1,
                timed_out: 0,
                unviable: 4,
            },
            Row {
                module: "sandbox".into(),
                ..Row::default()
            },
        ];
        assert_eq!(
            table(&rows),
            "\
module        caught  missed  timed out  unviable  % caught
rules              2       1          0         4      66.7
sandbox            0       0          0         0         -
"
        );
    }

    #[test]
    fn names_the_mutants_of_a_verdict_in_the_modules_asked_for() {
        let mutants = parse(OUTCOMES).unwrap();
        let asked = wanted(&["rules", "code"]);
        assert_eq!(
            named(&mutants, &asked, Verdict::Missed),
            ["src/rules/tests.rs:3:1: replace g with ()"]
        );
        assert_eq!(
            named(&mutants, &asked, Verdict::TimedOut),
            ["src/code.rs:7:9: replace < with <="]
        );
    }

    #[test]
    fn a_mutant_run_again_keeps_its_latest_verdict() {
        let m = |name: &str, verdict| Mutant {
            file: "src/code.rs".into(),
            name: name.into(),
            verdict,
        };
        let first = vec![m("a", Verdict::Missed), m("b", Verdict::Caught)];
        let again = vec![m("a", Verdict::Caught), m("c", Verdict::Unviable)];
        assert_eq!(
            latest(vec![first, again]),
            [
                m("a", Verdict::Caught),
                m("b", Verdict::Caught),
                m("c", Verdict::Unviable)
            ]
        );
    }

    #[test]
    fn a_shared_module_allows_no_survivor_and_the_host_ninety_percent() {
        let row = |module: &str, caught, missed, timed_out| Row {
            module: module.into(),
            caught,
            missed,
            timed_out,
            unviable: 0,
        };
        assert!(shortfalls(&[row("rules", 9, 0, 1), row("functions", 8, 1, 1)]).is_empty());
        assert_eq!(
            shortfalls(&[row("code", 9, 1, 0), row("sandbox", 7, 2, 1)]),
            [
                "code: 1 mutant(s) survived, and none may",
                "sandbox: 80.0% caught, below 90%"
            ]
        );
        assert!(
            shortfalls(&[row("sandbox", 0, 0, 0)]).is_empty(),
            "nothing run"
        );
    }
}
