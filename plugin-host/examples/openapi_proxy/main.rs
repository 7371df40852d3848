//! A recording proxy in front of a sandbox host that checks every exchange against Twilio's
//! OpenAPI specs, for tests outside Rust (the deploy's browser test): the same proxy and checker
//! as `tests/integration/openapi.rs`.
//!
//! `openapi_proxy --target http://127.0.0.1:PORT` prints `openapi-proxy listening on URL`; each
//! `check` line on stdin is answered with one JSON line,
//! `{"exchanges": N, "log": [every exchange's "METHOD /path", in order], "operations": [the same,
//! sids as {sid}, sorted, once each], "errors": [...], "specs": DIR}`
//! (`{"skipped": REASON}` without the specs). It stops when stdin closes.

/// The tests' `common` module, as far as the checker needs it.
mod common;

use common::{oai, proxy};

use std::io::BufRead as _;

use serde_json::json;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(target) = args
        .iter()
        .position(|a| a == "--target")
        .and_then(|i| args.get(i + 1))
    else {
        eprintln!("usage: openapi_proxy --target URL");
        std::process::exit(2);
    };
    let specs = oai::load().await;
    let proxy = proxy::Proxy::start().await;
    proxy.set_target(target.trim_end_matches('/'));
    println!("openapi-proxy listening on {}", proxy.url());
    // Answer each `check` as it comes; stdin's end ends the process.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    while let Some(line) = rx.recv().await {
        if line.trim() != "check" {
            continue;
        }
        let exchanges = proxy.exchanges();
        let mut ops: Vec<String> = exchanges.iter().map(proxy::Exchange::operation).collect();
        ops.sort();
        ops.dedup();
        let errors: Vec<String> = exchanges.iter().flat_map(|e| specs.check(e)).collect();
        let log: Vec<String> = exchanges
            .iter()
            .map(|e| format!("{} {}", e.method, e.path))
            .collect();
        let answer = json!({
            "exchanges": exchanges.len(),
            "log": log,
            "operations": ops,
            "errors": errors,
            "specs": specs.source.display().to_string(),
        });
        println!("{answer}");
    }
}
