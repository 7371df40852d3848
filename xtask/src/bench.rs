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
    figures.extend(join_to_first_frame(ws)?);
    print(&figures);

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

fn sizes(ws: &Workspace) -> Result<Vec<Figure>> {
    let mut out = Vec::new();
    let (wasm, wasm_gz) = raw_and_gzip(&ws.wasm_pkg().join("chat_to_video_bg.wasm"))?;
    out.push(figure(".wasm, raw", kb(wasm)));
    out.push(figure(".wasm, gzip -9", kb(wasm_gz)));
    let (bundle, bundle_gz) = raw_and_gzip(&ws.bundle())?;
    out.push(figure(
        "plugin bundle, raw (.wasm inside deflated)",
        kb(bundle),
    ));
    let budget = bundle_gzip_budget(ws)?;
    let verdict = if bundle_gz <= budget {
        "within"
    } else {
        "OVER"
    };
    out.push(figure(
        "plugin bundle, gzip -9",
        format!("{} — {verdict} the budget of {}", kb(bundle_gz), kb(budget)),
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

/// Runs the video benchmark (tests/e2e/bench-video.mjs): Join → first decoded remote frame
/// in a sandbox room, and the customer page's gzip transfer as the host serves it.
fn join_to_first_frame(ws: &Workspace) -> Result<Vec<Figure>> {
    let output = Cmd::new("node")
        .args(["bench-video.mjs", "--runs", LOAD_RUNS])
        .env("CHAT_TO_VIDEO_SITE", ws.site())
        .env("PLUGIN_HOST_BIN", ws.host_binary())
        .dir(&ws.path("tests/e2e"))
        .output()
        .ok_or_else(|| Error::new("the video benchmark (tests/e2e/bench-video.mjs) failed"))?;
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
    let transfer = line("customer-page-gzip-bytes ")?;
    let total: u64 = transfer
        .first()
        .and_then(|t| t.parse().ok())
        .ok_or_else(unexpected)?;
    Ok(vec![
        figure(
            &format!("Join → first remote frame, median of {}", runs.len()),
            format!("{median} ms (bar: 1500 ms)"),
        ),
        figure("Join → first remote frame, worst", format!("{worst} ms")),
        figure("  each run", format!("{} ms", runs.join(", "))),
        figure(
            "customer page as served, gzip (HTML+CSS+JS+WASM)",
            format!("{} — budget 200 KB (200,000 B)", kb(total)),
        ),
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

#[cfg(test)]
mod tests {
    use super::budget_in;

    #[test]
    fn reads_the_bundle_budget_from_the_shell_manifest() {
        let manifest = include_str!("../../pkg-shim/package.json");
        assert_eq!(budget_in(manifest), Some(150_000));
        assert_eq!(budget_in(r#"{"sizeBudget": {"bundleGzipBytes": 0}}"#), None);
        assert_eq!(budget_in(r#"{"name": "x"}"#), None);
        assert_eq!(budget_in("not json"), None);
    }
}
