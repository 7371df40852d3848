//! `cargo xtask test`: installs what is missing, then runs every check and suite in
//! order, keeps going after a failure so one run shows everything, and closes with a
//! table of what each suite ran. Fails if anything failed or a suite ran no tests.

use crate::build::{self, HostProfile};
use crate::cmd::{Cmd, Error, Result};
use crate::entries::ENTRIES;
use crate::site;
use crate::skips;
use crate::suites::{self, Counts, Outcome, Report};
use crate::tools;
use crate::workspace::{cargo, Workspace};

/// The most one browser test (one file's top-level test) may take before it fails.
const E2E_TEST_TIMEOUT_MS: u32 = 180_000;

/// Seconds the whole browser test binary may take (wasm-bindgen-test-runner's default is 20).
const BROWSER_SUITE_TIMEOUT_SECS: &str = "300";

pub fn test(ws: &Workspace) -> Result<()> {
    let mut report = Report::new();
    if let Err(err) = tools::ensure_test_tools(ws) {
        report.add(
            "install missing tools",
            Outcome::Failed(err.to_string(), Counts::default()),
        );
        report.print();
        return Err(err);
    }
    report.add("install missing tools", Outcome::Ok);

    check(
        &mut report,
        "cargo fmt --check",
        cargo_cmd(ws, &["fmt", "--all", "--", "--check"]),
    );
    check(
        &mut report,
        "clippy, workspace",
        cargo_cmd(
            ws,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
    );
    check(
        &mut report,
        "clippy, crate for wasm32",
        cargo_cmd(
            ws,
            &[
                "clippy",
                "-p",
                "chat-to-video",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
    );

    // Each browser module alone (the build makes both): what only one of them compiles.
    for entry in ENTRIES {
        check(
            &mut report,
            &format!("clippy, crate for wasm32, {} module alone", entry.name),
            cargo_cmd(
                ws,
                &[
                    "clippy",
                    "-p",
                    "chat-to-video",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--lib",
                    "--no-default-features",
                    "--features",
                    entry.features,
                    "--",
                    "-D",
                    "warnings",
                ],
            ),
        );
    }

    suite(
        &mut report,
        "cargo test --workspace",
        cargo_cmd(ws, &["test", "--workspace"]),
        suites::libtest,
    );
    suite(
        &mut report,
        "wasm-pack test --node",
        Cmd::new("wasm-pack").args(["test", "--node"]).dir(&ws.root),
        suites::libtest,
    );
    suite(
        &mut report,
        "wasm-pack test --headless --chrome",
        Cmd::new("wasm-pack")
            .args(["test", "--headless", "--chrome"])
            .env("WASM_BINDGEN_TEST_TIMEOUT", BROWSER_SUITE_TIMEOUT_SECS)
            .dir(&ws.root),
        suites::libtest,
    );

    let built = step(
        &mut report,
        "build: wasm (cargo, wasm-bindgen, wasm-opt)",
        || build::wasm(ws),
    ) && step(&mut report, "shell type-check (tsc)", || {
        build::typecheck_shell(ws)
    }) && step(&mut report, "build: bundle, site, host", || {
        build::bundle(ws)?;
        site::assemble(ws)?;
        build::host_binary(ws, HostProfile::Dev)?;
        // The recording proxy that checks the deploy's exchanges against Twilio's specs.
        cargo_cmd(
            ws,
            &["build", "-p", "plugin-host", "--example", "openapi_proxy"],
        )
        .run()
    });
    const SHELL: &str = "shell build and embedded module (node --test pkg-shim/test)";
    const E2E: &str = "browser tests (node --test tests/e2e)";
    if built {
        let shell = Cmd::new("node")
            .args(["--test", "--test-reporter=spec", "test/"])
            .dir(&ws.path("pkg-shim"));
        suite(&mut report, SHELL, shell, suites::node_test);
        // Every file once, network-throttle.test.mjs among them: it re-executes itself in a
        // network namespace of its own (`unshare -n`, its loopback shaped by `tc`), and the
        // runner reads its results as any other file's.
        let e2e = Cmd::new("node")
            .args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
            // A test that hangs fails instead of holding the run.
            .arg(format!("--test-timeout={E2E_TEST_TIMEOUT_MS}"))
            .env("CHAT_TO_VIDEO_BUNDLE", ws.bundle())
            .env("CHAT_TO_VIDEO_RELEASE_BUNDLE", ws.release_bundle())
            .env("CHAT_TO_VIDEO_SITE", ws.site())
            .env("PLUGIN_HOST_BIN", ws.host_binary())
            .env("XTASK_BIN", std::env::current_exe()?)
            .env(
                "OPENAPI_PROXY_BIN",
                ws.cargo_target.join("debug/examples/openapi_proxy"),
            )
            .dir(&ws.path("tests/e2e"));
        suite(&mut report, E2E, e2e, suites::node_test);
    } else {
        report.add(SHELL, Outcome::Skipped("the build failed".to_string()));
        report.add(E2E, Outcome::Skipped("the build failed".to_string()));
    }

    // The one file to deploy, run as a container runs it: alone in an empty directory,
    // configured by environment variables only, the site served from inside it.
    const STATIC: &str =
        "walkthrough on the static host (node --test tests/e2e/walkthrough.test.mjs)";
    let static_built = built
        && step(
            &mut report,
            "build: static host (musl, site inside)",
            || build::static_host(ws),
        );
    if static_built {
        match static_wrapper(ws) {
            Ok(wrapper) => {
                let walkthrough = Cmd::new("node")
                    .args(["--test", "--test-reporter=spec", "walkthrough.test.mjs"])
                    .env("CHAT_TO_VIDEO_BUNDLE", ws.bundle())
                    .env("CHAT_TO_VIDEO_RELEASE_BUNDLE", ws.release_bundle())
                    .env("CHAT_TO_VIDEO_SITE", ws.site())
                    .env("PLUGIN_HOST_BIN", &wrapper)
                    .dir(&ws.path("tests/e2e"));
                suite(&mut report, STATIC, walkthrough, suites::node_test);
            }
            Err(err) => report.add(STATIC, Outcome::Failed(err.to_string(), Counts::default())),
        }
    } else {
        report.add(STATIC, Outcome::Skipped("the build failed".to_string()));
    }

    report.print();
    if report.failed() {
        Err(Error::new(
            "some checks or suites failed; see the summary above",
        ))
    } else {
        Ok(())
    }
}

/// A stand-in for the host binary that the browser tests' harness starts: it copies the static
/// host into a new empty directory, turns the harness's flags into environment variables (the
/// site directory it names is dropped: the site is inside the binary) and runs it there with no
/// other environment.
fn static_wrapper(ws: &Workspace) -> Result<std::path::PathBuf> {
    let dir = ws.path("target/tmp/static-host");
    std::fs::create_dir_all(&dir)?;
    let wrapper = dir.join("run.sh");
    let script = format!(
        r#"#!/bin/sh
set -e
run=$(mktemp -d "{runs}/run-XXXXXX")
cp "{bin}" "$run/plugin-host"
cd "$run"
LISTEN=127.0.0.1:0 DATA_DIR=data ICE_LOOPBACK_ONLY=false
while [ $# -gt 0 ]; do
  case "$1" in
    --listen) LISTEN=$2; shift 2 ;;
    --data-dir) DATA_DIR=$2; shift 2 ;;
    --assets) shift 2 ;;
    --ice-loopback-only) ICE_LOOPBACK_ONLY=$2; shift 2 ;;
    *) echo "static host wrapper: unexpected argument $1" >&2; exit 2 ;;
  esac
done
exec env -i LISTEN="$LISTEN" DATA_DIR="$DATA_DIR" ICE_LOOPBACK_ONLY="$ICE_LOOPBACK_ONLY" RUST_LOG=warn ./plugin-host
"#,
        runs = dir.display(),
        bin = ws.static_host_binary().display(),
    );
    std::fs::write(&wrapper, script)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(wrapper)
}

fn cargo_cmd(ws: &Workspace, args: &[&str]) -> Cmd {
    Cmd::new(cargo()).args(args).dir(&ws.root)
}

fn check(report: &mut Report, name: &str, cmd: Cmd) {
    step(report, name, || cmd.run());
}

fn step(report: &mut Report, name: &str, f: impl FnOnce() -> Result<()>) -> bool {
    match f() {
        Ok(()) => {
            report.add(name, Outcome::Ok);
            true
        }
        Err(err) => {
            report.add(name, Outcome::Failed(err.to_string(), Counts::default()));
            false
        }
    }
}

fn suite(report: &mut Report, name: &str, cmd: Cmd, parse: fn(&str) -> Counts) {
    let outcome = match cmd.run_tee() {
        Ok((succeeded, output)) => {
            let counts = parse(&output);
            let unexplained = skips::unexplained(name, &output, counts.skipped, skips::ALLOWED);
            suites::judge(succeeded, counts, &unexplained)
        }
        Err(err) => Outcome::Failed(err.to_string(), Counts::default()),
    };
    report.add(name, outcome);
}
