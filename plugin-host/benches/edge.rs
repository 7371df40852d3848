//! `cargo bench -p plugin-host --bench edge`: the release binary under the floods the HTTP edge
//! must survive, with `/healthz` latency (a new connection per request, as a load balancer's
//! probe) and the service's memory (RSS now and peak) for each:
//!
//! - baseline: nothing else going on;
//! - slowloris: 1,000 connections from one address, each with half a request, on a descriptor
//!   limit of 256;
//! - big frames: 40 WebSockets each announcing a 16 MiB frame and sending its payload;
//! - unauthenticated sockets: 1,000 WebSockets from 100 addresses that never authenticate;
//!
//! and `update-video-state` (a task change every open desk hears) with 1,000 desks open.
//!
//! All traffic stays on 127.0.0.0/8. `BENCH_PROBES` overrides the 200 probes per phase;
//! `BENCH_HOST_BIN` runs another build of the host (an older one, to compare).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};

fn memory_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

struct Host {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(nofile: Option<u64>) -> Host {
    let dir = tempfile::tempdir().expect("bench dir");
    std::fs::create_dir_all(dir.path().join("site")).expect("site dir");
    let bin = std::env::var("BENCH_HOST_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_plugin-host").to_owned());
    let mut cmd = Command::new(bin);
    cmd.args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .arg("--assets")
        .arg(dir.path().join("site"))
        .current_dir(dir.path())
        .env("RUST_LOG", "error")
        .env_remove("ACCOUNT_SID")
        .env_remove("AUTH_TOKEN")
        .env_remove("TWILIO_REST_BASE_URL")
        .stdout(Stdio::piped());
    if let Some(n) = nofile {
        use std::os::unix::process::CommandExt as _;
        // SAFETY: setrlimit only touches the child.
        unsafe {
            cmd.pre_exec(move || {
                let lim = libc::rlimit {
                    rlim_cur: n as libc::rlim_t,
                    rlim_max: n as libc::rlim_t,
                };
                libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn().expect("start plugin-host");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("ready line");
    let port = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .and_then(|a| a.rsplit_once(':'))
        .and_then(|(_, p)| p.parse().ok())
        .expect("ready line names the port");
    Host {
        child,
        port,
        _dir: dir,
    }
}

async fn connect_from(from: &str, port: u16) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(format!("{from}:0").parse::<SocketAddr>().unwrap())?;
    socket
        .connect(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
}

/// One `/healthz` on a new connection: its latency, or `None` (no 200 within 5 s).
async fn probe(port: u16) -> Option<Duration> {
    let started = Instant::now();
    let attempt = async {
        let mut s = connect_from("127.0.0.1", port).await.ok()?;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.ok()?;
        out.starts_with(b"HTTP/1.1 200").then_some(())
    };
    tokio::time::timeout(Duration::from_secs(5), attempt)
        .await
        .ok()
        .flatten()
        .map(|()| started.elapsed())
}

struct Row {
    phase: &'static str,
    ok: usize,
    failed: usize,
    p50: Duration,
    p99: Duration,
    rss_mib: f64,
    peak_mib: f64,
}

async fn measure(phase: &'static str, host: &Host, probes: usize) -> Row {
    let mut times = Vec::new();
    let mut failed = 0;
    for _ in 0..probes {
        match probe(host.port).await {
            Some(t) => times.push(t),
            None => failed += 1,
        }
    }
    times.sort();
    let pick = |p: f64| {
        times
            .get(((times.len().max(1) - 1) as f64 * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    let pid = host.child.id();
    Row {
        phase,
        ok: times.len(),
        failed,
        p50: pick(0.5),
        p99: pick(0.99),
        rss_mib: memory_kib(pid, "VmRSS:").unwrap_or(0) as f64 / 1024.0,
        peak_mib: memory_kib(pid, "VmHWM:").unwrap_or(0) as f64 / 1024.0,
    }
}

async fn upgrade(from: &str, port: u16, path: &str) -> Option<TcpStream> {
    let mut s = connect_from(from, port).await.ok()?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    s.write_all(request.as_bytes()).await.ok()?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    head.starts_with(b"HTTP/1.1 101").then_some(s)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let probes: usize = std::env::var("BENCH_PROBES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mut rows = Vec::new();

    // Baseline and slowloris, on 256 descriptors.
    let host = start(Some(256));
    rows.push(measure("baseline (256 descriptors)", &host, probes).await);
    let mut held = Vec::new();
    for _ in 0..1000 {
        // Bounded: a host that stopped accepting leaves connects hanging in a full backlog.
        let connect = connect_from("127.0.0.2", host.port);
        if let Ok(Ok(mut s)) = tokio::time::timeout(Duration::from_secs(1), connect).await {
            let _ = s
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .await;
            held.push(s);
        }
    }
    rows.push(measure("slowloris: 1,000 partial-header sockets", &host, probes).await);
    drop(held);
    drop(host);

    // Big frames and unauthenticated sockets, on the machine's descriptor limit.
    let host = start(None);
    rows.push(measure("baseline", &host, probes).await);
    let path = "/sandbox/agents/alice/live";
    let mut writers = Vec::new();
    for i in 0..40 {
        let from = format!("127.0.2.{}", i + 1);
        if let Some(mut s) = upgrade(&from, host.port, path).await {
            writers.push(tokio::spawn(async move {
                let mut frame = vec![0x81, 0xff];
                frame.extend_from_slice(&(16u64 << 20).to_be_bytes());
                frame.extend_from_slice(&[1, 2, 3, 4]);
                let chunk = vec![b'x'; 64 * 1024];
                if s.write_all(&frame).await.is_err() {
                    return 0;
                }
                let mut sent = 0usize;
                while sent < 16 << 20 {
                    if s.write_all(&chunk).await.is_err() {
                        break;
                    }
                    sent += chunk.len();
                }
                sent
            }));
        }
    }
    rows.push(measure("big frames: 40 sockets x 16 MiB", &host, probes).await);
    let mut accepted = 0usize;
    for w in writers {
        accepted += w.await.unwrap_or(0);
    }
    let mut pending = Vec::new();
    for i in 0..1000 {
        let from = format!("127.0.3.{}", i % 100 + 1);
        if let Some(s) = upgrade(&from, host.port, path).await {
            pending.push(s);
        }
    }
    let opened = pending.len();
    rows.push(
        measure(
            "unauthenticated: 1,000 sockets, 100 addresses",
            &host,
            probes,
        )
        .await,
    );
    drop(pending);
    let desks = desk_fanout(&host).await;
    drop(host);

    println!(
        "\nplugin-host under floods ({probes} /healthz probes per phase, a new connection each)"
    );
    println!(
        "  {:<48} {:>6} {:>6} {:>9} {:>9} {:>9} {:>9}",
        "phase", "ok", "failed", "p50", "p99", "RSS", "peak RSS"
    );
    for r in &rows {
        println!(
            "  {:<48} {:>6} {:>6} {:>7.2}ms {:>7.2}ms {:>7.1}MiB {:>7.1}MiB",
            r.phase,
            r.ok,
            r.failed,
            r.p50.as_secs_f64() * 1e3,
            r.p99.as_secs_f64() * 1e3,
            r.rss_mib,
            r.peak_mib
        );
    }
    println!(
        "  big frames: {:.1} MiB of the 640 MiB offered got into the sockets before the host closed them",
        accepted as f64 / (1024.0 * 1024.0)
    );
    println!("  unauthenticated: {opened} of 1,000 sockets were let in (16 per address at most)");
    println!("  {desks}");
}

/// `update-video-state` latency with 1,000 desk sockets of the agent open (each change reaches
/// all of them).
async fn desk_fanout(host: &Host) -> String {
    use futures_util::{SinkExt as _, StreamExt as _};
    use tokio_tungstenite::tungstenite::Message;
    const DESKS: usize = 1000;
    const CHANGES: usize = 50;
    let base = format!("http://127.0.0.1:{}", host.port);
    let http = reqwest::Client::new();
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let http = http.clone();
        async move {
            let resp = http.post(path).form(&form).send().await.expect("request");
            resp.json::<serde_json::Value>().await.expect("JSON")
        }
    };
    let agent = post(
        format!("{base}/sandbox/agents"),
        vec![("identity", "bench".into())],
    )
    .await;
    let token = agent["token"].as_str().expect("token").to_owned();
    let chat = post(
        format!("{base}/sandbox/chats"),
        vec![("agent", "bench".into()), ("customer", "c".into())],
    )
    .await;
    let task = chat["taskSid"].as_str().expect("taskSid").to_owned();
    let url = format!("ws://127.0.0.1:{}/sandbox/agents/bench/live", host.port);
    let auth = serde_json::json!({"type": "auth", "token": token}).to_string();
    let mut desks = Vec::new();
    for i in 0..DESKS {
        // From 100 addresses: under the per-address caps.
        let from = format!("127.0.4.{}", i % 100 + 1);
        let Ok(s) = connect_from(&from, host.port).await else {
            continue;
        };
        let Ok((mut ws, _)) = tokio_tungstenite::client_async(url.as_str(), s).await else {
            continue;
        };
        ws.send(Message::Text(auth.clone().into()))
            .await
            .expect("auth");
        let _ready = ws.next().await;
        // Keep reading so the desk never falls behind.
        desks.push(tokio::spawn(async move {
            while let Some(Ok(_)) = ws.next().await {}
        }));
    }
    let mut times = Vec::new();
    for i in 0..CHANGES {
        let state = if i % 2 == 0 {
            "connected"
        } else {
            "disconnected"
        };
        let started = Instant::now();
        let resp = http
            .post(format!(
                "{base}/features/chat-to-video-escalation/update-video-state"
            ))
            .form(&[
                ("Token", token.as_str()),
                ("taskSid", task.as_str()),
                ("state", state),
            ])
            .send()
            .await
            .expect("update-video-state");
        assert!(resp.status().is_success(), "{}", resp.status());
        times.push(started.elapsed());
    }
    times.sort();
    let open = desks.len();
    for d in desks {
        d.abort();
    }
    format!(
        "update-video-state with {open} desks open: p50 {:.1} ms, p99 {:.1} ms ({CHANGES} changes)",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[(times.len() - 1) * 99 / 100].as_secs_f64() * 1e3,
    )
}
