//! `cargo xtask bench`: builds, then prints the figures that matter for the plugin:
//! sizes (raw and gzip -9), the time from adding the bundle's script to the plugin's
//! `init` finishing in headless Chromium and the longest main-thread task meanwhile, Join →
//! first remote frame, every function's Twilio round trips (calls, sequential waves and
//! latency with a fixed delay per Twilio request), and the host's own benchmarks; then the budgets
//! ([`crate::budgets`]), failing when one does not hold.

use std::fs;
use std::path::Path;

use crate::budgets::{self, Budget};
use crate::build::{self, HostProfile};
use crate::cmd::{Cmd, Error, Result};
use crate::entries::ENTRIES;
use crate::site::gzip;
use crate::tools;
use crate::workspace::{cargo, Workspace};

/// Start-up runs: each takes about a second, and the median of 9 is steadier than of 5.
const LOAD_RUNS: &str = "9";
/// Calls from Join to the first remote frame: each takes a few seconds.
const VIDEO_RUNS: &str = "5";

/// One printed figure; add rows to `figures` to report more.
struct Figure {
    name: String,
    value: String,
}

fn figure(name: &str, value: String) -> Figure {
    Figure {
        name: name.to_string(),
        value,
    }
}

pub fn bench(ws: &Workspace) -> Result<()> {
    tools::ensure_build_tools(ws)?;
    build::all(ws, HostProfile::Dev)?;

    let mut budgets = budgets::all();
    let mut figures = sizes(ws, &mut budgets)?;
    figures.extend(load_to_init(ws, &mut budgets)?);
    figures.extend(join_to_first_frame(ws, &mut budgets)?);
    figures.extend(wasm_breakdown(ws)?);
    print(&figures);
    round_trips(ws, &mut budgets)?;

    if ws.path("plugin-host/benches/generate_code.rs").is_file() {
        Cmd::new(cargo())
            .args(["bench", "-p", "plugin-host", "--bench", "generate_code"])
            .dir(&ws.root)
            .run()?;
    } else {
        println!("(plugin-host has no generate_code benchmark yet)");
    }
    // The HTTP edge under slowloris, big frames and unauthenticated sockets: /healthz latency
    // and the service's memory.
    Cmd::new(cargo())
        .args(["bench", "-p", "plugin-host", "--bench", "edge"])
        .dir(&ws.root)
        .run()?;

    print!("{}", budgets::table(&budgets));
    let breaches = budgets::breaches(&budgets);
    if breaches.is_empty() {
        println!("every budget holds");
        Ok(())
    } else {
        Err(Error::new(format!(
            "{} of {} budgets do not hold:\n  {}",
            breaches.len(),
            budgets.len(),
            breaches.join("\n  ")
        )))
    }
}

/// (raw, gzip -9) bytes of a file.
fn raw_and_gzip(path: &Path) -> Result<(u64, u64)> {
    let bytes = fs::read(path).map_err(|err| Error::new(format!("{}: {err}", path.display())))?;
    Ok((bytes.len() as u64, gzip(&bytes)?.len() as u64))
}

fn kb(bytes: u64) -> String {
    format!("{bytes} B ({:.1} KiB)", bytes as f64 / 1024.0)
}

/// The bundle's gzip budget, from `sizeBudget.bundleGzipBytes` in pkg-shim/package.json
/// (where `pkg-shim/build.mjs` enforces it).
fn bundle_gzip_budget(ws: &Workspace) -> Result<u64> {
    let path = ws.path("pkg-shim/package.json");
    let text = fs::read_to_string(&path)
        .map_err(|err| Error::new(format!("{}: {err}", path.display())))?;
    budget_in(&text).ok_or_else(|| {
        Error::new(format!(
            "{} has no sizeBudget.bundleGzipBytes",
            path.display()
        ))
    })
}

fn budget_in(manifest: &str) -> Option<u64> {
    let json: serde_json::Value = serde_json::from_str(manifest).ok()?;
    json["sizeBudget"]["bundleGzipBytes"]
        .as_u64()
        .filter(|&n| n > 0)
}

