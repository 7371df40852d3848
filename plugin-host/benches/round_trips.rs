//! `cargo bench -p plugin-host --bench round_trips`: every function of the functions API called
//! as the plugin and the customer page call it, against the sandbox's REST stand-in behind a
//! recording proxy that holds each Twilio request `BENCH_TWILIO_DELAY_MS` (60) before answering
//! it. For each call: its Twilio requests, their sequential waves (requests overlapping in time
//! are one wave, `tests/common/waves.rs`) and its latency. Twice: with the host's Flex token
//! cache (the default), and with `FLEX_TOKEN_CACHE_SECS=0`, where every call asks IAM.
//!
//! Prints a table, then one line per call for `cargo xtask bench`:
//! `round-trip <run> <function> <case> <calls> <waves> <latency ms>` (tab-separated).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Duration;

use common::round_trips::{Harness, Measured};

fn main() {
    let delay_ms: u64 = std::env::var("BENCH_TWILIO_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let delay = Duration::from_millis(delay_ms);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let runs: [(&str, &[(&str, &str)]); 2] = [
        ("cached", &[]),
        ("uncached", &[("FLEX_TOKEN_CACHE_SECS", "0")]),
    ];
    let mut lines = Vec::new();
    for (run, env) in runs {
        let measured = rt.block_on(async {
            let h = Harness::start(delay, env).await;
            h.every_function().await
        });
        println!(
            "\n== Twilio round trips per call, {delay_ms} ms per Twilio request, token cache {} ==",
            if run == "cached" { "on" } else { "off" }
        );
        print_table(&measured);
        for m in &measured {
            lines.push(format!(
                "round-trip\t{run}\t{}\t{}\t{}\t{}\t{:.1}",
                m.function,
                m.case,
                m.calls(),
                m.waves.len(),
                m.latency.as_secs_f64() * 1000.0
            ));
        }
    }
    println!();
    for l in lines {
        println!("{l}");
    }
}

fn print_table(measured: &[Measured]) {
    let name = |m: &Measured| format!("{} ({})", m.function, m.case);
    let width = measured
        .iter()
        .map(|m| name(m).chars().count())
        .max()
        .unwrap_or(0);
    println!(
        "{:<width$}  calls  waves  latency   waves (calls in a wave joined by +)",
        "function (click)"
    );
    for m in measured {
        println!(
            "{:<width$}  {:>5}  {:>5}  {:>6.0} ms  {}",
            name(m),
            m.calls(),
            m.waves.len(),
            m.latency.as_secs_f64() * 1000.0,
            m.shape()
        );
    }
}
