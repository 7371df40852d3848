//! The conversations API against the running service: real HTTP and WebSockets on a free
//! loopback port, the real sandbox (SQLite in a temporary directory) and its TaskRouter stand-in.

use std::time::Duration;

use clap::Parser as _;
use futures_util::{SinkExt as _, StreamExt as _};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::app::{app, build_state};
use crate::config::{Cli, Settings};
use crate::test_sockets::{self as sockets, Ws};

struct Service {
    base: String,
    http: reqwest::Client,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn start() -> Service {
    let dir = std::env::temp_dir().join(format!(
        "c2v-conv-{}-{}",
        std::process::id(),
        crate::sandbox::sid::new_secret()
    ));
    let d = dir.display().to_string();
    let cli = Cli::parse_from([
        "plugin-host",
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        &d,
        "--assets",
        &d,
    ]);
    let settings = Settings::from_sources(cli, |_| None).expect("settings");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let bound = listener.local_addr().expect("addr");
    let state = build_state(settings, bound).expect("state");
    tokio::spawn(async move {
        axum::serve(listener, app(state)).await.expect("serve");
    });
    Service {
        base: format!("http://{bound}"),
        http: reqwest::Client::new(),
        _dir: TempDir(dir),
    }
}

impl Service {
    /// Sends `req` (with the bearer `token`, if any): the status and the JSON body (or null).
    async fn send(
        &self,
        mut req: reqwest::RequestBuilder,
        token: Option<&str>,
    ) -> (StatusCode, Value) {
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let req = self.http.post(format!("{}{path}", self.base)).json(&body);
        self.send(req, token).await
    }

    async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let req = self.http.get(format!("{}{path}", self.base));
        self.send(req, token).await
    }

    /// Signs an agent in; their token.
    async fn agent(&self, identity: &str) -> String {
        let (status, body) = self
            .post("/sandbox/agents", None, json!({ "identity": identity }))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().expect("token").to_owned()
    }

    /// Starts a web chat; (taskSid, conversationSid, customer token).
    async fn chat(&self, name: &str, agent: &str) -> (String, String, String) {
        let (status, body) = self
            .post(
                "/sandbox/webchat/sessions",
                None,
                json!({"name": name, "agent": agent}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let s = |k: &str| body[k].as_str().expect(k).to_owned();
        (s("taskSid"), s("conversationSid"), s("token"))
    }

    fn ws_url(&self, path: &str) -> String {
        format!("{}{path}", self.base.replacen("http://", "ws://", 1))
    }

    /// A live socket on `path` that has sent its auth message.
    async fn live(&self, path: &str, token: &str) -> Ws {
        let mut ws = sockets::open(&self.ws_url(path)).await;
        sockets::send(&mut ws, &json!({"type": "auth", "token": token})).await;
        ws
    }
}

/// The next JSON event, or the close code if the server closed.
async fn next(ws: &mut Ws) -> Result<Value, u16> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("no event within 5 s");
        match msg {
            Some(Ok(Message::Text(t))) => {
                return Ok(serde_json::from_str(t.as_str()).expect("JSON event"))
            }
            Some(Ok(Message::Close(frame))) => {
                return Err(frame.map_or(1005, |f| u16::from(f.code)))
            }
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return Err(1006),
        }
    }
}

/// Events until one of `kind` arrives.
async fn next_of(ws: &mut Ws, kind: &str) -> Value {
    loop {
        let event = next(ws).await.expect("socket closed");
        if event["type"] == kind {
            return event;
        }
    }
}

