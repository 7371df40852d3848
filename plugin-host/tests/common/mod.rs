//! Starts the real `plugin-host` binary on a free port and talks to it over HTTP.
#![allow(dead_code)]

pub mod inproc;
pub mod oai;
pub mod process;
pub mod proxy;
pub mod round_trips;
pub mod sessions;
pub mod sockets;
pub mod waves;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// How long start-up may take before a test gives up.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

pub const BASE: &str = "/features/chat-to-video-escalation";

/// Every variable the configuration reads: a developer's environment must not change the mode.
pub fn configuration_variables() -> Vec<String> {
    use clap::CommandFactory as _;
    let cli = plugin_host::config::Cli::command();
    let flags = cli
        .get_arguments()
        .filter_map(|a| a.get_env())
        .map(|v| v.to_string_lossy().into_owned());
    let env_only = plugin_host::config::ENV_ONLY.iter().map(|v| v.to_string());
    flags.chain(env_only).collect()
}

pub struct Service {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
    env: Vec<(String, String)>,
    _tmp: Option<tempfile::TempDir>,
    pub api: Api,
}

impl std::ops::Deref for Service {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

/// HTTP helpers against one running service.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
}

/// An agent's chat task with a code, and the room the agent joined through `agent-get-token`.
pub struct Room {
    /// The agent's Flex token.
    pub token: String,
    pub task: String,
    /// The unique code.
    pub code: String,
    /// The code's Sync document.
    pub doc: String,
    /// The room's sid.
    pub sid: String,
    /// The `agent-get-token` answer.
    pub grant: Value,
}

/// The CORS headers every function answer (other than a preflight) carries.
pub fn assert_cors(resp: &reqwest::Response) {
    let h = resp.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    assert_eq!(h["access-control-allow-methods"], "GET,POST,OPTIONS");
    assert_eq!(h["access-control-allow-headers"], "Content-Type");
}

/// Both customer functions refuse `code` with 403: the template's "Invalid code." for a code
/// that never was, or the session's end `reason` for one whose session is over.
pub async fn assert_code_refused(svc: &Api, code: &str, reason: Option<&str>, why: &str) {
    for f in ["client-get-sync-token", "client-get-video-token"] {
        let (status, body) = svc.call_json(f, &[("code", code)]).await;
        assert_eq!(status, 403, "{why} code {code} on {f}: {body}");
        match reason {
            None => assert_eq!(body, serde_json::json!({"error": "Invalid code."}), "{why}"),
            Some(r) => assert_eq!(body["reason"], r, "{why} code {code} on {f}: {body}"),
        }
    }
}

