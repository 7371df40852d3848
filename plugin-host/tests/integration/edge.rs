//! The HTTP edge against the real binary, probed the way an attacker would: slowloris on a low
//! descriptor limit, idle kept-alive connections, 16 MiB WebSocket frames on every socket route,
//! unauthenticated sockets from one address, a non-loopback bind, and shutdown on SIGTERM.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::common::process::{sandbox, Launch};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};

/// A connection to the host from `from` (any 127.0.0.0/8 address is this machine).
async fn connect_from(from: &str, port: u16) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(format!("{from}:0").parse::<SocketAddr>().unwrap())?;
    socket
        .connect(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
}

/// Reads until the peer closes (or `limit` passes): what it sent.
async fn read_to_close(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    tokio::time::timeout(limit, stream.read_to_end(&mut out))
        .await
        .ok()
        .map(|_| out)
}

/// Raises this test process's descriptor limit to its hard limit (the attack holds many).
fn raise_nofile() {
    // SAFETY: reads and writes only the struct passed.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
        lim.rlim_cur = lim.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slowloris_of_1000_sockets_on_256_descriptors_stops_neither_healthz_nor_an_escalation() {
    raise_nofile();
    let host = Launch {
        args: vec!["--listen", "127.0.0.1:0"],
        nofile: Some(256),
        ..Launch::default()
    }
    .start();
    // 1,000 connections from one address, each with half a request that never ends.
    let mut attack = Vec::new();
    for _ in 0..1000 {
        if let Ok(mut s) = connect_from("127.0.0.2", host.port).await {
            let _ = s
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .await;
            attack.push(s);
        }
    }
    assert!(attack.len() >= 900, "only {} attack sockets", attack.len());

    // Everyone else is still served, start to finish.
    let health = host.http.get(host.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let (_token, _task, code) = host.code("alice").await;
    let code = code["unique_code"].as_str().unwrap();
    let (status, body) = host.call("client-get-sync-token", &[("code", code)]).await;
    assert_eq!(status, 200, "{body}");

    // A complete request from the attacking address, over its cap, gets a fast 503.
    let mut answered = None;
    for _ in 0..50 {
        let mut s = connect_from("127.0.0.2", host.port).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await
            .unwrap();
        let reply = read_to_close(&mut s, Duration::from_secs(5))
            .await
            .unwrap_or_default();
        if !reply.is_empty() {
            answered = Some(String::from_utf8_lossy(&reply).into_owned());
            break;
        }
        // Closed unanswered: the answering slots are busy with the attack; try again.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let answered = answered.expect("an answer to the over-cap request");
    assert!(answered.starts_with("HTTP/1.1 503"), "{answered}");
    assert!(
        answered.to_ascii_lowercase().contains("retry-after"),
        "{answered}"
    );

    // The held sockets are closed by the header timeout, not kept forever.
    let mut held = attack.pop().unwrap();
    let started = Instant::now();
    assert!(read_to_close(&mut held, Duration::from_secs(30))
        .await
        .is_some());
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let host = Launch {
        args: vec!["--listen", "127.0.0.1:0"],
        env: vec![("HTTP_HEADER_TIMEOUT", "1")],
        ..Launch::default()
    }
    .start();
    let mut s = connect_from("127.0.0.1", host.port).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    // The answer, then nothing more from the client: the server closes.
    let reply = read_to_close(&mut s, Duration::from_secs(10))
        .await
        .expect("the idle connection closed");
    let text = String::from_utf8_lossy(&reply);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
}

/// Completes a WebSocket handshake on `path` from `from`: the stream, or the refusal's status line.
async fn upgrade(from: &str, port: u16, path: &str) -> Result<TcpStream, String> {
    let mut s = connect_from(from, port).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    s.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut byte))
            .await
            .expect("handshake answer")
            .unwrap();
        if n == 0 {
            break;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    if head.starts_with("HTTP/1.1 101") {
        Ok(s)
    } else {
        Err(head.lines().next().unwrap_or("").to_owned())
    }
}

/// The next frame the server sends: its opcode and payload.
async fn next_frame(s: &mut TcpStream) -> Option<(u8, Vec<u8>)> {
    let mut head = [0u8; 2];
    tokio::time::timeout(Duration::from_secs(20), s.read_exact(&mut head))
        .await
        .ok()?
        .ok()?;
    let mut len = u64::from(head[1] & 0x7f);
    if len == 126 {
        let mut b = [0u8; 2];
        s.read_exact(&mut b).await.ok()?;
        len = u64::from(u16::from_be_bytes(b));
    } else if len == 127 {
        let mut b = [0u8; 8];
        s.read_exact(&mut b).await.ok()?;
        len = u64::from_be_bytes(b);
    }
    let mut payload = vec![0u8; usize::try_from(len).ok()?];
    s.read_exact(&mut payload).await.ok()?;
    Some((head[0] & 0x0f, payload))
}

/// The code of the close frame the server sends next (other frames skipped).
async fn close_code(s: &mut TcpStream) -> Option<u16> {
    loop {
        let (opcode, payload) = next_frame(s).await?;
        if opcode == 0x8 {
            return payload.get(..2).map(|c| u16::from_be_bytes([c[0], c[1]]));
        }
    }
}

/// The head of a masked text frame announcing 16 MiB, with none of its payload.
fn header_of_16_mib_frame() -> Vec<u8> {
    let mut frame = vec![0x81, 0xff];
    frame.extend_from_slice(&(16u64 << 20).to_be_bytes());
    frame.extend_from_slice(&[1, 2, 3, 4]);
    frame
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_16_mib_frame_is_refused_from_its_header_on_every_socket_route() {
    let host = sandbox();
    for path in [
        "/sandbox/rooms/RM00000000000000000000000000000000/signal",
        "/sandbox/documents/ET00000000000000000000000000000000/live",
        "/sandbox/agents/alice/live",
        "/sandbox/conversations/CH00000000000000000000000000000000/live",
    ] {
        let mut s = upgrade("127.0.0.1", host.port, path).await.unwrap();
        s.write_all(&header_of_16_mib_frame()).await.unwrap();
        // Refused as too big (1009) at once, not after the authentication deadline.
        assert_eq!(close_code(&mut s).await, Some(1009), "{path}");
    }
}

/// A masked client text frame carrying `text` (under 64 KiB).
fn masked_text(text: &str) -> Vec<u8> {
    let key = [7u8, 9, 11, 13];
    let len = u16::try_from(text.len()).expect("a text under 64 KiB");
    let mut frame = vec![0x81, 0x80 | 126];
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(&key);
    frame.extend(text.bytes().enumerate().map(|(i, b)| b ^ key[i % 4]));
    frame
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authenticated_live_socket_sending_a_16_mib_frame_is_closed_as_too_big() {
    let host = sandbox();
    let token = host.agent("alice").await;
    let mut s = upgrade("127.0.0.1", host.port, "/sandbox/agents/alice/live")
        .await
        .unwrap();
    let auth = serde_json::json!({"type": "auth", "token": token}).to_string();
    s.write_all(&masked_text(&auth)).await.unwrap();
    // The ready snapshot proves the session is running before the oversized frame arrives.
    let (opcode, first) = next_frame(&mut s).await.expect("the ready snapshot");
    let first = String::from_utf8_lossy(&first);
    assert!(
        opcode == 0x1 && first.contains("\"ready\""),
        "{opcode}: {first}"
    );
    s.write_all(&header_of_16_mib_frame()).await.unwrap();
    assert_eq!(close_code(&mut s).await, Some(1009));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthenticated_sockets_are_capped_per_address_and_closed_at_the_deadline() {
    let host = Launch {
        args: vec!["--listen", "127.0.0.1:0"],
        env: vec![("MAX_PENDING_SOCKETS_PER_ADDRESS", "4")],
        ..Launch::default()
    }
    .start();
    let path = "/sandbox/agents/alice/live";
    let started = Instant::now();
    let mut pending = Vec::new();
    for _ in 0..4 {
        pending.push(upgrade("127.0.0.3", host.port, path).await.unwrap());
    }
    let refused = upgrade("127.0.0.3", host.port, path).await.unwrap_err();
    assert!(refused.starts_with("HTTP/1.1 429"), "{refused}");
    // Another address is not affected.
    let _other = upgrade("127.0.0.4", host.port, path).await.unwrap();
    // Silent sockets are closed at the authentication deadline (4401: no auth in time)…
    for s in &mut pending {
        assert_eq!(close_code(s).await, Some(4401));
    }
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );
    // …which frees the address's places.
    drop(pending);
    let mut again = None;
    for _ in 0..50 {
        match upgrade("127.0.0.3", host.port, path).await {
            Ok(s) => {
                again = Some(s);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    assert!(again.is_some(), "the address got its places back");
}

#[test]
fn a_sandbox_on_a_public_address_needs_the_flag_and_then_says_so() {
    // `PORT` alone means 0.0.0.0:$PORT, as container platforms expect.
    let (status, stderr) = Launch {
        env: vec![("PORT", "0")],
        ..Launch::default()
    }
    .refused();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--allow-public-sandbox"), "{stderr}");
    let (status, stderr) = Launch {
        args: vec!["--listen", "0.0.0.0:0"],
        ..Launch::default()
    }
    .refused();
    assert_eq!(status.code(), Some(2), "{stderr}");

    let host = Launch {
        env: vec![("PORT", "0"), ("ALLOW_PUBLIC_SANDBOX", "true")],
        ..Launch::default()
    }
    .start();
    assert!(host.ready.contains("http://0.0.0.0:"), "{}", host.ready);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let warning = host
            .stderr_line(|l| l.contains("WARNING: the sandbox listens on 0.0.0.0"))
            .await;
        assert!(warning.is_some(), "{:?}", host.stderr.lock().unwrap());
        // The desk asks this and shows a banner.
        let exposure = host.get_json("/sandbox/exposure").await;
        assert_eq!(exposure["exposed"], true, "{exposure}");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_closes_sockets_with_a_reason_and_exits() {
    use futures_util::{SinkExt as _, StreamExt as _};
    use tokio_tungstenite::tungstenite::Message;
    let mut host = sandbox();
    let token = host.agent("alice").await;
    let url = format!("ws://127.0.0.1:{}/sandbox/agents/alice/live", host.port);
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let auth = serde_json::json!({"type": "auth", "token": token}).to_string();
    ws.send(Message::Text(auth.into())).await.unwrap();
    match ws.next().await {
        Some(Ok(Message::Text(t))) => assert!(t.contains("\"ready\""), "{t}"),
        other => panic!("expected the ready snapshot, got {other:?}"),
    }
    // An idle kept-alive connection (the one `agent` used) must not hold the exit up until
    // the grace (10 s) runs out.
    let status = tokio::task::block_in_place(|| host.terminate(Duration::from_secs(5)));
    let close = loop {
        match ws.next().await {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    let close = close.expect("a close frame with a code");
    assert_eq!(u16::from(close.code), 1001);
    assert_eq!(close.reason.as_str(), "the server is shutting down");
    assert_eq!(status.and_then(|s| s.code()), Some(0));
}
