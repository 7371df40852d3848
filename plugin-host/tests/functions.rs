//! The functions API over HTTP against the real binary in sandbox mode.

mod common;

use common::{assert_cors, jwt_part, Service};
use serde_json::Value;

/// Both customer functions refuse `code` with 403: the template's "Invalid code." for a code
/// that never was, or the session's end `reason` for one whose session is over.
async fn assert_code_refused(svc: &Service, code: &str, reason: Option<&str>, why: &str) {
    for f in ["client-get-sync-token", "client-get-video-token"] {
        let (status, body) = svc.call_json(f, &[("code", code)]).await;
        assert_eq!(status, 403, "{why} code {code} on {f}: {body}");
        match reason {
            None => assert_eq!(body, serde_json::json!({"error": "Invalid code."}), "{why}"),
            Some(r) => assert_eq!(body["reason"], r, "{why} code {code} on {f}: {body}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_answers_the_documented_shapes() {
    let svc = Service::start(&[]);
    let health = svc.http.get(svc.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    let token = svc.agent("alice").await;
    let task = svc.chat("alice", "bob").await;
    let (status, code) = svc
        .call_json(
            "generate-unique-code",
            &[("Token", &token), ("taskSid", &task)],
        )
        .await;
    assert_eq!(status, 200, "{code}");
    let unique = code["unique_code"].as_str().unwrap();
    assert_eq!(unique.len(), 7);
    assert!(unique.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(
        code["full_url"],
        format!(
            "{}/features/chat-to-video/index.html?code={unique}",
            svc.base
        )
    );
    assert!(time::OffsetDateTime::parse(
        code["valid_until"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339
    )
    .is_ok());
    assert_eq!(code.as_object().unwrap().len(), 4);
    assert_eq!(code["resent"], false);

    let attrs = svc.task_attributes("alice", &task).await;
    let doc = attrs["syncDocument"]
        .as_str()
        .expect("syncDocument merged")
        .to_owned();
    assert_eq!(attrs["customerName"], "bob", "other attributes kept");

    // Before the agent joins: sync token yes, video token 405.
    let (status, sync) = svc
        .call_json("client-get-sync-token", &[("code", unique)])
        .await;
    assert_eq!(status, 200, "{sync}");
    assert_eq!(sync["document_sid"], doc.as_str());
    assert_eq!(sync["provider"], "sandbox");
    assert_eq!(
        sync["sync_url"],
        format!("ws://127.0.0.1:{}/sandbox/documents/{doc}/live", svc.port)
    );
    assert!(sync["identity"].as_str().unwrap().starts_with("watcher-"));
    let (status, early) = svc
        .call_json("client-get-video-token", &[("code", unique)])
        .await;
    assert_eq!(
        (status, early["error"].as_str()),
        (405, Some(chat_to_video::api::AGENT_NOT_CONNECTED))
    );

    // Agent joins: the room is created and written into the document and the task.
    let (status, agent) = svc
        .call_json(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(status, 200, "{agent}");
    let room = agent["room_sid"].as_str().unwrap().to_owned();
    assert!(room.starts_with("RM") && room.len() == 34);
    assert_eq!(agent["identity"], "alice");
    assert_eq!(agent["provider"], "sandbox");
    assert_eq!(
        agent["signaling_url"],
        format!("ws://127.0.0.1:{}/sandbox/rooms/{room}/signal", svc.port)
    );
    assert_eq!(
        agent["ice"],
        serde_json::json!({"servers": [], "loopback_only": false})
    );
    assert_eq!(
        jwt_part(agent["token"].as_str().unwrap(), 1)["grants"]["video"]["room"],
        room.as_str()
    );
    let attrs = svc.task_attributes("alice", &task).await;
    assert_eq!(
        (attrs["videoRoom"].as_str(), attrs["videoRoomSid"].as_str()),
        (Some("created"), Some(room.as_str()))
    );
    // Asking again gives the same room.
    let (_, again) = svc
        .call_json(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(again["room_sid"], room.as_str());

    // Until the agent's tab says it is in the room, the customer waits.
    let (status, _) = svc
        .call_json("client-get-video-token", &[("code", unique)])
        .await;
    assert_eq!(status, 405);
    let (status, body) = svc
        .call_json(
            "update-video-state",
            &[
                ("Token", &token),
                ("taskSid", &task),
                ("state", "connected"),
            ],
        )
        .await;
    assert_eq!((status, body), (200, serde_json::json!({"success": true})));
    assert_eq!(
        svc.task_attributes("alice", &task).await["videoRoom"],
        "connected"
    );

    // Customer: the session's one seat (every tab gets it), a grant for that room only, the
    // agent's identity and name, and a feedback ticket.
    let (status, v1) = svc
        .call_json("client-get-video-token", &[("code", unique)])
        .await;
    assert_eq!(status, 200, "{v1}");
    let (_, v2) = svc
        .call_json("client-get-video-token", &[("code", unique)])
        .await;
    assert_eq!(
        (v1["identity"].as_str(), v1["seat"].as_u64()),
        (Some("customer-1"), Some(1))
    );
    assert_eq!(v2["identity"], v1["identity"]);
    assert_eq!(
        (v1["agent_identity"].as_str(), v1["agent_name"].as_str()),
        (Some("alice"), Some("alice"))
    );
    assert_eq!(v1["room_sid"], room.as_str());
    let grants = &jwt_part(v1["token"].as_str().unwrap(), 1)["grants"];
    assert_eq!(
        grants,
        &serde_json::json!({"identity": v1["identity"], "video": {"room": room}})
    );
    let ticket = v1["feedback_ticket"].as_str().unwrap().to_owned();

    // Complete: success (twice), then the code is refused and the agent cannot rejoin.
    let (status, body) = svc
        .call_json(
            "complete-room",
            &[("Token", &token), ("roomSid", &room), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!((status, body), (200, serde_json::json!({"success": true})));
    let (status, _) = svc
        .call_json("complete-room", &[("Token", &token), ("roomSid", &room)])
        .await;
    assert_eq!(status, 200);
    assert_code_refused(&svc, unique, Some("wrapped_up"), "a completed room's").await;
    let (status, body) = svc
        .call_json(
            "agent-get-token",
            &[("Token", &token), ("DocumentSid", &doc)],
        )
        .await;
    assert_eq!(status, 403);
    assert!(body["error"].is_string());

    // The rating still works after the code expired, and lands on the task.
    let (status, body) = svc
        .call_json(
            "submit-rating",
            &[
                ("ticket", &ticket),
                ("rating", "4"),
                ("comment", "Great <b>help</b>"),
            ],
        )
        .await;
    assert_eq!((status, body), (200, serde_json::json!({"success": true})));
    let rating = &svc.task_attributes("alice", &task).await["videoRating"];
    assert_eq!(
        (rating["rating"].as_u64(), rating["comment"].as_str()),
        (Some(4), Some("Great <b>help</b>"))
    );
    assert!(rating["submittedAt"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_and_query_parameters_work_too() {
    let svc = Service::start(&[]);
    let token = svc.agent("alice").await;
    let task = svc.chat("alice", "bob").await;
    let resp = svc
        .http
        .post(svc.function("generate-unique-code"))
        .json(&serde_json::json!({"Token": token, "taskSid": task}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let code: Value = resp.json().await.unwrap();
    let url = format!(
        "{}?code={}",
        svc.function("client-get-sync-token"),
        code["unique_code"].as_str().unwrap()
    );
    assert_eq!(svc.http.get(url).send().await.unwrap().status(), 200);
}

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
        common::BASE
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_is_204_with_the_runtime_cors_headers() {
    let svc = Service::start(&[]);
    for f in chat_to_video::api::Endpoint::ALL {
        let resp = svc
            .http
            .request(reqwest::Method::OPTIONS, svc.function(f.name()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 204, "{}", f.name());
        let h = resp.headers();
        assert_eq!(h["access-control-allow-origin"], "*");
        assert_eq!(h["access-control-allow-methods"], "GET, POST, OPTIONS");
        assert_eq!(
            h["access-control-allow-headers"],
            "Accept, Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, User-Agent"
        );
        assert_eq!(h["access-control-expose-headers"], "ETag");
        assert_eq!(h["access-control-max-age"], "86400");
        assert_eq!(h["access-control-allow-credentials"], "true");
        assert!(resp.bytes().await.unwrap().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ratings_check_ticket_and_value() {
    let svc = Service::start(&[]);
    let room = svc.room("alice").await;
    let (_, v) = svc
        .call_json("client-get-video-token", &[("code", &room.code)])
        .await;
    let ticket = v["feedback_ticket"].as_str().unwrap();
    for bad in ["0", "6", "x", "4.5"] {
        let (status, _) = svc
            .call_json("submit-rating", &[("ticket", ticket), ("rating", bad)])
            .await;
        assert_eq!(status, 400, "{bad}");
    }
    let long = "é".repeat(1001);
    let (status, _) = svc
        .call_json(
            "submit-rating",
            &[("ticket", ticket), ("rating", "3"), ("comment", &long)],
        )
        .await;
    assert_eq!(status, 400);
    // A video token is not a ticket; a ticket from elsewhere neither.
    for bad_ticket in [v["token"].as_str().unwrap(), "x.y.z"] {
        let (status, body) = svc
            .call_json("submit-rating", &[("ticket", bad_ticket), ("rating", "3")])
            .await;
        assert_eq!(status, 403);
        assert!(body["error"].is_string());
    }
    assert!(svc
        .task_attributes("alice", &room.task)
        .await
        .get("videoRating")
        .is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completing_by_room_sid_alone_also_retires_the_code() {
    let svc = Service::start(&[]);
    let room = svc.room("alice").await;
    let token = &room.token;
    let (status, _) = svc
        .call_json("complete-room", &[("Token", token), ("roomSid", &room.sid)])
        .await;
    assert_eq!(status, 200);
    assert_code_refused(&svc, &room.code, Some("wrapped_up"), "a completed room's").await;
    // An unknown room is refused like someone else's: nothing says whether it exists.
    let (status, body) = svc
        .call(
            "complete-room",
            &[
                ("Token", token),
                ("roomSid", "RM00000000000000000000000000000000"),
            ],
        )
        .await;
    assert_eq!(
        (status, body.as_str()),
        (403, Some("Forbidden: this task is not assigned to you")),
        "an unknown room"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_that_timed_out_retires_the_code() {
    let svc = Service::start(&[
        ("SANDBOX_MINUTE_SECS", "0.2"),
        ("VIDEO_UNUSED_ROOM_TIMEOUT", "1"),
    ]);
    let room = svc.room("alice").await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let (status, _) = svc
        .call_json("client-get-video-token", &[("code", &room.code)])
        .await;
    assert_eq!(status, 403);
    let (status, body) = svc
        .call_json(
            "agent-get-token",
            &[("Token", &room.token), ("DocumentSid", &room.doc)],
        )
        .await;
    assert_eq!(status, 403, "{body}");
}