impl Api {
    pub fn new(base: String) -> Api {
        Api {
            base,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("client"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn function(&self, name: &str) -> String {
        format!("{}{BASE}/{name}", self.base)
    }

    pub async fn post_form(&self, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(url)
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// `GET` on the service, expecting JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        let resp = self.http.get(self.url(path)).send().await.expect("request");
        resp.json().await.expect("JSON body")
    }

    /// A form `POST` on the service, expecting JSON.
    pub async fn post_json(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let resp = self.post_form(&self.url(path), form).await;
        resp.json().await.expect("JSON body")
    }

    /// Calls a function: `(status, body)`, the body as JSON, or as a JSON string if it is text.
    /// Every answer carries the CORS headers.
    pub async fn call(&self, name: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let resp = self.post_form(&self.function(name), form).await;
        assert_cors(&resp);
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// [`call`](Self::call) for an answer that must be JSON.
    pub async fn call_json(&self, name: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let resp = self.post_form(&self.function(name), form).await;
        assert_cors(&resp);
        let status = resp.status().as_u16();
        (status, resp.json().await.expect("JSON body"))
    }

    /// A sandbox agent's flex token.
    pub async fn agent(&self, identity: &str) -> String {
        let v = self
            .post_json("/sandbox/agents", &[("identity", identity)])
            .await;
        v["token"].as_str().expect("token").to_owned()
    }

    /// A chat task assigned to `agent`.
    pub async fn chat(&self, agent: &str, customer: &str) -> String {
        let v = self
            .post_json(
                "/sandbox/chats",
                &[("agent", agent), ("customer", customer)],
            )
            .await;
        v["taskSid"].as_str().expect("taskSid").to_owned()
    }

    /// The task's attributes as the agent's task list shows them.
    pub async fn task_attributes(&self, agent: &str, task: &str) -> Value {
        let v = self
            .get_json(&format!("/sandbox/agents/{agent}/tasks"))
            .await;
        v["tasks"]
            .as_array()
            .and_then(|ts| ts.iter().find(|t| t["taskSid"] == task))
            .map(|t| t["attributes"].clone())
            .unwrap_or(Value::Null)
    }

    /// The code document `generate-unique-code` merged into the task.
    pub async fn document(&self, agent: &str, task: &str) -> String {
        let attrs = self.task_attributes(agent, task).await;
        attrs["syncDocument"]
            .as_str()
            .expect("syncDocument merged")
            .to_owned()
    }

    /// Agent, chat task and code: `(flex token, task sid, generate-unique-code answer)`.
    pub async fn code(&self, agent: &str) -> (String, String, Value) {
        let token = self.agent(agent).await;
        let task = self.chat(agent, "customer").await;
        let (status, body) = self
            .call(
                "generate-unique-code",
                &[("Token", &token), ("taskSid", &task)],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        (token, task, body)
    }

    /// What the agent's tab reports once its media is up: the agent is in the room (the
    /// customer may now get a video token).
    pub async fn connected(&self, token: &str, task: &str) {
        let (status, body) = self
            .call(
                "update-video-state",
                &[("Token", token), ("taskSid", task), ("state", "connected")],
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }

    /// [`code`](Self::code), then the agent joins: the room is created and the agent is in it.
    pub async fn room(&self, agent: &str) -> Room {
        let (token, task, code) = self.code(agent).await;
        let code = code["unique_code"]
            .as_str()
            .expect("unique_code")
            .to_owned();
        let doc = self.document(agent, &task).await;
        let (status, grant) = self
            .call_json(
                "agent-get-token",
                &[("Token", &token), ("DocumentSid", &doc)],
            )
            .await;
        assert_eq!(status, 200, "{grant}");
        self.connected(&token, &task).await;
        let sid = grant["room_sid"].as_str().expect("room_sid").to_owned();
        Room {
            token,
            task,
            code,
            doc,
            sid,
            grant,
        }
    }
}

impl Service {
    /// A sandbox with its own data directory.
    pub fn start(env: &[(&str, &str)]) -> Service {
        Self::start_prepared(env, |_| {})
    }

    /// A sandbox whose data directory `prepare` fills first (e.g. with an older database).
    pub fn start_prepared(env: &[(&str, &str)], prepare: impl FnOnce(&Path)) -> Service {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().to_path_buf();
        let data = dir.join("data");
        std::fs::create_dir_all(&data).expect("data dir");
        prepare(&data);
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (child, port) = launch(&dir, &env);
        Service {
            child,
            port,
            dir,
            env,
            _tmp: Some(tmp),
            api: Api::new(format!("http://127.0.0.1:{port}")),
        }
    }

    /// Kills the process (no graceful shutdown) and starts it again on the same data directory.
    pub fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let (child, port) = launch(&self.dir, &self.env);
        self.child = child;
        self.port = port;
        self.api.base = format!("http://127.0.0.1:{port}");
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the binary in `dir` and waits for its ready line.
pub fn launch(dir: &Path, env: &[(String, String)]) -> (Child, u16) {
    let site = dir.join("site");
    std::fs::create_dir_all(&site).expect("assets dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plugin-host"));
    cmd.args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.join("data"))
        .arg("--assets")
        .arg(&site)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .env("RUST_LOG", "warn");
    for k in configuration_variables() {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start plugin-host");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let Ok(line) = rx.recv_timeout(READY_TIMEOUT) else {
        let _ = child.kill();
        panic!("plugin-host printed no ready line within {READY_TIMEOUT:?}");
    };
    let port = parse_ready_line(&line).unwrap_or_else(|| panic!("unexpected first line: {line:?}"));
    (child, port)
}

/// `plugin-host listening on http://127.0.0.1:PORT (mode: sandbox)` → PORT.
pub fn parse_ready_line(line: &str) -> Option<u16> {
    let rest = line
        .trim()
        .strip_prefix("plugin-host listening on http://")?;
    let (addr, mode) = rest.split_once(' ')?;
    if !mode.starts_with("(mode: ") {
        return None;
    }
    addr.rsplit_once(':')?.1.parse().ok()
}

/// Decodes one part of a JWT.
pub fn jwt_part(token: &str, index: usize) -> Value {
    use base64::Engine as _;
    let raw = token.split('.').nth(index).expect("jwt part");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(raw)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("json")
}

/// What a host with Twilio credentials is started with: twilio mode (the values reach no
/// Twilio unless a test also points `TWILIO_REST_BASE_URL` somewhere).
pub const TWILIO_ENV: [(&str, &str); 6] = [
    ("ACCOUNT_SID", "AC00000000000000000000000000000001"),
    ("AUTH_TOKEN", "token"),
    ("TWILIO_API_KEY", "SK00000000000000000000000000000001"),
    ("TWILIO_API_SECRET", "secret"),
    (
        "VIDEO_SYNC_SERVICE_SID",
        "IS00000000000000000000000000000001",
    ),
    (
        "TWILIO_FLEX_WORKSPACE_SID",
        "WS00000000000000000000000000000001",
    ),
];