fn sizes(ws: &Workspace, budgets: &mut [Budget]) -> Result<Vec<Figure>> {
    let mut out = Vec::new();
    for entry in ENTRIES {
        let shipped = ws.path(entry.out_dir).join("chat_to_video_bg.wasm");
        let (wasm, wasm_gz) = raw_and_gzip(&shipped)?;
        out.push(figure(&format!("{} .wasm, raw", entry.name), kb(wasm)));
        out.push(figure(
            &format!("{} .wasm, gzip -9", entry.name),
            kb(wasm_gz),
        ));
    }
    let (desk, desk_gz) = raw_and_gzip(&ws.bundle())?;
    out.push(figure(
        "sandbox desk's plugin bundle (with the mesh), raw",
        kb(desk),
    ));
    out.push(figure(
        "sandbox desk's plugin bundle (with the mesh), gzip -9",
        kb(desk_gz),
    ));
    // The budget is the bundle Flex loads: the one `cargo xtask deploy` releases.
    let (bundle, bundle_gz) = raw_and_gzip(&ws.release_bundle())?;
    out.push(figure(
        "plugin bundle released to Flex, raw (.wasm inside deflated)",
        kb(bundle),
    ));
    budgets::measure(budgets, budgets::BUNDLE_GZIP, bundle_gz as f64);
    let budget = bundle_gzip_budget(ws)?;
    let verdict = if bundle_gz <= budget {
        "within"
    } else {
        "OVER"
    };
    out.push(figure(
        "plugin bundle released to Flex, gzip -9",
        format!(
            "{} — {verdict} the build's limit of {}",
            kb(bundle_gz),
            kb(budget)
        ),
    ));

    let page = ws.site().join("features/chat-to-video");
    if page.join("index.html").is_file() {
        let mut total = 0;
        // As a twilio-mode host serves it: the module's build without the mesh.
        for file in [
            "index.html",
            "twilio/chat_to_video.js",
            "twilio/chat_to_video_bg.wasm",
        ] {
            total += raw_and_gzip(&page.join(file))?.1;
        }
        out.push(figure(
            "customer page as a twilio-mode host serves it, gzip -9 (HTML+JS+WASM)",
            kb(total),
        ));
    } else {
        out.push(figure(
            "customer page transfer",
            "no customer page in the site yet".to_string(),
        ));
    }
    Ok(out)
}

/// Runs the load benchmark page in headless Chromium; it prints, for each measure, `median
/// worst runs…`.
fn load_to_init(ws: &Workspace, budgets: &mut [Budget]) -> Result<Vec<Figure>> {
    let output = Cmd::new("node")
        .args(["bench-load.mjs", "--runs", LOAD_RUNS])
        // What Flex loads: the bundle `cargo xtask deploy` releases.
        .env("CHAT_TO_VIDEO_BUNDLE", ws.release_bundle())
        .dir(&ws.path("tests/e2e"))
        .output()
        .ok_or_else(|| Error::new("the load benchmark (tests/e2e/bench-load.mjs) failed"))?;
    let unexpected = || Error::new(format!("unexpected load benchmark output:\n{output}"));
    let series = |prefix: &str| -> Result<Series> {
        output
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .and_then(Series::parse)
            .ok_or_else(unexpected)
    };
    let init = series("load-to-init-ms ")?;
    let ours = series("plugin-longest-task-ms ")?;
    let sdk = series("sdk-longest-task-ms ")?;
    budgets::measure(budgets, budgets::LONGEST_TASK, ours.median);
    Ok(vec![
        figure(
            &format!(
                "bundle script added → init finished, median of {}",
                init.runs.len()
            ),
            format!("{:.1} ms", init.median),
        ),
        figure(
            "bundle script added → init finished, worst",
            format!("{:.1} ms", init.worst),
        ),
        figure("  each run", init.each()),
        figure(
            "longest main-thread task, our start-up (median)",
            format!(
                "{:.1} ms (worst {:.1}); {:.2}× the twilio-video SDK script's",
                ours.median,
                ours.worst,
                ours.median / sdk.median
            ),
        ),
        figure("  each run", ours.each()),
        figure(
            "longest main-thread task, loading twilio-video (median)",
            format!("{:.1} ms (worst {:.1})", sdk.median, sdk.worst),
        ),
        figure("  each run", sdk.each()),
    ])
}

