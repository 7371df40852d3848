//! `cargo xtask bench`: builds, then prints the figures that matter for the plugin:
//! sizes (raw and gzip -9), the time from adding the bundle's script to the plugin's
//! `init` finishing in headless Chromium, and the host's own benchmarks.

use std::fs;
use std::path::Path;

use crate::build::{self, HostProfile};
use crate::cmd::{Cmd, Error, Result};
use crate::site::gzip;
use crate::tools;
use crate::workspace::{cargo, Workspace};

/// The budget for the plugin bundle, gzipped.
const BUNDLE_GZIP_BUDGET: u64 = 150 * 1024;
const LOAD_RUNS: &str = "5";

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

    let mut figures = sizes(ws)?;
    figures.extend(load_to_init(ws)?);
    print(&figures);

    if ws.path("plugin-host/benches/generate_code.rs").is_file() {
        Cmd::new(cargo())
            .args(["bench", "-p", "plugin-host", "--bench", "generate_code"])
            .dir(&ws.root)
            .run()?;
    } else {
        println!("(plugin-host has no generate_code benchmark yet)");
    }
    Ok(())
}

/// (raw, gzip -9) bytes of a file.
fn raw_and_gzip(path: &Path) -> Result<(u64, u64)> {
    let bytes = fs::read(path).map_err(|err| Error::new(format!("{}: {err}", path.display())))?;
    Ok((bytes.len() as u64, gzip(&bytes)?.len() as u64))
}

fn kb(bytes: u64) -> String {
    format!("{bytes} B ({:.1} KiB)", bytes as f64 / 1024.0)
}

fn sizes(ws: &Workspace) -> Result<Vec<Figure>> {
    let mut out = Vec::new();
    let (wasm, wasm_gz) = raw_and_gzip(&ws.wasm_pkg().join("chat_to_video_bg.wasm"))?;
    out.push(figure(".wasm, raw", kb(wasm)));
    out.push(figure(".wasm, gzip -9", kb(wasm_gz)));
    let (bundle, bundle_gz) = raw_and_gzip(&ws.bundle())?;
    out.push(figure("plugin bundle, raw", kb(bundle)));
    let verdict = if bundle_gz <= BUNDLE_GZIP_BUDGET {
        "within"
    } else {
        "OVER"
    };
    out.push(figure(
        "plugin bundle, gzip -9",
        format!(
            "{} — {verdict} the {} KiB budget",
            kb(bundle_gz),
            BUNDLE_GZIP_BUDGET / 1024
        ),
    ));

    let page = ws.site().join("features/chat-to-video");
    if page.join("index.html").is_file() {
        let mut total = 0;
        for file in ["index.html", "chat_to_video.js", "chat_to_video_bg.wasm"] {
            total += raw_and_gzip(&page.join(file))?.1;
        }
        out.push(figure(
            "customer page transfer, gzip (HTML+JS+WASM)",
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

/// Runs the load benchmark page in headless Chromium; it prints `median_ms worst_ms runs…`.
fn load_to_init(ws: &Workspace) -> Result<Vec<Figure>> {
    let output = Cmd::new("node")
        .args(["bench-load.mjs", "--runs", LOAD_RUNS])
        .env("CHAT_TO_VIDEO_BUNDLE", ws.bundle())
        .dir(&ws.path("tests/e2e"))
        .output()
        .ok_or_else(|| Error::new("the load benchmark (tests/e2e/bench-load.mjs) failed"))?;
    let line = output
        .lines()
        .find_map(|l| l.strip_prefix("load-to-init-ms "))
        .ok_or_else(|| Error::new(format!("unexpected load benchmark output:\n{output}")))?;
    let values: Vec<&str> = line.split_whitespace().collect();
    let [median, worst, runs @ ..] = values.as_slice() else {
        return Err(Error::new(format!(
            "unexpected load benchmark output:\n{output}"
        )));
    };
    Ok(vec![
        figure(
            &format!(
                "bundle script added → init finished, median of {}",
                runs.len()
            ),
            format!("{median} ms"),
        ),
        figure(
            "bundle script added → init finished, worst",
            format!("{worst} ms"),
        ),
        figure("  each run", format!("{} ms", runs.join(", "))),
    ])
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
