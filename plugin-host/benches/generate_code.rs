//! `cargo bench -p plugin-host --bench generate_code`: starts the release binary in sandbox mode
//! and drives `generate-unique-code` with 64 concurrent keep-alive clients for 10 s on loopback.
//! Each client's first call creates its task's session (IAM's token check, the reservation and
//! the task, the worker, a Sync document, the task's update, over loopback HTTP with SQLite
//! writes behind them); the others are repeat clicks: the token is in the host's token cache, the
//! reservation and the task are read at once, then the session document, and the link comes back.
//! Prints requests/s, p50 and p99 latency, errors and the service's peak RSS.
//! `BENCH_SECS` and `BENCH_CLIENTS` override the duration and the number of clients.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// User + system CPU time the process has used, from `/proc/<pid>/stat`.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(Duration::from_millis(ticks * 10))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is a filter this bench does not use.
    let secs = env_num("BENCH_SECS", 10);
    let clients = env_num("BENCH_CLIENTS", 64) as usize;
    let dir = std::env::temp_dir().join(format!("c2v-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("site")).expect("bench dir");

    let mut child = Command::new(env!("CARGO_BIN_EXE_plugin-host"))
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.join("data"))
        .arg("--assets")
        .arg(dir.join("site"))
        .current_dir(&dir)
        .env("RUST_LOG", "warn")
        .env_remove("ACCOUNT_SID")
        .env_remove("AUTH_TOKEN")
        .env_remove("TWILIO_REST_BASE_URL")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start plugin-host");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("ready line");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("ready line names the address")
        .to_owned();
    let pid = child.id();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let result = rt.block_on(run(&base, clients, Duration::from_secs(secs), pid));
    let rss = peak_rss_kib(pid);
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);

    let (mut latencies, errors, elapsed, cpu) = result;
    latencies.sort_unstable();
    let ok = latencies.len();
    println!(
        "generate-unique-code, sandbox mode, {clients} keep-alive clients, {secs} s on loopback"
    );
    println!("  requests/s : {:.0}", ok as f64 / elapsed.as_secs_f64());
    println!(
        "  p50        : {:.2} ms",
        percentile(&latencies, 0.50).as_secs_f64() * 1e3
    );
    println!(
        "  p99        : {:.2} ms",
        percentile(&latencies, 0.99).as_secs_f64() * 1e3
    );
    println!("  requests   : {ok} ok, {errors} errors");
    if let Some(cpu) = cpu {
        println!(
            "  CPU        : {:.0} µs of service CPU per request ({:.2} cores busy)",
            cpu.as_secs_f64() * 1e6 / ok.max(1) as f64,
            cpu.as_secs_f64() / elapsed.as_secs_f64()
        );
    }
    match rss {
        Some(kib) => println!(
            "  peak RSS   : {:.1} MiB (VmHWM of the service)",
            kib as f64 / 1024.0
        ),
        None => println!("  peak RSS   : unavailable (no /proc)"),
    }
}

async fn run(
    base: &str,
    clients: usize,
    duration: Duration,
    pid: u32,
) -> (Vec<Duration>, usize, Duration, Option<Duration>) {
    let setup = reqwest::Client::new();
    let mut tasks = Vec::with_capacity(clients);
    for i in 0..clients {
        let agent = format!("agent{i}");
        let a: serde_json::Value = setup
            .post(format!("{base}/sandbox/agents"))
            .form(&[("identity", agent.as_str())])
            .send()
            .await
            .expect("agent")
            .json()
            .await
            .expect("agent json");
        let c: serde_json::Value = setup
            .post(format!("{base}/sandbox/chats"))
            .form(&[("agent", agent.as_str()), ("customer", "customer")])
            .send()
            .await
            .expect("chat")
            .json()
            .await
            .expect("chat json");
        let token = a["token"].as_str().expect("token").to_owned();
        let task = c["taskSid"].as_str().expect("taskSid").to_owned();
        tasks.push((token, task));
    }
    let url = format!("{base}/features/chat-to-video-escalation/generate-unique-code");
    let cpu_before = cpu_time(pid);
    let start = Instant::now();
    let deadline = start + duration;
    let mut workers = Vec::with_capacity(clients);
    for (token, task) in tasks {
        let url = url.clone();
        workers.push(tokio::spawn(async move {
            // One client each: one keep-alive connection per simulated agent.
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .expect("client");
            let body = format!("Token={token}&taskSid={task}");
            let mut latencies = Vec::with_capacity(4096);
            let mut errors = 0usize;
            while Instant::now() < deadline {
                let t0 = Instant::now();
                let resp = http
                    .post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body.clone())
                    .send()
                    .await;
                match resp {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        latencies.push(t0.elapsed());
                    }
                    Ok(r) => {
                        let _ = r.bytes().await;
                        errors += 1;
                    }
                    Err(_) => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (l, e) = w.await.expect("worker");
        all.extend(l);
        errors += e;
    }
    let elapsed = start.elapsed();
    let cpu = cpu_time(pid)
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    (all, errors, elapsed, cpu)
}