/// What each module is made of (tests/e2e/bench-wasm-size.mjs on cargo's output, which still
/// has its names): function bodies summed by crate and by module of ours.
fn wasm_breakdown(ws: &Workspace) -> Result<Vec<Figure>> {
    let mut out = Vec::new();
    for entry in ENTRIES {
        let output = Cmd::new("node")
            .arg("bench-wasm-size.mjs")
            .arg(build::raw_wasm(ws, entry))
            .args(["--top", "8"])
            .dir(&ws.path("tests/e2e"))
            .output()
            .ok_or_else(|| {
                Error::new("the size breakdown (tests/e2e/bench-wasm-size.mjs) failed")
            })?;
        out.push(figure(
            &format!(
                "{} module code by crate and module (cargo's build, before wasm-opt)",
                entry.name
            ),
            String::new(),
        ));
        for line in output.lines() {
            let words: Vec<&str> = match line.strip_prefix("wasm-size ") {
                Some(rest) => rest.split_whitespace().collect(),
                None => continue,
            };
            match words.as_slice() {
                ["code-total", size] => out.push(figure("  all code", format!("{size} B"))),
                [kind @ ("crate" | "module"), name, size] => {
                    out.push(figure(&format!("  {kind} {name}"), format!("{size} B")))
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

/// A benchmark's `median worst run…` line.
struct Series {
    median: f64,
    worst: f64,
    runs: Vec<f64>,
}

impl Series {
    fn parse(line: &str) -> Option<Series> {
        let values: Vec<f64> = line
            .split_whitespace()
            .map(str::parse)
            .collect::<std::result::Result<_, _>>()
            .ok()?;
        let [median, worst, runs @ ..] = values.as_slice() else {
            return None;
        };
        (!runs.is_empty()).then(|| Series {
            median: *median,
            worst: *worst,
            runs: runs.to_vec(),
        })
    }

    fn each(&self) -> String {
        let runs: Vec<String> = self.runs.iter().map(|r| format!("{r:.1}")).collect();
        format!("{} ms", runs.join(", "))
    }
}

/// Runs the video benchmark (tests/e2e/bench-video.mjs): Join → first decoded remote frame
/// in a sandbox room (with its phases, which the benchmark prints) against two bare
/// `RTCPeerConnection`s in one page, the customer page's gzip transfer as the host serves it, and
/// background blur's `processFrame` time per frame.
fn join_to_first_frame(ws: &Workspace, budgets: &mut [Budget]) -> Result<Vec<Figure>> {
    let output = Cmd::new("node")
        .args(["bench-video.mjs", "--runs", VIDEO_RUNS])
        .env("CHAT_TO_VIDEO_SITE", ws.site())
        .env("PLUGIN_HOST_BIN", ws.host_binary())
        .dir(&ws.path("tests/e2e"))
        .output()
        .ok_or_else(|| Error::new("the video benchmark (tests/e2e/bench-video.mjs) failed"))?;
    // Its readable part: each run, and Join → first frame by phase.
    print!("{output}");
    let unexpected = || Error::new(format!("unexpected video benchmark output:\n{output}"));
    let line = |prefix: &str| -> Result<Vec<String>> {
        let l = output
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .ok_or_else(unexpected)?;
        Ok(l.split_whitespace().map(str::to_string).collect())
    };
    let times = line("join-to-first-frame-ms ")?;
    let [median, worst, runs @ ..] = times.as_slice() else {
        return Err(unexpected());
    };
    let bare = line("bare-peer-connections-ms ")?;
    let bare_median: f64 = bare
        .first()
        .and_then(|t| t.parse().ok())
        .ok_or_else(unexpected)?;
    let transfer = line("customer-page-gzip-bytes ")?;
    let total: u64 = transfer
        .first()
        .and_then(|t| t.parse().ok())
        .ok_or_else(unexpected)?;
    budgets::measure(budgets, budgets::CUSTOMER_PAGE_GZIP, total as f64);
    let sandbox_page: u64 = line("customer-page-sandbox-gzip-bytes ")?
        .first()
        .and_then(|t| t.parse().ok())
        .ok_or_else(unexpected)?;
    let join_median: f64 = median.parse().map_err(|_| unexpected())?;
    budgets::measure(budgets, budgets::JOIN_TO_FRAME, join_median);
    let blur = line("blur-ms-per-frame ")?;
    let [mean, median_frame, worst_frame, frames, size, context] = blur.as_slice() else {
        return Err(unexpected());
    };
    Ok(vec![
        figure(
            &format!("background blur, ms per {size} frame ({context}, {frames} frames)"),
            format!("mean {mean} ms, median {median_frame} ms, worst {worst_frame} ms"),
        ),
        figure(
            &format!("Join → first remote frame, median of {}", runs.len()),
            format!("{median} ms"),
        ),
        figure("Join → first remote frame, worst", format!("{worst} ms")),
        figure("  each run", format!("{} ms", runs.join(", "))),
        figure(
            "two bare RTCPeerConnections in one page, getUserMedia → first frame, median",
            format!(
                "{bare_median:.0} ms; Join → first frame is {:.2}× that",
                join_median / bare_median
            ),
        ),
        figure(
            "customer page as a twilio-mode host serves it, gzip (every file it loads before Join)",
            kb(total),
        ),
        figure(
            "  the same page as the sandbox serves it (its module has the mesh)",
            kb(sandbox_page),
        ),
    ])
}

/// Runs `plugin-host`'s round-trip benchmark (benches/round_trips.rs): prints its tables, and
/// feeds `generate-unique-code`'s waves (first click, and a repeat click of the same agent,
/// with the Flex token cache on as the host runs) to the budgets.
fn round_trips(ws: &Workspace, budgets: &mut [Budget]) -> Result<()> {
    let output = Cmd::new(cargo())
        .args(["bench", "-p", "plugin-host", "--bench", "round_trips"])
        .dir(&ws.root)
        .output()
        .ok_or_else(|| {
            Error::new("the round-trip benchmark (plugin-host/benches/round_trips.rs) failed")
        })?;
    let rows: Vec<RoundTrip> = output.lines().filter_map(RoundTrip::parse).collect();
    for line in output.lines().filter(|l| !l.starts_with("round-trip\t")) {
        println!("{line}");
    }
    let click = |case: &str| {
        rows.iter()
            .find(|r| r.run == "cached" && r.function == "generate-unique-code" && r.case == case)
    };
    let (Some(first), Some(repeat)) = (click("first"), click("repeat")) else {
        return Err(Error::new(format!(
            "the round-trip benchmark printed no generate-unique-code rows:\n{output}"
        )));
    };
    for (what, r) in [("first click", first), ("repeat click", repeat)] {
        println!(
            "generate-unique-code, {what}: {} Twilio calls in {} waves, {:.0} ms",
            r.calls, r.waves, r.latency_ms
        );
    }
    budgets::measure(budgets, budgets::FIRST_CLICK_WAVES, f64::from(first.waves));
    budgets::measure(
        budgets,
        budgets::REPEAT_CLICK_WAVES,
        f64::from(repeat.waves),
    );
    Ok(())
}

/// One `round-trip` line of the round-trip benchmark.
#[derive(Debug, PartialEq)]
struct RoundTrip {
    run: String,
    function: String,
    case: String,
    calls: u32,
    waves: u32,
    latency_ms: f64,
}

impl RoundTrip {
    /// `round-trip RUN FUNCTION CASE CALLS WAVES LATENCY_MS`, tab-separated.
    fn parse(line: &str) -> Option<RoundTrip> {
        let fields: Vec<&str> = line.strip_prefix("round-trip\t")?.split('\t').collect();
        let [run, function, case, calls, waves, latency] = fields.as_slice() else {
            return None;
        };
        Some(RoundTrip {
            run: run.to_string(),
            function: function.to_string(),
            case: case.to_string(),
            calls: calls.parse().ok()?,
            waves: waves.parse().ok()?,
            latency_ms: latency.parse().ok()?,
        })
    }
}

fn print(figures: &[Figure]) {
    let width = figures
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0);
    println!("\n== chat-to-video figures ==");
    for f in figures {
        println!("{:<width$}  {}", f.name, f.value);
    }
}

#[cfg(test)]
mod tests {
    use super::{budget_in, RoundTrip, Series};

    #[test]
    fn reads_a_round_trip_line() {
        let r = RoundTrip::parse("round-trip\tcached\tgenerate-unique-code\tfirst\t7\t3\t190.4")
            .expect("a row");
        assert_eq!(
            r,
            RoundTrip {
                run: "cached".into(),
                function: "generate-unique-code".into(),
                case: "first".into(),
                calls: 7,
                waves: 3,
                latency_ms: 190.4,
            }
        );
        assert!(
            RoundTrip::parse("round-trip\tcached\tx\tfirst\t7\t3").is_none(),
            "short"
        );
        assert!(RoundTrip::parse("round-trip\tcached\tx\tfirst\tseven\t3\t1").is_none());
        assert!(
            RoundTrip::parse("generate-unique-code (first)  7  3").is_none(),
            "a table row"
        );
    }

    #[test]
    fn reads_a_benchmark_series() {
        let s = Series::parse("3.5 9.0 9.0 3.5 1.0").expect("a series");
        assert_eq!((s.median, s.worst, s.runs.len()), (3.5, 9.0, 3));
        assert_eq!(s.each(), "9.0, 3.5, 1.0 ms");
        assert!(Series::parse("3.5 9.0").is_none(), "no runs");
        assert!(Series::parse("3.5 x 1").is_none(), "not a number");
    }

    #[test]
    fn reads_the_bundle_budget_from_the_shell_manifest() {
        let manifest = include_str!("../../pkg-shim/package.json");
        assert_eq!(budget_in(manifest), Some(150_000));
        assert_eq!(budget_in(r#"{"sizeBudget": {"bundleGzipBytes": 0}}"#), None);
        assert_eq!(budget_in(r#"{"name": "x"}"#), None);
        assert_eq!(budget_in("not json"), None);
    }
}
