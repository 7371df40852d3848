//! The conversations API against the running service: real HTTP and WebSockets on a free
//! loopback port, the real sandbox (SQLite in a temporary directory) and its TaskRouter stand-in.
//! Here, the service and the client helpers the topic modules share.

use std::time::Duration;

use clap::Parser as _;
use futures_util::StreamExt as _;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::app::{app, build_state};
use crate::config::{Cli, Settings};
use crate::test_sockets::{self as sockets, Ws};

mod chats;
mod live;
mod task_status;

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
