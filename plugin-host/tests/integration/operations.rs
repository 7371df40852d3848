//! What an operator and a careful deployment rely on, against the real binary: `/metrics` shows
//! the requests made, JSON logs carry the request id, `/readyz` tells whether Twilio answers, the
//! sandbox answers only its own host names and origins, a SID is never a code, and one task
//! change costs one read however many desks are open.

use std::time::Duration;

use crate::common::process::{sandbox, Launch};
use crate::common::TWILIO_ENV;
use futures_util::{SinkExt as _, StreamExt as _};
use reqwest::header::{HOST, ORIGIN};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

/// The value of one sample line (`name{labels} value`) of a Prometheus text page.
fn sample(page: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    page.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| {
            let Some(rest) = l.strip_prefix(name) else {
                return false;
            };
            (rest.starts_with('{') || rest.starts_with(' '))
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
        })
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

async fn scrape(api: &crate::common::Api) -> String {
    let resp = api.http.get(api.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_show_the_requests_this_test_made() {
    let host = sandbox();
    for _ in 0..3 {
        assert_eq!(
            host.http
                .get(host.url("/healthz"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    let (_token, _task, _code) = host.code("alice").await;
    let (status, _) = host
        .call("client-get-sync-token", &[("code", "0000000")])
        .await;
    assert_eq!(status, 403);
    let page = scrape(&host).await;
    let requests = |endpoint: &str, method: &str, status: &str| {
        sample(
            &page,
            "c2v_http_requests_total",
            &[
                ("endpoint", endpoint),
                ("method", method),
                ("status", status),
            ],
        )
    };
    assert_eq!(requests("/healthz", "GET", "200"), Some(3.0), "{page}");
    let generate = "/features/chat-to-video-escalation/generate-unique-code";
    assert_eq!(requests(generate, "POST", "200"), Some(1.0), "{page}");
    let sync = "/features/chat-to-video-escalation/client-get-sync-token";
    assert_eq!(requests(sync, "POST", "403"), Some(1.0), "{page}");
    assert_eq!(
        requests("/sandbox/agents", "POST", "200"),
        Some(1.0),
        "{page}"
    );
    assert!(
        sample(
            &page,
            "c2v_http_request_duration_seconds_count",
            &[("endpoint", "/healthz")]
        ) == Some(3.0),
        "{page}"
    );
    // generate-unique-code checked the token (IAM), the reservation (TaskRouter), wrote the
    // document (Sync): the REST calls by product and outcome.
    for product in ["iam", "taskrouter", "sync"] {
        let ok = sample(
            &page,
            "c2v_twilio_requests_total",
            &[("product", product), ("outcome", "ok")],
        );
        assert!(ok.is_some_and(|n| n >= 1.0), "{product}: {page}");
    }
    assert!(
        sample(&page, "c2v_open_connections", &[]).is_some(),
        "{page}"
    );
}

#[tokio::test]
async fn json_logs_carry_the_request_id() {
    let host = Launch {
        args: vec!["--listen", "127.0.0.1:0"],
        env: vec![("LOG_FORMAT", "json"), ("RUST_LOG", "info")],
        ..Launch::default()
    }
    .start();
    let resp = host
        .http
        .get(host.url("/healthz"))
        .header("x-request-id", "probe-42")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"], "probe-42");
    // One without an id gets one made here.
    let made = host.http.get(host.url("/healthz")).send().await.unwrap();
    let made_id = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(made_id.len(), 16);
    for id in ["probe-42", made_id.as_str()] {
        let line = host
            .stderr_line(|l| l.contains(id))
            .await
            .unwrap_or_else(|| panic!("no log line with {id}"));
        let json: Value = serde_json::from_str(&line).expect("a JSON log line");
        assert_eq!(json["span"]["request_id"], id, "{json}");
        assert_eq!(json["status"], 200, "{json}");
    }
    // Every line is JSON, the start-up lines too.
    for line in host.stderr.lock().unwrap().iter() {
        assert!(serde_json::from_str::<Value>(line).is_ok(), "{line}");
    }
}

#[tokio::test]
async fn readyz_says_whether_the_rest_backend_answers() {
    let host = sandbox();
    let ready = host.http.get(host.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(
        (body["ready"].clone(), body["mode"].clone()),
        (true.into(), "sandbox".into())
    );

    // Twilio mode with Twilio out of reach: alive, not ready.
    let unreachable = Launch {
        args: vec!["--listen", "127.0.0.1:0"],
        env: [
            &TWILIO_ENV[..],
            &[("TWILIO_REST_BASE_URL", "http://127.0.0.1:9")],
        ]
        .concat(),
        ..Launch::default()
    }
    .start();
    assert_eq!(
        unreachable
            .http
            .get(unreachable.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let ready = unreachable
        .http
        .get(unreachable.url("/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["reason"], "Twilio is not reachable", "{body}");
}

#[tokio::test]
async fn the_sandbox_refuses_foreign_hosts_and_cross_site_requests() {
    let host = sandbox();
    let own = format!("http://127.0.0.1:{}", host.port);
    let status = |r: reqwest::Response| r.status().as_u16();
    // DNS rebinding: another site's name pointed at 127.0.0.1.
    for path in [
        "/sandbox/desk/index.html",
        "/sandbox/agents/alice/tasks",
        "/v1/Rooms",
    ] {
        let r = host
            .http
            .get(host.url(path))
            .header(HOST, "attacker.example")
            .send()
            .await;
        assert_eq!(status(r.unwrap()), 403, "{path}");
    }
    let r = host
        .http
        .post(host.url("/sandbox/agents"))
        .header(HOST, "attacker.example:8080")
        .form(&[("identity", "mallory")])
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 403);
    // A cross-site form post from a page the developer opened.
    let r = host
        .http
        .post(host.url("/sandbox/agents"))
        .header(ORIGIN, "https://attacker.example")
        .form(&[("identity", "mallory")])
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 403);
    let r = host
        .http
        .post(host.url("/sandbox/chats"))
        .header(ORIGIN, "null")
        .form(&[("agent", "alice"), ("customer", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 403);
    // A cross-site WebSocket.
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
        format!("ws://127.0.0.1:{}/sandbox/agents/alice/live", host.port),
    )
    .unwrap();
    req.headers_mut()
        .insert("origin", "https://attacker.example".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_err());
    // Nobody was created by the refused requests.
    let tasks = host.get_json("/sandbox/agents/mallory/tasks").await;
    assert_eq!(tasks["tasks"], serde_json::json!([]), "{tasks}");

    // The sandbox's own pages, loopback names and probes still work.
    let r = host
        .http
        .post(host.url("/sandbox/agents"))
        .header(ORIGIN, own.as_str())
        .form(&[("identity", "alice")])
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 200);
    let r = host
        .http
        .get(host.url("/sandbox/agents/alice/tasks"))
        .header(HOST, format!("localhost:{}", host.port))
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 200);
    let r = host
        .http
        .get(host.url("/healthz"))
        .header(HOST, "10.1.2.3:8080")
        .send()
        .await;
    assert_eq!(status(r.unwrap()), 200);
}

#[tokio::test]
async fn a_sid_is_never_a_code_whatever_the_length() {
    let host = Launch {
        args: vec!["--listen", "127.0.0.1:0"],
        env: vec![("VIDEO_CODE_LENGTH", "34")],
        ..Launch::default()
    }
    .start();
    let (_token, task, code) = host.code("alice").await;
    let code = code["unique_code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 34);
    // The document's SID sits in the task attributes, where the agent's side can read it.
    let document = host.document("alice", &task).await;
    assert_eq!(document.len(), 34);
    crate::common::assert_code_refused(&host, &document, None, "the document's SID as a").await;
    let (status, body) = host.call("client-get-sync-token", &[("code", &code)]).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_task_change_costs_one_read_with_1000_desks_open() {
    const DESKS: usize = 1000;
    let host = Launch {
        args: vec!["--listen", "127.0.0.1:0"],
        env: vec![("MAX_CONNECTIONS_PER_ADDRESS", "0")],
        ..Launch::default()
    }
    .start();
    let token = host.agent("alice").await;
    let task = host.chat("alice", "bob").await;
    let url = format!("ws://127.0.0.1:{}/sandbox/agents/alice/live", host.port);
    let auth = serde_json::json!({"type": "auth", "token": token}).to_string();
    let mut desks = Vec::with_capacity(DESKS);
    while desks.len() < DESKS {
        // A few at a time: at most 16 unauthenticated sockets per address.
        let mut batch = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (url, auth) = (url.clone(), auth.clone());
            batch.spawn(async move {
                let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
                ws.send(Message::Text(auth.into())).await.unwrap();
                match ws.next().await {
                    Some(Ok(Message::Text(t))) if t.contains("\"ready\"") => ws,
                    other => panic!("expected the ready snapshot, got {other:?}"),
                }
            });
        }
        while let Some(ws) = batch.join_next().await {
            desks.push(ws.unwrap());
        }
    }
    let before = sample(&scrape(&host).await, "c2v_sandbox_task_reads_total", &[]).unwrap_or(0.0);

    let (status, body) = host
        .call(
            "update-video-state",
            &[
                ("Token", &token),
                ("taskSid", &task),
                ("state", "connected"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Every desk hears the change…
    let mut heard = tokio::task::JoinSet::new();
    for mut ws in desks {
        heard.spawn(async move {
            loop {
                match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
                    Ok(Some(Ok(Message::Text(t)))) if t.contains("\"connected\"") => return ws,
                    Ok(Some(Ok(_))) => continue,
                    other => panic!("a desk did not hear the change: {other:?}"),
                }
            }
        });
    }
    let mut desks = Vec::with_capacity(DESKS);
    while let Some(ws) = heard.join_next().await {
        desks.push(ws.unwrap());
    }
    assert_eq!(desks.len(), DESKS);
    // …and the task was read once for all of them.
    let after = sample(&scrape(&host).await, "c2v_sandbox_task_reads_total", &[]).unwrap();
    assert_eq!(after - before, 1.0);
    let page = scrape(&host).await;
    let open = sample(
        &page,
        "c2v_open_sockets",
        &[("route", "/sandbox/agents/{identity}/live")],
    );
    assert_eq!(open, Some(DESKS as f64), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desks_ready_snapshot_lists_the_agents_own_tasks_only() {
    let host = sandbox();
    let token = host.agent("alice").await;
    let mine = host.chat("alice", "bob").await;
    let _ = host.agent("dora").await;
    let theirs = host.chat("dora", "carl").await;
    let url = format!("ws://127.0.0.1:{}/sandbox/agents/alice/live", host.port);
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let auth = serde_json::json!({"type": "auth", "token": token}).to_string();
    ws.send(Message::Text(auth.into())).await.unwrap();
    let ready: serde_json::Value = match ws.next().await {
        Some(Ok(Message::Text(t))) => serde_json::from_str(&t).unwrap(),
        other => panic!("expected the ready snapshot, got {other:?}"),
    };
    assert_eq!(ready["type"], "ready", "{ready}");
    assert_eq!(ready["identity"], "alice", "{ready}");
    let tasks: Vec<&str> = ready["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter_map(|t| t["taskSid"].as_str())
        .collect();
    assert_eq!(tasks, [mine.as_str()], "not {theirs}: {ready}");
}
