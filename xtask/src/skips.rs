//! Tests a suite did not run (ignored, skipped, todo) must each be explained here; any other
//! fails `cargo xtask test`. The names come from the runners' own lines: libtest's and
//! wasm-bindgen-test's `test NAME ... ignored`, node's spec reporter `﹣ NAME (…) # SKIP` /
//! `# TODO`, and TAP's `ok N - NAME # SKIP`.

/// `(suite, test name, why it may be skipped)`. Keep this empty unless a test truly cannot run
/// in some environment, and say which one and why.
pub const ALLOWED: &[(&str, &str, &str)] = &[];

/// The names of the tests `output` reports as not run.
pub fn not_run(output: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in output.lines() {
        let line = line.trim();
        // libtest and wasm-bindgen-test: `test a::b ... ignored` (maybe `, reason`).
        if let Some(rest) = line.strip_prefix("test ") {
            if let Some((name, verdict)) = rest.split_once(" ... ") {
                if verdict.starts_with("ignored") {
                    names.push(name.to_string());
                }
                continue;
            }
        }
        // node spec reporter: `﹣ name (0.2ms) # SKIP` or `# TODO`.
        if let Some(rest) = line.strip_prefix("﹣ ") {
            if let Some(at) = rest.rfind(" # ") {
                let name = rest[..at].trim_end();
                let name = match name.rfind(" (") {
                    Some(p) if name.ends_with(')') => &name[..p],
                    _ => name,
                };
                names.push(name.to_string());
            }
            continue;
        }
        // TAP: `ok 3 - name # SKIP reason` / `# TODO`.
        if let Some(rest) = line.strip_prefix("ok ") {
            if let Some((_, named)) = rest.split_once(" - ") {
                if let Some(at) = named.find(" # SKIP").or_else(|| named.find(" # TODO")) {
                    names.push(named[..at].to_string());
                }
            }
        }
    }
    names
}

/// What is not run in `suite` without an entry in `allowed`; `reported` is the runner's own
/// count, so a skip whose line could not be read is not let through either.
pub fn unexplained(
    suite: &str,
    output: &str,
    reported: u64,
    allowed: &[(&str, &str, &str)],
) -> Vec<String> {
    let names = not_run(output);
    let mut out: Vec<String> = names
        .iter()
        .filter(|n| !allowed.iter().any(|(s, a, _)| *s == suite && a == n))
        .map(|n| format!("{suite}: {n}"))
        .collect();
    let seen = names.len() as u64;
    if reported > seen {
        out.push(format!(
            "{suite}: {} more reported as not run without a name",
            reported - seen
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_runners_not_run_lines() {
        let out = "\
test rules::tests::a ... ok
test rules::tests::b ... ignored
test web::stalls ... ignored, needs a display
✔ runs (1.2ms)
﹣ waits for a device (0.1ms) # SKIP
﹣ pictures # TODO
ok 1 - fine
ok 2 - later # SKIP not today
ok 3 - someday # TODO
";
        assert_eq!(
            not_run(out),
            [
                "rules::tests::b",
                "web::stalls",
                "waits for a device",
                "pictures",
                "later",
                "someday"
            ]
        );
    }

    #[test]
    fn only_the_allow_list_explains_a_skip() {
        let out = "test a ... ignored\ntest b ... ignored\n";
        let allowed = [("cargo", "a", "because")];
        assert_eq!(unexplained("cargo", out, 2, &allowed), ["cargo: b"]);
        // The same name in another suite is not allowed.
        assert_eq!(unexplained("node", out, 2, &allowed).len(), 2);
        assert!(unexplained("cargo", "test a ... ignored\n", 1, &allowed).is_empty());
    }

    #[test]
    fn a_skip_the_runner_counted_but_did_not_name_is_unexplained() {
        assert_eq!(
            unexplained("e2e", "", 2, &[]),
            ["e2e: 2 more reported as not run without a name"]
        );
        assert!(unexplained("e2e", "", 0, &[]).is_empty());
    }

    #[test]
    fn the_allow_list_says_why_for_each_entry() {
        for (suite, name, why) in ALLOWED {
            assert!(!suite.is_empty() && !name.is_empty() && why.len() > 10);
        }
    }
}