#[tokio::test]
async fn a_web_chat_needs_a_signed_in_agent_and_valid_names() {
    let svc = start().await;
    let (status, body) = svc
        .post(
            "/sandbox/webchat/sessions",
            None,
            json!({"name": "Ada", "agent": "nobody"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["error"],
        "No agent named nobody has signed in to the agent desktop."
    );
    svc.agent("alice").await;
    let (status, body) = svc
        .post(
            "/sandbox/webchat/sessions",
            None,
            json!({"name": " ", "agent": "alice"}),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Missing name"))
    );
    let (status, _) = svc
        .post("/sandbox/webchat/sessions", None, json!(["Ada"]))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = svc
        .post(
            "/sandbox/webchat/sessions",
            None,
            json!({"name": "Ada", "agent": "alice"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body["token"].as_str().unwrap().starts_with("cht_"));
    assert_eq!(
        (body["name"].as_str(), body["agent"].as_str()),
        (Some("Ada"), Some("alice"))
    );
    assert!(body["linkOrigins"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o == svc.base.as_str()));
    // The chat task is the agent's, with the conversation in its attributes.
    let (_, tasks) = svc.get("/sandbox/agents/alice/tasks", None).await;
    let task = &tasks["tasks"][0];
    assert_eq!(task["taskSid"], body["taskSid"]);
    assert_eq!(
        task["attributes"]["conversationSid"],
        body["conversationSid"]
    );
    assert_eq!(task["attributes"]["customerName"], "Ada");
}

#[tokio::test]
async fn both_sides_post_and_read_the_transcript_in_order() {
    let svc = start().await;
    let alice = svc.agent("alice").await;
    let (_, conv, customer) = svc.chat("Ada", "alice").await;
    let path = format!("/sandbox/conversations/{conv}/messages");
    let (status, m0) = svc
        .post(
            &path,
            Some(&customer),
            json!({"body": "Hello <b>there</b>"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m0}");
    assert_eq!(
        (
            m0["author"].as_str(),
            m0["authorRole"].as_str(),
            m0["index"].as_i64()
        ),
        (Some("Ada"), Some("customer"), Some(0))
    );
    let invite = json!({"hasVideo": true, "videoUrl": format!("{}/features/chat-to-video/index.html?code=abc1234", svc.base), "uniqueCode": "abc1234"});
    let (status, m1) = svc
        .post(
            &path,
            Some(&alice),
            json!({"body": "Join me", "attributes": invite}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (
            m1["author"].as_str(),
            m1["authorRole"].as_str(),
            m1["index"].as_i64()
        ),
        (Some("alice"), Some("agent"), Some(1))
    );
    assert_eq!(m1["attributes"], invite);
    for token in [&alice, &customer] {
        let (status, list) = svc.get(&path, Some(token)).await;
        assert_eq!(status, StatusCode::OK);
        let bodies: Vec<&str> = list["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["body"].as_str().unwrap())
            .collect();
        assert_eq!(bodies, ["Hello <b>there</b>", "Join me"]);
    }
}

#[tokio::test]
async fn strangers_and_bad_input_are_refused_and_nothing_is_stored() {
    let svc = start().await;
    let alice = svc.agent("alice").await;
    let mallory = svc.agent("mallory").await;
    let (_, conv, customer) = svc.chat("Ada", "alice").await;
    let (_, other_conv, other_customer) = svc.chat("Eve", "alice").await;
    let path = format!("/sandbox/conversations/{conv}/messages");
    let hi = json!({"body": "hi"});
    assert_eq!(
        svc.post(&path, None, hi.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        svc.post(&path, Some("not-a-token"), hi.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        svc.post(&path, Some("cht_0000"), hi.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        svc.post(&path, Some(&mallory), hi.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        svc.post(&path, Some(&other_customer), hi.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        svc.get(&path, Some(&mallory)).await.0,
        StatusCode::FORBIDDEN
    );
    let missing = "/sandbox/conversations/CH00000000000000000000000000000000/messages";
    assert_eq!(
        svc.post(missing, Some(&alice), hi.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, body) = svc.post(&path, Some(&customer), json!({"body": ""})).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("The message is empty"))
    );
    let (status, _) = svc
        .post(
            &path,
            Some(&customer),
            json!({"body": "x", "attributes": "{}"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = svc
        .post(
            &path,
            Some(&customer),
            json!({"body": "x".repeat(40 * 1024)}),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let res = svc
        .http
        .post(format!("{}{path}", svc.base))
        .bearer_auth(&customer)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    for (p, token) in [
        (&path, &alice),
        (
            &format!("/sandbox/conversations/{other_conv}/messages"),
            &alice,
        ),
    ] {
        let (_, list) = svc.get(p, Some(token)).await;
        assert_eq!(list["messages"], json!([]), "a refused message was stored");
    }
}

#[tokio::test]
async fn the_transcript_is_live_for_both_sides() {
    let svc = start().await;
    let alice = svc.agent("alice").await;
    let (_, conv, customer) = svc.chat("Ada", "alice").await;
    let path = format!("/sandbox/conversations/{conv}/messages");
    svc.post(&path, Some(&customer), json!({"body": "before"}))
        .await;
    let live = format!("/sandbox/conversations/{conv}/live");
    let mut web = svc.live(&live, &customer).await;
    let mut desk = svc.live(&live, &alice).await;
    for ws in [&mut web, &mut desk] {
        let ready = next(ws).await.unwrap();
        assert_eq!(ready["type"], "ready");
        assert_eq!(ready["taskStatus"], "assigned");
        assert_eq!(ready["messages"][0]["body"], "before");
    }
    svc.post(
        &path,
        Some(&alice),
        json!({"body": "from the agent", "attributes": {"hasVideo": true}}),
    )
    .await;
    for ws in [&mut web, &mut desk] {
        let event = next_of(ws, "message").await;
        assert_eq!(event["message"]["body"], "from the agent");
        assert_eq!(event["message"]["attributes"]["hasVideo"], true);
    }
    // Another conversation's messages do not leak in.
    let (_, other, other_customer) = svc.chat("Eve", "alice").await;
    svc.post(
        &format!("/sandbox/conversations/{other}/messages"),
        Some(&other_customer),
        json!({"body": "elsewhere"}),
    )
    .await;
    svc.post(&path, Some(&customer), json!({"body": "mine"}))
        .await;
    assert_eq!(
        next_of(&mut web, "message").await["message"]["body"],
        "mine"
    );
}

#[tokio::test]
async fn live_sockets_refuse_bad_tokens_with_close_codes() {
    let svc = start().await;
    let alice = svc.agent("alice").await;
    let mallory = svc.agent("mallory").await;
    let (_, conv, _) = svc.chat("Ada", "alice").await;
    let (_, _, other_customer) = svc.chat("Eve", "alice").await;
    let live = format!("/sandbox/conversations/{conv}/live");
    assert_eq!(next(&mut svc.live(&live, "nope").await).await, Err(4401));
    assert_eq!(next(&mut svc.live(&live, &mallory).await).await, Err(4403));
    assert_eq!(
        next(&mut svc.live(&live, &other_customer).await).await,
        Err(4403)
    );
    assert_eq!(
        next(&mut svc.live("/sandbox/conversations/CHnone/live", &alice).await).await,
        Err(4404)
    );
    assert_eq!(
        next(&mut svc.live("/sandbox/agents/alice/live", &mallory).await).await,
        Err(4403)
    );
    // A first message that is not an auth message.
    let mut ws = sockets::open(&svc.ws_url("/sandbox/agents/alice/live")).await;
    ws.send(Message::Text("hello".into())).await.unwrap();
    assert_eq!(next(&mut ws).await, Err(4400));
}

#[tokio::test]
async fn the_task_list_is_live_and_agents_show_online() {
    let svc = start().await;
    let alice = svc.agent("alice").await;
    assert_eq!(
        svc.get("/sandbox/webchat/agents", None).await.1,
        json!({"agents": []})
    );
    let mut desk = svc.live("/sandbox/agents/alice/live", &alice).await;
    let ready = next(&mut desk).await.unwrap();
    assert_eq!(
        (
            ready["type"].as_str(),
            ready["tasks"].as_array().map(Vec::len)
        ),
        (Some("ready"), Some(0))
    );
    assert_eq!(
        svc.get("/sandbox/webchat/agents", None).await.1,
        json!({"agents": ["alice"]})
    );

    let (task, conv, _) = svc.chat("Ada", "alice").await;
    let event = next_of(&mut desk, "task").await;
    assert_eq!(event["task"]["taskSid"], task.as_str());
    assert_eq!(event["task"]["assignmentStatus"], "assigned");
    assert_eq!(event["task"]["conversationSid"], conv.as_str());
    assert_eq!(event["task"]["taskChannelUniqueName"], "chat");

    // Someone else's task does not reach alice's desk; her own non-chat task does.
    svc.agent("bob").await;
    svc.chat("Eve", "bob").await;
    let (status, made) = svc
        .post(
            "/sandbox/tasks",
            None,
            json!({"agent": "alice", "channel": "voice"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let event = next_of(&mut desk, "task").await;
    assert_eq!(event["task"]["taskSid"], made["taskSid"]);
    assert_eq!(event["task"]["conversationSid"], Value::Null);

    drop(desk);
    for _ in 0..50 {
        if svc.get("/sandbox/webchat/agents", None).await.1 == json!({"agents": []}) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("alice stayed online after her desk closed");
}

#[tokio::test]
async fn tasks_move_assigned_wrapping_completed_and_the_chat_then_ends() {
    let svc = start().await;
    let alice = svc.agent("alice").await;
    let mallory = svc.agent("mallory").await;
    let (task, conv, customer) = svc.chat("Ada", "alice").await;
    let mut desk = svc.live("/sandbox/agents/alice/live", &alice).await;
    next_of(&mut desk, "ready").await;
    let mut web = svc
        .live(&format!("/sandbox/conversations/{conv}/live"), &customer)
        .await;
    next_of(&mut web, "ready").await;
    let status_path = format!("/sandbox/agents/alice/tasks/{task}/status");

    let wrap = json!({"assignmentStatus": "wrapping"});
    assert_eq!(
        svc.post(&status_path, Some(&mallory), wrap.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        svc.post(&status_path, Some(&customer), wrap.clone())
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        svc.post(&status_path, None, wrap.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = svc
        .post(
            &status_path,
            Some(&alice),
            json!({"assignmentStatus": "canceled"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = svc
        .post(
            "/sandbox/agents/alice/tasks/WTnope/status",
            Some(&alice),
            wrap.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    let (status, body) = svc.post(&status_path, Some(&alice), wrap.clone()).await;
    assert_eq!(
        (status, body["assignmentStatus"].as_str()),
        (StatusCode::OK, Some("wrapping")),
        "{body}"
    );
    assert_eq!(
        next_of(&mut desk, "task").await["task"]["assignmentStatus"],
        "wrapping"
    );
    assert_eq!(next_of(&mut web, "status").await["taskStatus"], "wrapping");

    let (status, body) = svc.post(&status_path, Some(&alice), wrap.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "wrapping twice: {body}");
    assert!(body["error"].as_str().unwrap().contains("wrapping"));

    let (status, body) = svc
        .post(
            &status_path,
            Some(&alice),
            json!({"assignmentStatus": "completed"}),
        )
        .await;
    assert_eq!(
        (status, body["assignmentStatus"].as_str()),
        (StatusCode::OK, Some("completed")),
        "{body}"
    );
    assert_eq!(body["reason"], "Completed by agent");
    assert_eq!(
        next_of(&mut desk, "task").await["task"]["assignmentStatus"],
        "completed"
    );
    assert_eq!(next_of(&mut web, "status").await["taskStatus"], "completed");

    // The chat has ended: no more messages, but the transcript stays readable.
    let path = format!("/sandbox/conversations/{conv}/messages");
    let (status, body) = svc
        .post(&path, Some(&customer), json!({"body": "still there?"}))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("This chat has ended."))
    );
    assert_eq!(svc.get(&path, Some(&customer)).await.0, StatusCode::OK);
}
