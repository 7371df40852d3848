//! What the functions refuse, over HTTP against the real binary in sandbox mode: missing parameters
//! and bad values, missing, malformed or foreign Flex tokens, unknown and expired codes, oversized
//! bodies, and code guessing past the rate limit.

use crate::common::{assert_code_refused, assert_cors, Service};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_parameters_are_400_with_the_template_message() {
    let svc = Service::start(&[]);
    let token = svc.agent("alice").await;
    for (f, form, key) in [
        (
            "generate-unique-code",
            vec![("Token", token.as_str())],
            "taskSid",
        ),
        (
            "agent-get-token",
            vec![("Token", token.as_str())],
            "DocumentSid",
        ),
        ("complete-room", vec![("Token", token.as_str())], "roomSid"),
        (
            "update-video-state",
            vec![("Token", token.as_str()), ("state", "connected")],
            "taskSid",
        ),
        ("client-get-sync-token", vec![], "code"),
        ("client-get-video-token", vec![], "code"),
        ("submit-rating", vec![("rating", "5")], "ticket"),
    ] {
        let (status, body) = svc.call_json(f, &form).await;
        assert_eq!(status, 400, "{f}: {body}");
        assert_eq!(body["data"], Value::Null, "{f}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("({f}) Missing {key}")),
            "{f}: {message}"
        );
    }
    // Bad values are 400 too.
    let task = svc.chat("alice", "bob").await;
    let (status, _) = svc
        .call_json(
            "update-video-state",
            &[("Token", &token), ("taskSid", &task), ("state", "dancing")],
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = svc
        .call_json(
            "generate-unique-code",
            &[("Token", &token), ("taskSid", "WT123")],
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flex_endpoints_refuse_missing_malformed_and_foreign_tokens() {
    let svc = Service::start(&[]);
    let other = Service::start(&[]);
    let foreign = other.agent("alice").await;
    let task = svc.chat("alice", "bob").await;
    for f in [
        "generate-unique-code",
        "agent-get-token",
        "complete-room",
        "update-video-state",
    ] {
        for token in [
            None,
            Some("not-a-token"),
            Some("a.b.c"),
            Some(foreign.as_str()),
        ] {
            let mut form = vec![
                ("taskSid", task.as_str()),
                ("DocumentSid", "ET0123456789abcdef0123456789abcdef"),
                ("roomSid", "RM0123456789abcdef0123456789abcdef"),
                ("state", "connected"),
            ];
            if let Some(t) = token {
                form.push(("Token", t));
            }
            let resp = svc.post_form(&svc.function(f), &form).await;
            assert_cors(&resp);
            assert_eq!(resp.status(), 403, "{f} with {token:?}");
            assert!(resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain"));
            let text = resp.text().await.unwrap();
            assert!(text.starts_with("Unauthorized: "), "{text}");
            assert!(
                !text.contains(token.unwrap_or("∅")) || token.is_none(),
                "the token is not echoed"
            );
        }
    }
    assert!(
        svc.task_attributes("alice", &task)
            .await
            .get("videoRoom")
            .is_none(),
        "nothing changed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_malformed_and_expired_codes_are_403() {
    let svc = Service::start(&[("VIDEO_CODE_TTL", "1")]);
    for code in [
        "ZZZZZZZ",
        "abc",
        "<script>",
        "ET0123456789abcdef0123456789abcdef",
    ] {
        assert_code_refused(&svc, code, None, "an unknown").await;
    }
    let (_, _, code) = svc.code("alice").await;
    let unique = code["unique_code"].as_str().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    assert_code_refused(&svc, unique, Some("expired"), "an expired").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_413() {
    let svc = Service::start(&[]);
    let big = "x".repeat(17 * 1024);
    for f in ["client-get-sync-token", "generate-unique-code"] {
        let resp = svc.post_form(&svc.function(f), &[("code", &big)]).await;
        assert_cors(&resp);
        assert_eq!(resp.status(), 413, "{f}");
    }
    // Without a Content-Length (chunked) too.
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut tcp = tokio::net::TcpStream::connect(("127.0.0.1", svc.port))
        .await
        .unwrap();
    let head = format!(
        "POST {}/client-get-sync-token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        crate::common::BASE
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    for chunk in format!("code={big}").as_bytes().chunks(4096) {
        let _ = tcp
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .await;
        let _ = tcp.write_all(chunk).await;
        let _ = tcp.write_all(b"\r\n").await;
    }
    let _ = tcp.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = tcp.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_guessing_is_rate_limited_per_address() {
    let svc = Service::start(&[("CODE_GUESS_BURST", "5"), ("CODE_GUESS_REFILL_SECS", "30")]);
    let (_, _, code) = svc.code("alice").await;
    let unique = code["unique_code"].as_str().unwrap();
    for i in 0..5 {
        let (status, _) = svc
            .call_json("client-get-sync-token", &[("code", &format!("AAAAAA{i}"))])
            .await;
        assert_eq!(status, 403);
    }
    let resp = svc
        .post_form(
            &svc.function("client-get-video-token"),
            &[("code", "AAAAAAZ")],
        )
        .await;
    assert_cors(&resp);
    assert_eq!(resp.status(), 429);
    let wait: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    // Blocked before any lookup, even for a real code.
    let (status, _) = svc
        .call_json("client-get-sync-token", &[("code", unique)])
        .await;
    assert_eq!(status, 429);
}
