//! `cargo xtask mutants`: mutation testing with cargo-mutants over the shared crate's pure
//! modules and the host's functions and sandbox, one module at a time, then a table of caught,
//! missed, timed-out and unviable mutants per module and the list of survivors.
//!
//! Mutants are tested in place, one at a time (the worktree's own sources and target directory):
//! no second copy of the tree or of its build. Do not edit the tree while it runs.

mod modules;
mod report;

use std::fs;
use std::path::PathBuf;
use std::time::SystemTime;

use crate::cmd::{Cmd, Error, Result};
use crate::tools;
use crate::workspace::{cargo, Workspace};
use modules::Module;
use report::Verdict;

pub const USAGE: &str = "\
usage: cargo xtask mutants [--module NAME]... [--shard K/N | --sample K/N]
                           [--timeout SECS [--no-baseline]]
                           [--list | --report]

  --module NAME   only this module (repeatable); the default is every one:
                  rules, code, attributes, room_state, network_quality, devices, prejoin,
                  blur
                  (the shared crate's native tests, quick)
                  and functions, sandbox (the host's tests, slow: shard them)
  --shard K/N     only the K-th of N slices of each module's mutants (K from 0)
  --sample K/N    only every N-th mutant from the K-th on, across all of the module's files
                  (cargo-mutants' round-robin sharding): a sample of a module too slow to run
                  whole
  --timeout SECS  a mutant whose tests run longer counts as timed out
                  (default: cargo-mutants' multiple of the unmutated run)
  --no-baseline   skip the unmutated test run first (needs --timeout): for shards of a
                  module whose tests are known to pass
  --list          count each module's mutants, run nothing
  --report        run nothing; sum up what earlier runs left in target/mutants/";

#[derive(Debug, Default, PartialEq)]
struct Args {
    modules: Vec<&'static Module>,
    shard: Option<String>,
    /// A round-robin shard rather than a slice.
    sample: bool,
    timeout: Option<String>,
    no_baseline: bool,
    list: bool,
    report: bool,
}

fn parse_args(args: &[String]) -> Result<Args> {
    let mut parsed = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| Error::new(format!("{flag} needs a value\n\n{USAGE}")))
        };
        match arg.as_str() {
            "--module" => {
                let name = value("--module")?;
                let module = modules::by_name(&name).ok_or_else(|| {
                    Error::new(format!(
                        "no module `{name}`: the modules are {}",
                        modules::names()
                    ))
                })?;
                parsed.modules.push(module);
            }
            flag @ ("--shard" | "--sample") => {
                let shard = value(flag)?;
                if !valid_shard(&shard) {
                    return Err(Error::new(format!(
                        "{flag} {shard}: give K/N with 0 <= K < N, e.g. 0/4"
                    )));
                }
                if parsed.shard.is_some() {
                    return Err(Error::new("--shard and --sample: give one of them, once"));
                }
                parsed.sample = flag == "--sample";
                parsed.shard = Some(shard);
            }
            "--timeout" => {
                let secs = value("--timeout")?;
                if secs.parse::<f64>().map_or(true, |s| s <= 0.0) {
                    return Err(Error::new(format!(
                        "--timeout {secs}: give a number of seconds above 0"
                    )));
                }
                parsed.timeout = Some(secs);
            }
            "--no-baseline" => parsed.no_baseline = true,
            "--list" => parsed.list = true,
            "--report" => parsed.report = true,
            other => return Err(Error::new(format!("unknown option `{other}`\n\n{USAGE}"))),
        }
    }
    if parsed.no_baseline && parsed.timeout.is_none() {
        return Err(Error::new(
            "--no-baseline needs --timeout: without the unmutated run there is nothing to \
             derive a timeout from",
        ));
    }
    if parsed.list && parsed.report {
        return Err(Error::new("--list and --report: give one of them"));
    }
    if parsed.modules.is_empty() {
        parsed.modules = modules::MODULES.iter().collect();
    }
    Ok(parsed)
}

fn valid_shard(shard: &str) -> bool {
    let Some((k, n)) = shard.split_once('/') else {
        return false;
    };
    matches!((k.parse::<u32>(), n.parse::<u32>()), (Ok(k), Ok(n)) if k < n)
}

/// Where one module's (or one shard's) run leaves its `mutants.out`.
fn output_dir(ws: &Workspace, module: &Module, shard: Option<&str>, sample: bool) -> PathBuf {
    let kind = if sample { "sample" } else { "shard" };
    let name = match shard {
        Some(s) => format!("{}-{kind}-{}", module.name, s.replace('/', "-of-")),
        None => module.name.to_owned(),
    };
    ws.path("target/mutants").join(name)
}

pub fn mutants(ws: &Workspace, args: &[String]) -> Result<()> {
    let args = parse_args(args)?;
    if !args.report {
        tools::ensure_cargo_mutants()?;
    }
    if args.list {
        return list(ws, &args);
    }
    if !args.report {
        for module in &args.modules {
            run_module(ws, module, &args)?;
        }
    }
    summarise(ws, &args.modules)
}

/// `cargo mutants` for one module, the shared arguments first.
fn cargo_mutants(module: &Module, args: &Args) -> Cmd {
    let mut cmd = Cmd::new(cargo())
        // The workspace's `mutants` profile: the test profile without debug information.
        .args(["mutants", "--in-place", "--profile", "mutants", "--package"])
        .arg(module.package);
    for glob in module.globs() {
        cmd = cmd.args(["--file", &glob]);
    }
    if let Some(shard) = &args.shard {
        cmd = cmd.args(["--shard", shard]);
        if args.sample {
            cmd = cmd.args(["--sharding", "round-robin"]);
        }
    }
    cmd
}

fn list(ws: &Workspace, args: &Args) -> Result<()> {
    for module in &args.modules {
        let out = cargo_mutants(module, args)
            .arg("--list")
            .dir(&ws.root)
            .output()
            .ok_or_else(|| {
                Error::new(format!("`cargo mutants --list` failed for {}", module.name))
            })?;
        let count = out.lines().filter(|l| !l.trim().is_empty()).count();
        println!("{:<12} {count} mutants", module.name);
    }
    Ok(())
}

fn run_module(ws: &Workspace, module: &Module, args: &Args) -> Result<()> {
    let out = output_dir(ws, module, args.shard.as_deref(), args.sample);
    fs::create_dir_all(&out).map_err(|e| Error::new(format!("creating {}: {e}", out.display())))?;
    let mut cmd = cargo_mutants(module, args).arg("--output").arg(&out);
    if let Some(secs) = &args.timeout {
        cmd = cmd.args(["--timeout", secs]);
    }
    if args.no_baseline {
        cmd = cmd.args(["--baseline", "skip"]);
    }
    cmd = cmd.arg("--").args(module.test_args);
    // cargo-mutants exits non-zero when a mutant survives: the table below says which.
    let (_ok, _) = cmd.dir(&ws.root).run_tee()?;
    if !out.join("mutants.out/outcomes.json").is_file() {
        return Err(Error::new(format!(
            "cargo mutants left no {}/mutants.out/outcomes.json: its output above says why \
             (an unmutated test run that fails stops it)",
            out.display()
        )));
    }
    Ok(())
}

/// Every `outcomes.json` under target/mutants for these modules, tallied (a mutant run more
/// than once counts with its latest verdict).
fn summarise(ws: &Workspace, wanted: &[&'static Module]) -> Result<()> {
    let root = ws.path("target/mutants");
    let entries = fs::read_dir(&root).map_err(|e| {
        Error::new(format!(
            "no results in {} ({e}): run `cargo xtask mutants` first",
            root.display()
        ))
    })?;
    let mut found: Vec<(SystemTime, PathBuf)> = entries
        .flatten()
        .map(|e| e.path().join("mutants.out/outcomes.json"))
        .filter_map(|path| Some((fs::metadata(&path).ok()?.modified().ok()?, path)))
        .collect();
    found.sort();
    let mut runs = Vec::new();
    for (_, outcomes) in found {
        let text = fs::read_to_string(&outcomes)
            .map_err(|e| Error::new(format!("reading {}: {e}", outcomes.display())))?;
        runs.push(
            report::parse(&text).map_err(|e| Error::new(format!("{}: {e}", outcomes.display())))?,
        );
    }
    let mutants = report::latest(runs);
    let rows = report::tally(&mutants, wanted);
    println!("\n{}", report::table(&rows));
    for (verdict, title) in [
        (Verdict::Missed, "missed (survived)"),
        (Verdict::TimedOut, "timed out (counted as caught)"),
    ] {
        let names = report::named(&mutants, wanted, verdict);
        if !names.is_empty() {
            println!("{title}:");
            for name in names {
                println!("  {name}");
            }
        }
    }
    let short = report::shortfalls(&rows);
    if short.is_empty() {
        Ok(())
    } else {
        Err(Error::new(format!(
            "below the bar: {}; kill the survivors with tests, or exclude a harmless one in \
             .cargo/mutants.toml with its reason",
            short.join("; ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args> {
        parse_args(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn every_module_by_default_or_the_ones_named() {
        assert_eq!(args(&[]).unwrap().modules.len(), modules::MODULES.len());
        let some = args(&["--module", "code", "--module", "sandbox"]).unwrap();
        let names: Vec<_> = some.modules.iter().map(|m| m.name).collect();
        assert_eq!(names, ["code", "sandbox"]);
    }

    #[test]
    fn bad_options_say_what_to_give() {
        let err = |list: &[&str]| args(list).unwrap_err().to_string();
        assert!(err(&["--module", "nope"]).contains("the modules are rules, code"));
        assert!(err(&["--module"]).contains("--module needs a value"));
        assert!(err(&["--shard", "4/4"]).contains("0 <= K < N"));
        assert!(err(&["--shard", "x"]).contains("0 <= K < N"));
        assert!(err(&["--sample", "3/3"]).contains("--sample 3/3: give K/N"));
        assert!(err(&["--shard", "0/2", "--sample", "1/2"]).contains("one of them"));
        assert!(err(&["--timeout", "0"]).contains("above 0"));
        assert!(err(&["--list", "--report"]).contains("one of them"));
        assert!(err(&["--no-baseline"]).contains("needs --timeout"));
        assert!(err(&["--fast"]).contains("unknown option `--fast`"));
        let ok = args(&["--shard", "1/3", "--timeout", "90", "--no-baseline"]).unwrap();
        assert_eq!(
            (ok.shard.as_deref(), ok.timeout.as_deref(), ok.no_baseline),
            (Some("1/3"), Some("90"), true)
        );
        assert!(args(&["--report"]).unwrap().report);
        let sample = args(&["--sample", "0/8"]).unwrap();
        assert_eq!(
            (sample.shard.as_deref(), sample.sample),
            (Some("0/8"), true)
        );
        assert!(!args(&["--shard", "0/8"]).unwrap().sample);
    }
}
